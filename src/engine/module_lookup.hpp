// Which module or action a task names: the one place where the playbook
// loader turns a task's key ("copy", "ansible.builtin.copy",
// "community.general.ini_file", a short name under `collections:`) into
// drover's native module or a module file of a collection, a role's
// library/ or ansible-core (engine/collections.hpp does the finding).
//
// Names drover implements natively (its module registry and the actions
// the executor runs itself) resolve as before without touching the file
// system. A collection module whose ansible-core short name drover
// implements natively (`ansible.posix.sysctl` is `sysctl`) is native too.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/error.hpp"
#include "engine/collections.hpp"

namespace drover {

// Actions the executor handles itself rather than a module (Ansible's
// BUILTIN_TASKS: include_tasks, import_role, meta, ...).
bool is_engine_action(const std::string& short_name);

struct ModuleLookup {
  bool found = false;
  // drover runs it: `action` is the registry's (or the executor's) short
  // name ("copy", "sysctl", "include_role").
  bool native = false;
  std::string action;
  // The module as Ansible resolved it: final FQCN ("community.general.ufw",
  // or the bare name of a library/ module), its collection ("" for
  // library/) and file.
  std::string fqcn, collection, path;
  std::vector<PluginDeprecation> deprecations;
};

// Resolves `name` with the `collections:` search list in effect. `index`
// may be null (only native names resolve then). `legacy_dirs`: the
// library/ directories of the task's role and playbook. Throws Error for a
// removed (tombstoned) module or a broken redirect.
ModuleLookup lookup_module(const std::string& name, const std::vector<std::string>& collections,
                           const CollectionIndex* index, const std::vector<std::string>& legacy_dirs);

// The load-time error for a module that was found but that drover cannot
// run: "module 'ufw' from collection community.general is not implemented
// natively (…/ufw.py)". The Python module fallback replaces this.
std::string not_native_message(const std::string& as_written, const ModuleLookup& m);

// A `collections:` value (a list of collection names, or one name) as
// Ansible's CollectionSearch reads it: when it names anything and names
// neither ansible.builtin nor ansible.legacy, `append` (ansible.legacy,
// or ansible.builtin for a role inside a collection) is added at the end.
// Throws ParserError at the node for a value that is not a list of names.
std::vector<std::string> parse_collections(const YAML::Node& node, const std::string& file,
                                           const std::string& append = "ansible.legacy");

// The same for a value read from a role's meta/main.yml.
std::vector<std::string> collections_from_value(const Value& value, const Location& where,
                                                const std::string& append = "ansible.legacy");

// `list` with the ansible.builtin/ansible.legacy tail parse_collections adds.
std::vector<std::string> with_default_collection(std::vector<std::string> list, const std::string& append);

}  // namespace drover
