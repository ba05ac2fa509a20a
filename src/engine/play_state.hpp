// Private to the play runner (play_runner.cpp, play_includes.cpp): what
// one play (one serial batch) keeps while it runs.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "engine/host_cursor.hpp"
#include "engine/play_runner.hpp"
#include "engine/task_executor.hpp"
#include "inventory/vars_directory.hpp"
#include "modules/registry.hpp"

namespace drover {

// The names of handlers written as templates, templated with the play's
// variables: the name, or why it could not be templated.
struct HandlerName {
  std::string name, error;
};
using HandlerNames = std::map<const Task*, HandlerName>;

struct PlaybookRunner::PlayState {
  const Play* play = nullptr;
  PlayContext ctx;
  std::vector<std::string> batch;            // host names, in order
  std::set<std::string> active;              // still running this play
  std::map<std::string, HostCursor> cursors; // for the running section
  std::map<std::string, std::vector<const Task*>> notified;  // handlers per host, in notify order
  std::vector<const Task*> handlers;         // the play's handlers in definition order
  HandlerNames handler_names;                // templated handler names (PlaybookRunner::name_handler)
  Value groups, hostvars, play_hosts, play_hosts_all, play_batch, vars_files = Value::object();
  Value play_magic;  // play_magic_vars

  std::unique_ptr<inventory::VarsDirectory> playbook_vars;
  std::unique_ptr<Block> facts_block;        // the implicit "Gathering Facts" task
  std::vector<std::unique_ptr<Block>> included;  // blocks loaded by include_tasks / include_role (and their handlers)
  std::map<std::string, const Block*> include_cache;
  // Per role cache key (Role::cache_key), the hosts that ran a task of the
  // role (ok, changed or failed) and the hosts that completed it after one:
  // its tasks are passed over for them later in the play unless it allows
  // duplicates (Ansible's Role._had_task_run, _completed and has_run).
  std::map<std::string, std::set<std::string>> roles_run, roles_completed;
  bool end_play = false;
  bool any_errors_fatal_hit = false;
  // The free strategy: each host's thread holds step_mu while it changes
  // this state (cursors, handlers, active hosts); hostvars stay as they were
  // when the section started.
  std::mutex* step_mu = nullptr;
};

// The tasks of `b` and its nested blocks, in order (a play's handlers).
inline void collect_tasks(const Block& b, std::vector<const Task*>& out) {
  for (const auto* list : {&b.block, &b.rescue, &b.always})
    for (const auto& item : *list) {
      if (item.task) out.push_back(item.task.get());
      else collect_tasks(*item.block, out);
    }
}

// The TaskInfo that callbacks get for `task` shown as `name`.
inline TaskInfo make_task_info(const Task& task, const std::string& name, bool handler, bool check_mode) {
  TaskInfo info;
  info.id = task.id;
  info.name = name;
  info.action = task.action;
  info.path = task.where.ansible_path();
  info.handler = handler;
  info.check_mode = check_mode;
  info.no_log = truthy(task.kw.no_log);
  info.loop = !task.loop.is_null();
  info.prints_as_command = task.module && task.module->module->prints_as_command();
  return info;
}

}  // namespace drover
