// The factories of the modules built into drover, one per module file; the
// registry (registry.cpp) is the only caller.
#pragma once

#include <memory>
#include <string>

#include "modules/module.hpp"

namespace drover {

std::unique_ptr<Module> make_command_module();
std::unique_ptr<Module> make_shell_module();
std::unique_ptr<Module> make_raw_module();
std::unique_ptr<Module> make_ping_module();

// SIGKILL -> 9 for the names libssh and the local transport report.
int signal_number(const std::string& name);

}  // namespace drover
