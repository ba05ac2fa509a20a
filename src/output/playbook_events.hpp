// What the playbook engine tells its observers while it runs: Ansible's v2
// callback events in drover's types. Sinks (the terminal output of
// ansible-playbook, --json lines, the server's job store) implement
// PlaybookCallback; the engine calls them from its threads, one call at a
// time per sink is NOT guaranteed: sinks lock what they share.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "output/host_result.hpp"

namespace drover {

struct PlayInfo {
  std::string name;        // the play's name, or its hosts pattern when unnamed
  std::string hosts;       // the pattern
  std::string path;        // "file:line" of the play
  std::string strategy = "linear";
  bool check_mode = false;
  int host_count = 0;      // hosts in this play (or serial batch): the
                           // progress line's total
};

struct TaskInfo {
  int id = 0;              // unique in the run
  std::string name;        // templated with play vars, as Ansible shows it
  std::string action;      // short module name
  std::string path;        // "file:line" of the task
  bool handler = false;    // RUNNING HANDLER banner
  bool check_mode = false; // the task runs in check mode ([CHECK MODE] marker)
  bool no_log = false;
  std::string args_text;   // "k=v, k2=v2" for display_args_to_stdout
  bool prints_as_command = false;  // Ansible's MODULE_NO_JSON (command, shell, raw)
  bool loop = false;       // loop:/with_*: the final result holds "results"
                           // and only the item lines are printed
};

struct TaskEvent {
  const TaskInfo* task = nullptr;
  std::string host;
  std::string delegated_to;    // empty unless delegate_to was used
  HostStatus status = HostStatus::ok;
  // The module's result with Ansible's internal keys still in it: the
  // callbacks need _ansible_no_log, _ansible_item_label,
  // _ansible_verbose_always (debug), _ansible_verbose_override (setup) and
  // _ansible_delegated_vars.ansible_host ("host -> other(address)"); loops
  // carry "results". Sinks apply Ansible's TaskResult.clean_copy themselves.
  Value result;
  // failed but ignore_errors, or unreachable but ignore_unreachable:
  // "...ignoring" follows the line.
  bool ignore_errors = false;
  bool is_item = false;        // one loop item (item_result)
};

struct HostStats {
  int ok = 0, changed = 0, unreachable = 0, failures = 0, skipped = 0, rescued = 0, ignored = 0;
};

struct RunStats {
  std::vector<std::string> hosts;            // in the order first processed
  std::map<std::string, HostStats> by_host;
  // set_stats data: {"host": {...}, "_run": {...}}; empty when unused.
  Value custom = Value::object();
};

class PlaybookCallback {
 public:
  virtual ~PlaybookCallback() = default;
  virtual void playbook_start(const std::string& /*file*/) {}
  virtual void play_start(const PlayInfo&) {}
  virtual void task_start(const TaskInfo&) {}
  virtual void runner_start(const TaskInfo&, const std::string& /*host*/) {}
  // The final result of a task on a host (after loops, retries, async).
  virtual void runner_result(const TaskEvent&) {}
  // One loop item's result, before the task's final runner_result.
  virtual void item_result(const TaskEvent&) {}
  // until/retries: attempt `attempt` (1-based) failed; `retries` is the
  // number of attempts in all, Ansible's result["retries"] (the task's
  // retries keyword + 1). Printed as "(retries - attempt retries left)".
  virtual void retry(const TaskEvent&, int /*attempt*/, int /*retries*/) {}
  // --diff (or the task's diff: true) and the result has "diff": sent just
  // before runner_result of an ok/changed result, as Ansible's
  // v2_on_file_diff. Loops: the final event, whose results carry the diffs.
  virtual void file_diff(const TaskEvent&) {}
  // async + poll > 0: each poll that found the job unfinished (result:
  // ansible_job_id, started, finished), then the job's end (status ok or
  // failed), both before the task's runner_result.
  virtual void async_poll(const TaskEvent&, int /*elapsed_s*/) {}
  virtual void async_finished(const TaskEvent&) {}
  // include_tasks/include_role resolved: the file, the hosts that include
  // it and, in a loop, the item label (null otherwise).
  virtual void include(const std::string& /*file*/, const std::vector<std::string>& /*hosts*/, const Value& /*item*/) {}
  virtual void notify(const std::string& /*handler*/, const std::string& /*host*/) {}
  virtual void no_hosts_matched() {}
  virtual void no_hosts_remaining() {}
  virtual void stats(const RunStats&) {}
  // The run was cancelled (RunOptions::cancel): the last event of the run,
  // sent instead of stats (ansible-playbook prints no recap on ^C either).
  virtual void interrupted() {}
  virtual void warning(const std::string&) {}
  // Display.deprecated: "[DEPRECATION WARNING]: msg. This feature will be
  // removed [from <collection>] in version <version> (in a release after
  // <date>, or in a future release when both are empty). ..."
  virtual void deprecation(const std::string& /*msg*/, const std::string& /*version*/ = "",
                           const std::string& /*date*/ = "", const std::string& /*collection*/ = "") {}
  // Text for the terminal that is not tied to a host (pause prompts, verbose
  // messages at level `verbosity`).
  virtual void display(const std::string& /*text*/, int /*verbosity*/) {}
};

// Sends every event to each of several callbacks, in order.
class CallbackFanout : public PlaybookCallback {
 public:
  void add(std::shared_ptr<PlaybookCallback> cb) { sinks_.push_back(std::move(cb)); }
  void playbook_start(const std::string& f) override { for (auto& s : sinks_) s->playbook_start(f); }
  void play_start(const PlayInfo& p) override { for (auto& s : sinks_) s->play_start(p); }
  void task_start(const TaskInfo& t) override { for (auto& s : sinks_) s->task_start(t); }
  void runner_start(const TaskInfo& t, const std::string& h) override { for (auto& s : sinks_) s->runner_start(t, h); }
  void runner_result(const TaskEvent& e) override { for (auto& s : sinks_) s->runner_result(e); }
  void item_result(const TaskEvent& e) override { for (auto& s : sinks_) s->item_result(e); }
  void retry(const TaskEvent& e, int a, int r) override { for (auto& s : sinks_) s->retry(e, a, r); }
  void file_diff(const TaskEvent& e) override { for (auto& s : sinks_) s->file_diff(e); }
  void async_poll(const TaskEvent& e, int t) override { for (auto& s : sinks_) s->async_poll(e, t); }
  void async_finished(const TaskEvent& e) override { for (auto& s : sinks_) s->async_finished(e); }
  void include(const std::string& f, const std::vector<std::string>& h, const Value& i) override {
    for (auto& s : sinks_) s->include(f, h, i);
  }
  void notify(const std::string& h, const std::string& host) override { for (auto& s : sinks_) s->notify(h, host); }
  void no_hosts_matched() override { for (auto& s : sinks_) s->no_hosts_matched(); }
  void no_hosts_remaining() override { for (auto& s : sinks_) s->no_hosts_remaining(); }
  void stats(const RunStats& st) override { for (auto& s : sinks_) s->stats(st); }
  void interrupted() override { for (auto& s : sinks_) s->interrupted(); }
  void warning(const std::string& w) override { for (auto& s : sinks_) s->warning(w); }
  void deprecation(const std::string& w, const std::string& version = "", const std::string& date = "",
                   const std::string& collection = "") override {
    for (auto& s : sinks_) s->deprecation(w, version, date, collection);
  }
  void display(const std::string& t, int v) override { for (auto& s : sinks_) s->display(t, v); }

 private:
  std::vector<std::shared_ptr<PlaybookCallback>> sinks_;
};

}  // namespace drover
