// Finding modules by name, as playbooks spell them: `command`,
// `ansible.builtin.command`, `ansible.legacy.command`.
//
// A module registers itself with one line in its own file (as server
// components do in components.cpp, osquery's REGISTER):
//
//   const ModuleRegistration copy_registration({"copy"}, make_module<CopyModule>);
//
// Registrations run during static initialisation and only record the
// factory; the modules are made on the first lookup (after main started), so
// a module's constructor may use other files' statics. The module files are
// linked whole (src/modules/CMakeLists.txt): nothing references a
// registration, and a linker would otherwise drop its object from the
// archive. docs/MODULES.md lists every registered name; a test holds the two
// equal.
#pragma once

#include <initializer_list>
#include <memory>
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

// Every registered name, sorted.
std::vector<std::string> module_names();

using ModuleFactory = std::unique_ptr<Module> (*)();

// Registers the module `make` builds under each of `names` (one instance
// serves them all). A name registered twice aborts the first lookup.
class ModuleRegistration {
 public:
  ModuleRegistration(std::initializer_list<const char*> names, ModuleFactory make);
};

// The factory of a module class, constructed with `args` (template
// arguments: `make_module<CommandModule, true>`).
template <class M, auto... args>
std::unique_ptr<Module> make_module() {
  return std::make_unique<M>(args...);
}

}  // namespace drover
