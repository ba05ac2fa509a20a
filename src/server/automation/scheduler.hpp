// The scheduler: launches every schedule whose next run has come, as the
// schedule's owner, through the one launch path (jobs/job_launch.hpp: the
// template's prompt-on-launch rules, credential use, project paths).
//
// Promises:
// * A slot is launched at most once, whatever happens: the job, the slot's
//   row in schedule_runs (UNIQUE per schedule and slot) and the schedule's
//   new next_run commit in one transaction, which also checks that next_run
//   is still the slot it read. So a second server on the same database, or
//   a restart at the scheduled second, finds the slot taken and launches
//   nothing.
// * Missed runs (the server was down at the slot for more than kLateAfter):
//   policy `skip` records the slot as skipped and waits for the next one;
//   `run_once` launches once, however many slots were missed. Either way
//   next_run moves past now.
// * A launch refused by the checks (the owner was disabled or lost the
//   right to the credential, the playbook is gone) is recorded as a
//   `refused` run with the reason, and in the schedule's last_error; the
//   schedule goes on to its next slot.
// Time comes from the Clock given, so tests move it instead of sleeping.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "server/automation/clock.hpp"
#include "server/context.hpp"
#include "store/job_store.hpp"

namespace drover::server {

class Scheduler {
 public:
  static constexpr std::chrono::seconds kLateAfter{60};

  Scheduler(ServerContext& ctx, const Clock& clock);
  ~Scheduler();  // stop()
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Handles every schedule due at clock.now(); returns how many slots this
  // call handled (launched, skipped or refused). Errors are logged and the
  // schedule is tried again at the next call.
  int run_due();

  // A thread calling run_due() every second until stop().
  void start();
  void stop();

 private:
  bool fire(int64_t schedule_id, SysSeconds now);

  ServerContext& ctx_;
  const Clock& clock_;
  store::JobStore jobs_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace drover::server
