// The worker threads of `drover server --workers N`: each claims the oldest
// pending job from the database, runs it in-process (execute_job; a sync
// job through options.run_sync) with its events recorded (EventRecorder),
// and claims the next.
//
// Workers wake at once when this process queues a job (wake()) and poll the
// database every second for jobs queued by other processes. cancel() stops
// a job running here on every host (the engine's cancel flag kills the
// running commands): it ends `canceled`. stop() (server shutdown) stops
// what runs the same way, but those jobs end in `error` ("interrupted"), as
// after a crash, since no one canceled them; then it joins the threads.
// A job's private files (an ad-hoc playbook, inventory text, a decrypted
// key) live in <work_root>/job-<id> and are removed when it ends.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server/jobs/event_hub.hpp"
#include "output/json_lines_callback.hpp"
#include "server/jobs/job_execution.hpp"
#include "store/job_store.hpp"

namespace drover::server {

struct JobWorkerOptions {
  int workers = 2;
  std::string work_root;  // where job directories go (created)
  std::string node;       // claimed_by prefix; default host:pid
  // Decrypts a credential for a job; throws drover::Error when it cannot.
  std::function<JobSecrets(int64_t credential_id)> secrets;
  // Runs a job of kind sync (a project's git sync: project_sync.hpp) with
  // its events going to the sink; required for sync jobs.
  std::function<JobOutcome(const JobSpec&, const std::atomic<bool>& cancel, const JsonEventSink&)> run_sync;
  // Called after a job ends (metrics, notifications); optional.
  std::function<void(int64_t job_id, const JobOutcome&)> on_finished;
};

class JobWorkers {
 public:
  JobWorkers(store::JobStore& jobs, EventHub& hub, JobWorkerOptions options);
  ~JobWorkers();  // stop()
  JobWorkers(const JobWorkers&) = delete;
  JobWorkers& operator=(const JobWorkers&) = delete;

  void start();
  void stop();
  // A job was queued: a free worker claims it now.
  void wake();
  // Cancels the job if it runs in this process; false otherwise.
  bool cancel(int64_t job_id);
  // Jobs running in this process now.
  size_t running() const;

 private:
  void worker_loop(int index);
  void run_job(const store::JobRecord& job, const std::string& worker);

  store::JobStore& jobs_;
  EventHub& hub_;
  JobWorkerOptions opt_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  uint64_t wakeups_ = 0;
  std::map<int64_t, std::shared_ptr<std::atomic<bool>>> running_;  // job -> cancel flag
  std::set<int64_t> canceled_by_user_;
  std::vector<std::thread> threads_;
};

}  // namespace drover::server
