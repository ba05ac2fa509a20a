// Loading task lists (a play section, a task file, a role's tasks) into
// blocks and tasks. Internal to the loader: playbook_loader.cpp and
// role_loader.cpp use it; the executor uses it for include_tasks.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <memory>
#include <string>

#include "engine/playbook.hpp"

namespace drover {

struct TaskLoadContext {
  std::string file;            // the YAML file being read (for locations)
  std::string dir;             // where relative import_tasks paths start
  std::string playbook_dir;
  const Role* role = nullptr;  // set inside a role
  bool handlers = false;       // loading a handlers section
  Playbook* playbook = nullptr;  // receives task ids, roles imported statically
  const std::vector<std::string>* roles_path = nullptr;
  // The `collections:` search list in effect (play, role, enclosing blocks).
  std::vector<std::string> collections;
  // Loads a role for import_role (set by the playbook loader); returns the
  // role's task block, and appends its handlers to the play.
  std::function<std::unique_ptr<Block>(const std::string& name, const Value& args, const Location& where,
                                       const TaskLoadContext& ctx)>
      import_role;
};

// Adds `names` to the notify list of every task under `block` (a block's
// notify, an include's apply: notify).
void add_notify(Block& block, const std::vector<std::string>& names);

// Loads `list` (a YAML sequence of tasks/blocks, or null) into `into.block`.
void load_task_list(const YAML::Node& list, TaskLoadContext& ctx, Block& into);

// Reads a task file (import_tasks / include_tasks / role tasks) into a new
// implicit block whose parent is `parent`.
std::unique_ptr<Block> load_task_file(const std::string& path, TaskLoadContext& ctx, const Block* parent);

// Parses one inheritable keyword into `kw`; false when `key` is not one.
// Throws ParserError for a value of the wrong shape.
bool parse_keyword(const std::string& key, const YAML::Node& value, Keywords& kw, const std::string& file);

// The keywords valid on a task (for "did you mean" hints and validation).
const std::vector<std::string>& task_keywords();

// Finds a task file relative to `dir` with Ansible's extensions (.yml,
// .yaml, .json, none); empty when missing.
std::string find_yaml_file(const std::string& dir, const std::string& name);

}  // namespace drover
