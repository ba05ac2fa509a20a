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
std::unique_ptr<Module> make_debug_module();
std::unique_ptr<Module> make_set_fact_module();
std::unique_ptr<Module> make_assert_module();
std::unique_ptr<Module> make_fail_module();
std::unique_ptr<Module> make_pause_module();
std::unique_ptr<Module> make_include_vars_module();
std::unique_ptr<Module> make_add_host_module();
std::unique_ptr<Module> make_group_by_module();
std::unique_ptr<Module> make_setup_module();
std::unique_ptr<Module> make_gather_facts_module();

// SIGKILL -> 9 for the names libssh and the local transport report.
int signal_number(const std::string& name);

}  // namespace drover
