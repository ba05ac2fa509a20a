// The worker threads of `drover server --workers N`: each claims the oldest
// pending job from the database, runs it as its own sandboxed process
// (`drover job-exec`, job_process.hpp and job_sandbox.hpp) with its events
// recorded (EventRecorder), and claims the next; a sync job (a project's
// git sync) runs through options.run_sync instead. A job process that
// crashes, is killed or writes garbage ends its job in `error`; the server
// and its other jobs go on.
//
// Workers wake at once when this process queues a job (wake()) and poll the
// database every second for jobs queued by other processes. cancel() stops
// a job running here on every host (the engine's cancel flag kills the
// running commands): it ends `canceled`. stop() (server shutdown) stops
// what runs the same way, but those jobs end in `error` ("interrupted"), as
// after a crash, since no one canceled them; then it joins the threads.
// A job's private files (an ad-hoc playbook, inventory text, a decrypted
// key, its HOME with a copy of the known hosts) live in <work_root>/job-<id>,
// owned by the job user, and are removed when it ends. A CMDB inventory
// source ("drover:DATA") is resolved here, by the server, into a file in
// that directory: the job cannot read the database.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server/jobs/event_hub.hpp"
#include "output/json_lines_callback.hpp"
#include "server/jobs/job_execution.hpp"
#include "server/jobs/job_process.hpp"
#include "server/jobs/job_sandbox.hpp"
#include "store/job_store.hpp"

namespace drover::server {

struct JobWorkerOptions {
  int workers = 2;
  std::string work_root;  // where job directories go (created)
  std::string node;       // claimed_by prefix; default host:pid
  // Decrypts a credential for a job; throws drover::Error when it cannot.
  std::function<JobSecrets(int64_t credential_id)> secrets;
  // Opens a sealed launch-form answer (JobSpec::sealed_vars); throws
  // drover::Error when it cannot.
  std::function<std::string(const std::string& sealed)> open_sealed;
  // Runs a job of kind sync (a project's git sync: project_sync.hpp) with
  // its events going to the sink; required for sync jobs.
  std::function<JobOutcome(const JobSpec&, const std::atomic<bool>& cancel, const JsonEventSink&)> run_sync;
  // Called after a job ends (metrics, notifications); optional.
  std::function<void(int64_t job_id, const JobOutcome&)> on_finished;

  // How a job process is started: the drover binary (its `job-exec`), the
  // sandbox, the limits, the user it runs as (set when the server is root).
  std::string program;
  SandboxSettings sandbox;
  JobLimits limits;
  std::optional<uid_t> job_uid;
  std::optional<gid_t> job_gid;
  std::string job_user_name;
  // known_hosts files (missing ones skipped) whose lines are copied into
  // the job's ~/.ssh/known_hosts.
  std::vector<std::string> known_hosts;
  // The inventory content (YAML) of a "drover:DATA" source; throws
  // drover::Error when it cannot be read. Optional: without it such a
  // source is an error.
  std::function<std::string(const std::string& source)> cmdb_inventory;
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
  // A playbook or ad-hoc job: its directory prepared, run in its sandbox.
  JobOutcome run_sandboxed(int64_t job_id, JobSpec spec, const std::string& dir, const std::atomic<bool>& cancel,
                           const JsonEventSink& events);
  void prepare_job_dir(const std::string& dir) const;
  void write_job_file(const std::string& path, const std::string& content) const;

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
