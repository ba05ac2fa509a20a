#include "playbook_run.hpp"

#include "engine/config.hpp"
#include "engine/play_runner.hpp"
#include "engine/playbook_loader.hpp"
#include "inventory/inventory.hpp"

namespace drover::test {

void RecordingCallback::task_start(const TaskInfo& t) {
  std::lock_guard<std::mutex> lock(mu_);
  tasks_.push_back(t.name);
}

void RecordingCallback::runner_result(const TaskEvent& e) {
  std::lock_guard<std::mutex> lock(mu_);
  results_.push_back({e.task ? e.task->name : "", e.host, e.status, e.ignore_errors, e.result});
}

void RecordingCallback::stats(const RunStats& s) {
  std::lock_guard<std::mutex> lock(mu_);
  stats_ = s;
  stats_seen_ = true;
}

void RecordingCallback::interrupted() {
  std::lock_guard<std::mutex> lock(mu_);
  interrupted_ = true;
}

void RecordingCallback::warning(const std::string& w) {
  std::lock_guard<std::mutex> lock(mu_);
  warnings_.push_back(w);
}

std::vector<RecordingCallback::Result> RecordingCallback::results() const {
  std::lock_guard<std::mutex> lock(mu_);
  return results_;
}

std::map<std::string, RecordingCallback::Result> RecordingCallback::task(const std::string& task) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, Result> out;
  for (const auto& r : results_)
    if (r.task == task) out.insert_or_assign(r.host, r);
  return out;
}

std::vector<std::string> RecordingCallback::tasks_started() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tasks_;
}

std::vector<std::string> RecordingCallback::warnings() const {
  std::lock_guard<std::mutex> lock(mu_);
  return warnings_;
}

RunStats RecordingCallback::run_stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

bool RecordingCallback::was_interrupted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return interrupted_;
}

bool RecordingCallback::got_stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_seen_;
}

PlaybookRun run_playbook(const std::string& playbook, const std::vector<std::string>& inventory, RunOptions options,
                         const std::string& config_file, const std::map<std::string, std::string>& env) {
  Config config = Config::load_from(config_file, env);
  LoadOptions lo;
  lo.roles_path = config.list("DEFAULT_ROLES_PATH");
  lo.extra_vars = options.extra_vars;
  Playbook book = load_playbook(playbook, lo);
  inventory::Inventory inv = inventory::Inventory::load(inventory);
  options.inventory_sources = inventory;
  PlaybookRun run;
  PlaybookRunner runner(book, inv, config, options, *run.events);
  run.rc = runner.run();
  return run;
}

}  // namespace drover::test
