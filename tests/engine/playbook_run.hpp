// Running a playbook in-process for engine tests: the real loader, inventory,
// runner and connections (local, or a private sshd fleet through the
// inventory), with a callback that records what users would see.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "engine/run_state.hpp"
#include "output/playbook_events.hpp"

namespace drover::test {

// Every event the runner sent, in order, reduced to what tests assert on.
class RecordingCallback : public PlaybookCallback {
 public:
  struct Result {
    std::string task;  // the task's name as shown in its banner
    std::string host;
    HostStatus status;
    bool ignored;
    Value result;
  };

  void task_start(const TaskInfo& t) override;
  void runner_result(const TaskEvent& e) override;
  void stats(const RunStats& s) override;
  void interrupted() override;
  void warning(const std::string& w) override;

  std::vector<Result> results() const;
  // The results of the task named `task`, by host.
  std::map<std::string, Result> task(const std::string& task) const;
  std::vector<std::string> tasks_started() const;
  std::vector<std::string> warnings() const;
  RunStats run_stats() const;
  bool was_interrupted() const;
  bool got_stats() const;

 private:
  mutable std::mutex mu_;
  std::vector<Result> results_;
  std::vector<std::string> tasks_;
  std::vector<std::string> warnings_;
  RunStats stats_;
  bool stats_seen_ = false;
  bool interrupted_ = false;
};

struct PlaybookRun {
  int rc = -1;
  std::shared_ptr<RecordingCallback> events = std::make_shared<RecordingCallback>();
};

// Loads `playbook` (a path) and runs it against `inventory` sources with
// the configuration read from `config_file` ("" for none) and `env` (the
// ANSIBLE_* settings). Load errors throw drover::Error.
PlaybookRun run_playbook(const std::string& playbook, const std::vector<std::string>& inventory,
                         RunOptions options = {}, const std::string& config_file = "",
                         const std::map<std::string, std::string>& env = {});

}  // namespace drover::test
