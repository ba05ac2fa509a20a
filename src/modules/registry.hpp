// Finding modules by name, as playbooks spell them: `command`,
// `ansible.builtin.command`, `ansible.legacy.command`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "modules/module.hpp"

namespace drover {

struct ModuleEntry {
  std::string name;      // the short name users see in output ("command")
  const Module* module;  // owned by the registry, lives for the process
};

// Null when no module has that name.
const ModuleEntry* find_module(std::string_view name);

// The short name for a possibly qualified name: "ansible.builtin.copy" ->
// "copy"; unknown collections are left as they are.
std::string short_module_name(std::string_view name);

std::vector<std::string> module_names();

}  // namespace drover
