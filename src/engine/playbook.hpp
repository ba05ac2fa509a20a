// The playbook model: plays, blocks, tasks, roles, handlers, as loaded from
// YAML and before anything is templated.
//
// Every node keeps the file:line:column it came from. Values that may hold
// Jinja2 (conditions, loop sources, module arguments, most keywords) stay
// raw Values here; the executor templates them per host. Static imports
// (import_playbook, import_tasks, import_role, play `roles:`) are already
// expanded by the loader; dynamic includes (include_tasks, include_role) stay
// tasks that the executor expands per host at run time.
//
// Ownership: a Playbook owns everything; nodes point to their parents with
// plain pointers that live as long as the Playbook.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/value.hpp"
#include "engine/collections.hpp"
#include "engine/python_lookups.hpp"

namespace drover {

struct Block;
struct ModuleEntry;
class FallbackModules;
struct Role;

// Keywords that blocks, roles and plays pass down to their tasks (Ansible's
// inheritable FieldAttributes). Null Values are unset: the nearest set one
// wins, except `when` (all conditions apply), `tags` (union), `vars` (merged,
// inner wins) and `environment` (merged, inner wins).
struct Keywords {
  Value become, become_user, become_method, become_exe, become_flags;
  Value check_mode, diff, no_log, ignore_errors, ignore_unreachable, any_errors_fatal, run_once;
  Value connection, remote_user, port, timeout, throttle;
  Value delegate_to, delegate_facts;
  Value environment;            // a dict, or a list of dicts
  Value module_defaults;        // {module or group/...: {option: value}}
  std::vector<Value> when;      // each a condition (string, bool, ...)
  std::vector<std::string> tags;
  Value vars = Value::object();
};

// The actions the engine runs or treats differently from a module, as the
// loader resolved them (Task::kind); every other action is `module`.
enum class ActionKind {
  module,
  meta,
  include_tasks,   // include_tasks, and the old include when dynamic
  include_role,
  import_tasks,    // the old include when static, until the loader expands it
  import_role,
  include,         // the old include, until the loader decides which it is
  set_fact,
  include_vars,
  assert_,
  add_host,
  group_by,
  pause,
  gather_facts,    // the gather_facts action and a play's implicit fact gathering
};

// The kind of an action by its (short, resolved) name.
ActionKind action_kind(const std::string& action);

struct Task {
  int id = 0;                   // unique in the playbook, in load order
  Location where;
  std::string name;             // as written; empty when unnamed
  std::string action;           // short module name ("command", "include_tasks", ...)
  ActionKind kind = ActionKind::module;  // set with action (set_action)
  std::string action_as_written;  // "ansible.builtin.command"
  // The module as resolved (engine/module_lookup.hpp): its final FQCN and,
  // when it has one, its file (a collection's or ansible-core's).
  std::string module_fqcn, module_path;
  // The `collections:` search list the task's names were resolved with
  // (include_role resolves its role with it at run time).
  std::vector<std::string> collections;
  Value args = Value::object(); // raw module arguments (k=v already parsed)
  // The module that runs the action (engine/module_lookup), resolved at
  // load time: native or the Python fallback's; null for engine actions
  // (include_tasks, meta, ...).
  const ModuleEntry* module = nullptr;
  Keywords kw;
  // Loops: `loop:` (loop_with empty) or with_<lookup> (loop_with = lookup).
  Value loop;
  std::string loop_with;
  Value loop_control;           // label, loop_var, index_var, pause, extended
  std::string register_as;
  Value changed_when, failed_when, until;
  Value retries, delay;
  Value async_seconds, poll;
  std::vector<std::string> notify;
  std::vector<std::string> listen;  // handlers only
  Value include_args = Value::object();  // the old include's k=v parameters
  bool is_handler = false;
  const Block* parent = nullptr;   // the enclosing block (never null once loaded)
  const Role* role = nullptr;      // the role the task came from, if any
  // The name Ansible shows in banners when the task has none: the action.
  std::string display_name() const;
  // The title of the task's banner and listing line (Task.get_name): its
  // display_name, after "role : " for a task from a role. include_role
  // stands alone: its name or "include_role : <role>" (IncludeRole.get_name).
  std::string banner_name() const;
  // Its line in --list-tasks: as banner_name for a named task, the bare
  // action for an unnamed one (no role, no included role).
  std::string listing_name() const;
  // Sets `action` and the `kind` it names (always `module` for a module
  // that drover does not implement: a collection's `pause` is not ours).
  void set_action(std::string a, bool native = true) {
    kind = native ? action_kind(a) : ActionKind::module;
    action = std::move(a);
  }
  bool is(ActionKind k) const { return kind == k; }
  // The nearest set value of an inheritable keyword: the task's, else its
  // blocks' outwards (the play's scope block last); null when none is set.
  const Value& inherited(Value Keywords::*member) const;
  // Every set value of an inheritable keyword, the task's first, then its
  // blocks' outwards (module_defaults and environment merge them).
  std::vector<const Value*> inherited_all(Value Keywords::*member) const;
};

// A dynamic include (include_tasks, include_role): the executor expands it
// per host instead of running a module.
inline bool is_include(const Task& t) { return t.is(ActionKind::include_tasks) || t.is(ActionKind::include_role); }

struct BlockItem;

struct Block {
  Location where;
  std::string name;
  Keywords kw;
  std::vector<BlockItem> block, rescue, always;
  const Block* parent = nullptr;   // null for a play section's top block
  const Role* role = nullptr;
  // Blocks the loader made (a task list, an import, a role): they carry
  // keywords but are not shown to users as blocks.
  bool implicit = false;
  // A static old-style include's vars: include params (above set_fact).
  Value include_params = Value::object();
  // The block of a role and its dependencies: a host that leaves it without
  // an unhandled failure has completed `role` (Ansible's implicit
  // `meta: role_complete` at the end of a compiled role).
  bool completes_role = false;
};

// One entry of a block's list: a task or a nested block.
struct BlockItem {
  std::unique_ptr<Task> task;
  std::unique_ptr<Block> block;
};

struct Role {
  std::string name;             // as referenced ("common"), or "ns.coll.role" for a collection's role
  std::string path;             // the role's directory
  std::string collection;       // "ns.coll" for a role inside a collection
  // Its tasks' `collections:` search list: its collection, its meta/main.yml
  // `collections:`, then ansible.builtin (ansible.legacy for other roles).
  std::vector<std::string> collections;
  Value defaults = Value::object();  // defaults/main.*
  Value vars = Value::object();      // vars/main.*
  Value params = Value::object();    // role params from the play / include
  std::vector<Role*> dependencies;  // meta/main.yml, already loaded (owned by the Playbook)
  // For a dependency: the keywords of its meta/main.yml entry (tags, when,
  // become...), which its role block carries; its vars: are in `vars`.
  Keywords dependency_keywords;
  // meta/main.yml's allow_duplicates; for a role that include_role or
  // import_role names, their `allow_duplicates` option (default true).
  bool allow_duplicates = false;
  // Ansible's role cache key in a play (name, parameters, vars, tags, when,
  // *_from files, whether include_role/import_role named it): references
  // with the same key are one role, which runs once per host unless it
  // allows duplicates (Role.has_run).
  std::string cache_key;
  std::unique_ptr<Block> tasks;      // tasks/main.* (or tasks_from)
  std::unique_ptr<Block> handlers;   // handlers/main.*
};

struct Play {
  Location where;
  std::string name;
  Value hosts;                  // pattern string or list, may be templated
  Keywords kw;
  Value gather_facts;           // null: config "gathering"
  Value gather_subset, gather_timeout, fact_path;
  Value serial;                 // number, "30%", or a list of them
  Value max_fail_percentage;
  Value strategy;               // linear | free | host_pinned
  Value order;                  // inventory | reverse_inventory | sorted | reverse_sorted | shuffle
  Value force_handlers;
  std::vector<std::string> vars_files;  // may be templated; a list entry may be a list (first found)
  std::vector<Value> vars_files_raw;
  Value vars_prompt;
  std::string playbook_dir;     // directory of the playbook file that holds the play
  // The play's keywords as the outermost block: every section's block has it
  // as parent, so tasks inherit play keywords like any other.
  std::unique_ptr<Block> scope;
  std::unique_ptr<Block> pre_tasks, tasks, post_tasks, handlers;
  // Roles in `roles:` become role blocks at the head of `tasks`; their
  // handlers are appended to `handlers`.
  std::vector<const Role*> roles;
};

struct Playbook {
  std::string path;             // the file given on the command line
  std::vector<std::unique_ptr<Play>> plays;
  std::vector<std::unique_ptr<Role>> roles;  // every role instance loaded
  int task_count = 0;
  // Where the playbook's collection names are found (built once per run).
  std::shared_ptr<const CollectionIndex> collections;
  // Deprecated plugin names the playbook uses (meta/runtime.yml), and
  // warnings of the load, for the runner to show before the first play as
  // ansible-playbook does.
  std::vector<PluginDeprecation> deprecations;
  std::vector<std::string> warnings;
  // The run's Python fallback modules (engine/module_lookup.hpp): shared
  // by the run's playbooks, it owns the modules that tasks' `module` name.
  std::shared_ptr<FallbackModules> fallback;
  // Lookup plugins drover lacks, run by the controller's Python.
  std::shared_ptr<const PythonLookups> python_lookups;
};

}  // namespace drover
