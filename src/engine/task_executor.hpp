// Running one task on one host: Ansible's TaskExecutor. Conditions, loops,
// argument templating, module_defaults, become/connection settings,
// delegate_to, until/retries, changed_when/failed_when and the value that
// `register` stores. Knows nothing about other hosts or the play's order:
// the play runner calls it from its worker threads and applies what it
// returns (facts, handlers to notify, inventory changes).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "engine/host_cursor.hpp"
#include "engine/playbook.hpp"
#include "engine/run_state.hpp"
#include "output/playbook_events.hpp"

namespace drover {

class Config;
class ConnectionPool;
class TaskVars;
namespace tmpl {
class Engine;
class VariableSource;
}  // namespace tmpl
namespace inventory {
class Inventory;
struct Host;
}  // namespace inventory
namespace files {
class ControllerFiles;
}  // namespace files

// Read-only context shared by all tasks of a play step.
struct PlayContext {
  const Play* play = nullptr;
  const inventory::Inventory* inventory = nullptr;
  const Config* config = nullptr;
  const RunOptions* options = nullptr;
  tmpl::Engine* templar = nullptr;
  ConnectionPool* pool = nullptr;
  PlaybookCallback* callback = nullptr;
  files::ControllerFiles* controller_files = nullptr;  // the run's controller files, read once
  const Value* play_vars_files = nullptr;  // loaded vars_files of the play
  const Value* groups = nullptr;           // the `groups` magic variable
  const Value* hostvars = nullptr;         // snapshot of every host's variables
  const Value* play_hosts = nullptr;       // ansible_play_hosts (active)
  const Value* play_hosts_all = nullptr;
  const Value* play_batch = nullptr;
  // Magic variables fixed for the play (play_magic_vars): role names,
  // ansible_playbook_python, ansible_config_file, ...
  const Value* play_magic = nullptr;
  std::function<HostRuntime&(const std::string& host)> runtime;  // host state by name
};

struct TaskOutcome {
  Value result;             // what callbacks show and register stores (before cleaning)
  HostStatus status = HostStatus::ok;
  bool ignored = false;     // failed (or unreachable) but ignore_errors/ignore_unreachable
  std::string delegated_to;
  // The handler names a change notifies: the task's `notify`, templated with
  // the host's (and each loop item's) variables (Ansible's _ansible_notify).
  std::vector<std::string> notify;
};

// changed_when and failed_when evaluated again on `result` (each loop
// item's), the result registered under the task's register name: the
// strategy's post_process_whens after add_host / group_by changed the
// inventory. A condition that fails to evaluate leaves the result as is.
void post_process_whens(const PlayContext& ctx, const inventory::Host& host, const TaskPosition& pos, Value& result);

// Python's str.isidentifier for ASCII names (Ansible's isidentifier: a
// register name must be one).
bool is_identifier(const std::string& s);

// The task's loop_control with its values templated for the host (label
// stays raw: it is templated per item).
Value task_loop_control(const PlayContext& ctx, const inventory::Host& host, HostRuntime& rt, const TaskPosition& pos);

// The variables of loop item `i`: the loop variable, ansible_loop_var, the
// index_var and, with loop_control.extended, ansible_loop.
Value loop_item_vars(const Value& items, size_t i, const Value& loop_control);

// The play's fixed magic variables, as Ansible's _get_magic_variables:
// ansible_play_role_names (the play's roles, imported ones too),
// ansible_dependent_role_names, ansible_role_names (both), role_names,
// ansible_playbook_python, ansible_config_file.
Value play_magic_vars(const Play& play, const Config& config);

// Stacks the variables `host` sees for `pos` (see task_vars.hpp for the
// order) into `vars`; `extra_layers` (loop variables) go on top.
void stack_task_vars(TaskVars& vars, const PlayContext& ctx, const inventory::Host& host, HostRuntime& rt,
                     const TaskPosition& pos, const Value* loop_vars);

// Runs pos.task on `host`. Never throws: errors become failed results.
TaskOutcome execute_task(const PlayContext& ctx, const inventory::Host& host, const TaskPosition& pos,
                         const TaskInfo& info);

// A task's loop items for a host. Where Ansible makes them unsafe (with_*:
// wrap_var on the lookup's answer; loop: a template that ran a lookup or
// read unsafe data), `unsafe` holds them as unsafe text for the loop
// variables, never templated again; `shown` keeps them as they are for
// results and output. Otherwise `unsafe` is null.
struct LoopItems {
  Value shown = Value::array();
  Value unsafe;
  size_t size() const { return shown.size(); }
  // What the loop variables are made of.
  const Value& for_vars() const { return unsafe.is_null() ? shown : unsafe; }
};

// The items of pos.task's loop (loop: or with_*) for `host`. Throws Error.
LoopItems task_loop_items(const PlayContext& ctx, const inventory::Host& host, HostRuntime& rt, const TaskPosition& pos);

// The result as `register` stores it: internal keys and invocation removed.
Value registered_value(const Value& result);

// Evaluates a task's `when` conditions (and those of its blocks) for a host.
// Throws Error when a condition cannot be evaluated.
bool task_conditions_hold(const PlayContext& ctx, const Task& task, tmpl::VariableSource& vars);

// The search path for relative controller files of a task: its role's
// directory and the playbook directory.
std::vector<std::string> task_search_path(const PlayContext& ctx, const Task& task);

}  // namespace drover
