// Reading playbooks, task files and roles into the model (playbook.hpp),
// checking everything that can be checked before a host is touched: YAML
// syntax, play/block/task keywords, module names (with a "did you mean"),
// module options, missing roles and imported files, conflicting keywords.
// Every error is a ParserError with file:line:column.
#pragma once

#include <string>
#include <vector>

#include "core/value.hpp"
#include "engine/playbook.hpp"
#include "engine/task_loader.hpp"

namespace drover {

class Config;

struct LoadOptions {
  std::vector<std::string> roles_path;  // configured roles_path, in order
  Value extra_vars = Value::object();   // used to resolve templated import paths
  // Configured collection roots (COLLECTIONS_PATHS) and whether the Python
  // path is searched too (COLLECTIONS_SCAN_SYS_PATH): load_playbook builds
  // the playbook's CollectionIndex from them, unless `index` is given.
  std::vector<std::string> collections_paths;
  bool collections_scan_sys_path = true;
  std::shared_ptr<const CollectionIndex> index;
  // include_role at run time: the including task's `collections:` list.
  std::vector<std::string> collections;
  // The run's Python fallback modules (shared by its playbooks); null:
  // load_playbook makes one without configured library paths.
  std::shared_ptr<FallbackModules> fallback;
  // The run's Python lookups (configured lookup_plugins); null: load_playbook
  // makes one without configured directories.
  std::shared_ptr<const PythonLookups> python_lookups;
};

// roles_path and the collection settings from ansible.cfg/ANSIBLE_*.
LoadOptions load_options(const Config& config);

Playbook load_playbook(const std::string& path, const LoadOptions& opts = {});

// No role of that name in the collections or the roles path: a parser
// error while the playbook loads, but an include_role that names it fails
// only the host (Ansible raises AnsibleError there, not AnsibleParserError).
class RoleNotFound : public ParserError {
 public:
  using ParserError::ParserError;
};

// A role loaded at run time by include_role: its tasks (after its
// dependencies' tasks) as one block whose parent is `parent`, and its
// handlers (and its dependencies') in a block of their own. The Role
// objects are owned by `playbook`.
struct IncludedRole {
  std::unique_ptr<Block> tasks;
  std::unique_ptr<Block> handlers;
  const Role* role = nullptr;
};

// `args` may hold tasks_from, vars_from, defaults_from, handlers_from;
// `params` are the role's parameters. Throws ParserError as the loader does
// (missing role or file, bad YAML).
IncludedRole load_included_role(Playbook& playbook, const LoadOptions& opts, const std::string& name,
                                const Value& args, const Value& params, const Location& where,
                                const std::string& playbook_dir, const Block* parent);

// A task file loaded by include_tasks at run time (ctx as load_task_file
// takes it); the handlers of roles its tasks import go to `handlers`.
std::unique_ptr<Block> load_included_tasks(Playbook& playbook, const LoadOptions& opts, const std::string& path,
                                           const TaskLoadContext& ctx, const Block* parent, Block& handlers);

}  // namespace drover
