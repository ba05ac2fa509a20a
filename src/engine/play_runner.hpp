// Running a loaded playbook: Ansible's PlaybookExecutor, TaskQueueManager
// and linear/free strategies in one place.
//
// For each play: select hosts (pattern, --limit, order), split them into
// serial batches, gather facts, then run pre_tasks, roles+tasks and
// post_tasks, flushing notified handlers after each. In the linear strategy
// every host runs the same task before any host moves on (hosts in rescue or
// in an include run their own tasks in program order); in the free strategy
// each host goes at its own pace. Results go to the PlaybookCallback;
// exit codes are ansible-playbook's (0, 2 failed hosts, 4 unreachable).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "engine/host_cursor.hpp"
#include "engine/playbook.hpp"
#include "engine/run_state.hpp"
#include "output/playbook_events.hpp"

namespace drover {

class Config;
class ConnectionPool;
class FactCache;
namespace files {
class ControllerFiles;
}  // namespace files
namespace tmpl {
class Engine;
}
namespace inventory {
class Inventory;
}

class PlaybookRunner {
 public:
  PlaybookRunner(const Playbook& playbook, inventory::Inventory& inventory, const Config& config,
                 const RunOptions& options, PlaybookCallback& callback);
  ~PlaybookRunner();

  // Runs every play; returns ansible-playbook's exit code.
  int run();

 private:
  struct PlayState;
  void run_play(const Play& play);
  bool run_batch(const Play& play, PlayState& st);
  // Runs a section for the batch's active hosts (only those in `only` when
  // given).
  void run_section(PlayState& st, const Block* section, const std::set<std::string>* only = nullptr);
  void run_section_free(PlayState& st, const Block* section);
  // Runs the hosts' cursors (st.cursors) in lockstep until all are done:
  // the task with the earliest order key among the hosts' next ones runs
  // next. `handler`: the tasks run as handlers (an include handler's).
  void run_cursors(PlayState& st, bool handler);
  // Runs the notified handlers of the batch's hosts (only those in `only`
  // when given).
  // `waiting`: the cursors of the hosts at the flush_handlers meta task,
  // for Ansible 2.14's lockstep in which hosts with nothing to flush run
  // their next task beside the last handler.
  void flush_handlers(PlayState& st, const std::set<std::string>* only = nullptr,
                      std::map<std::string, HostCursor>* waiting = nullptr);
  // The host's next task to run, past those --tags and --start-at-task
  // leave out; nullopt when the host has none left in the section.
  std::optional<TaskPosition> next_task(PlayState& st, const std::string& host, HostCursor& cursor);
  bool selected_by_tags(PlayState& st, const std::string& host, const TaskPosition& pos);
  // Runs one task on `hosts` in parallel. `announce` false: no task-start
  // callback (the step shares the banner of the step before it).
  // `own`: each host's own position at that task, whose include variables
  // may differ from pos's (an include_role whose vars template per host).
  void run_step(PlayState& st, const TaskPosition& pos, const std::vector<std::string>& hosts, bool handler,
                bool announce = true, const std::map<std::string, TaskPosition>* own = nullptr);
  // flush_handlers' step for the last handler with the hosts that had
  // nothing to flush running their next task (play_meta.cpp).
  void run_beside_last_handler(PlayState& st, const TaskPosition& handler, const std::vector<std::string>& hosts,
                               const std::set<std::string>& idle, std::map<std::string, HostCursor>& waiting);
  void handle_meta(PlayState& st, const TaskPosition& pos, const std::vector<std::string>& hosts);
  // The title of pos's banner (Task::banner_name), templated as Ansible's
  // linear strategy does: with the first host's variables, left as written
  // when something in it is undefined.
  std::string banner_title(PlayState& st, const TaskPosition& pos, const std::vector<std::string>& hosts);
  void handle_include(PlayState& st, const TaskPosition& pos, const std::vector<std::string>& hosts,
                      bool handler = false);
  // The block an include_tasks (include_role) with templated `args` runs,
  // loaded once per file (role and *_from files) and include task; `shown`
  // is what its "included:" line names (play_includes.cpp).
  const Block* included_tasks(PlayState& st, const Task& task, const Value& args, std::string& shown);
  const Block* included_role(PlayState& st, const Task& task, const Value& args, std::string& shown);
  // Handlers of roles loaded at run time join the play's (play_includes.cpp).
  void add_included_handlers(PlayState& st, const Block& handlers);
  // set_stats results into stats_.custom (Ansible's custom stats).
  void add_custom_stats(const std::string& host, const Value& result);
  // The handler's name as notifications find it (templated with the play's
  // variables), kept in st.handler_names when it differs from the written one.
  void name_handler(PlayState& st, const Task& handler);
  void apply_outcome(PlayState& st, const Task& task, const std::string& host, const Value& result,
                     const std::string& delegated_to, const std::vector<std::string>& notify);
  void rebuild_hostvars(PlayState& st);
  // Why a host leaves the running play before its end.
  enum class HostExit {
    failed,       // a failure that no rescue handles (counted for the recap and later plays)
    unreachable,  // likewise, as unreachable
    ended,        // meta end_host / end_batch: nothing to record
  };
  // The one place where a host leaves the play: its cursor stops, it is no
  // longer active, and a failure is recorded. A host no longer active is
  // left as it is.
  void leave_play(PlayState& st, const std::string& host, HostExit why);
  // Moves the host's cursor past its current task (`failed`: the task
  // failed and the failure is not ignored): into a rescue or always that
  // handles the failure, or out of the play when none does.
  void advance_host(PlayState& st, const std::string& host, HostCursor& cursor, bool failed);
  void check_failure_limits(PlayState& st, const Task& task, const std::vector<std::string>& hosts);
  HostRuntime& runtime(const std::string& host);
  // The inventory host of that name; a host that meta: refresh_inventory
  // removed is still found (from the inventory before it) for the rest of
  // the play that had it, as Ansible's iterator keeps its Host objects.
  const inventory::Host* find_host(const std::string& name) const;
  // meta: refresh_inventory (play_meta.cpp): reads the inventory sources
  // again, then replays the run's add_host and group_by changes.
  void refresh_inventory();
  // Facts returned by a task on `host` go to the fact cache too.
  void cache_facts(HostRuntime& rt, const Value& facts);
  void count(const std::string& host, HostStatus status, bool ignored, bool changed = false);

  const Playbook& playbook_;
  inventory::Inventory& inventory_;
  // Inventories that refresh_inventory replaced (their hosts stay valid),
  // and the add_host / group_by changes it replays on a fresh one.
  std::vector<std::unique_ptr<inventory::Inventory>> replaced_inventories_;
  std::vector<std::function<void(inventory::Inventory&)>> dynamic_changes_;
  const Config& config_;
  RunOptions options_;
  PlaybookCallback& callback_;
  std::unique_ptr<tmpl::Engine> templar_;
  std::unique_ptr<ConnectionPool> pool_;
  // copy's src files, read and hashed once per run for all hosts
  std::unique_ptr<files::ControllerFiles> controller_files_;
  std::unique_ptr<FactCache> fact_cache_;  // Ansible's fact_caching, made per run

  std::mutex mu_;  // guards runtimes_, stats_, failed_/unreachable_
  std::map<std::string, std::unique_ptr<HostRuntime>> runtimes_;
  RunStats stats_;
  std::set<std::string> failed_;       // hosts failed in this run
  std::set<std::string> unreachable_;  // hosts unreachable in this run
  bool stop_playbook_ = false;
  bool started_at_task_ = false;
  int next_task_info_id_ = 100000;
};

}  // namespace drover
