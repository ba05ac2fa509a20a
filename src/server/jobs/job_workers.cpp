#include "server/jobs/job_workers.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "output/json_lines_callback.hpp"
#include "server/jobs/event_recorder.hpp"

namespace drover::server {
namespace fs = std::filesystem;

namespace {

std::string default_node() {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(::getpid());
}

}  // namespace

JobWorkers::JobWorkers(store::JobStore& jobs, EventHub& hub, JobWorkerOptions options)
    : jobs_(jobs), hub_(hub), opt_(std::move(options)) {
  if (opt_.node.empty()) opt_.node = default_node();
  if (opt_.workers < 1) opt_.workers = 1;
}

JobWorkers::~JobWorkers() { stop(); }

void JobWorkers::start() {
  std::error_code ec;
  fs::create_directories(opt_.work_root, ec);
  if (ec) throw Error("cannot create the jobs' work directory " + opt_.work_root + ": " + ec.message());
  for (int i = 0; i < opt_.workers; ++i) threads_.emplace_back([this, i] { worker_loop(i); });
}

void JobWorkers::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    for (auto& [id, flag] : running_) flag->store(true);
  }
  wake_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void JobWorkers::wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++wakeups_;
  }
  wake_.notify_one();
}

bool JobWorkers::cancel(int64_t job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = running_.find(job_id);
  if (it == running_.end()) return false;
  canceled_by_user_.insert(job_id);
  it->second->store(true);
  return true;
}

size_t JobWorkers::running() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_.size();
}

void JobWorkers::worker_loop(int index) {
  std::string worker = opt_.node + "/" + std::to_string(index);
  for (;;) {
    uint64_t seen;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      seen = wakeups_;
    }
    std::optional<store::JobRecord> job;
    try {
      job = jobs_.claim_next(worker);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "drover server: %s: claiming a job failed: %s\n", worker.c_str(), e.what());
    }
    if (job) {
      run_job(*job, worker);
      continue;
    }
    std::unique_lock<std::mutex> lock(mu_);
    wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_ || wakeups_ != seen; });
  }
}

void JobWorkers::run_job(const store::JobRecord& job, const std::string& worker) {
  auto cancel = std::make_shared<std::atomic<bool>>(job.cancel_requested);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) cancel->store(true);
    running_[job.id] = cancel;
  }
  std::string dir = (fs::path(opt_.work_root) / ("job-" + std::to_string(job.id))).string();
  JobOutcome outcome;
  {
    EventRecorder recorder(jobs_, hub_, job.id);
    try {
      JobSpec spec = parse_job_spec(Value::parse(job.spec), true);
      JsonEventSink sink = [&recorder](const Value& ev, std::string line) { recorder.add(ev, std::move(line)); };
      if (spec.kind == JobSpec::Kind::sync) {  // a project's git sync (project_sync.hpp), not a run
        if (!opt_.run_sync) throw Error("this server cannot run sync jobs");
        outcome = opt_.run_sync(spec, *cancel, sink);
      } else {
        fs::create_directories(dir);
        fs::permissions(dir, fs::perms::owner_all);
        JobRun run;
        run.spec = &spec;
        run.work_dir = dir;
        run.cancel = cancel;
        if (spec.credential_id && opt_.secrets) run.secrets = opt_.secrets(*spec.credential_id);
        JsonLinesCallback events(sink);
        outcome = execute_job(run, events);
      }
    } catch (const std::exception& e) {
      outcome.state = JobState::error;
      outcome.error = e.what();
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (outcome.state == JobState::canceled && stopping_ && !canceled_by_user_.count(job.id)) {
        outcome.state = JobState::error;
        outcome.error = "interrupted: the server was stopped while the job was running";
      }
    }
    try {
      recorder.finish(outcome);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "drover server: %s: job %lld: recording the result failed: %s\n", worker.c_str(),
                   static_cast<long long>(job.id), e.what());
    }
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_.erase(job.id);
    canceled_by_user_.erase(job.id);
  }
  if (opt_.on_finished) opt_.on_finished(job.id, outcome);
}

}  // namespace drover::server
