#include "server/jobs/job_workers.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "output/json_lines_callback.hpp"
#include "server/jobs/event_recorder.hpp"
#include "server/jobs/job_request.hpp"
#include "server/log.hpp"
#include "store/cmdb_inventory.hpp"

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
  // A job sees its directory at this path, from any working directory.
  opt_.work_root = fs::canonical(opt_.work_root).string();
  // Each job directory is 0700 and its job user's; the job user passes
  // through here to reach it (without a sandbox, the data directory above
  // must let it pass too, docs/SERVER.md), but lists nothing.
  fs::permissions(opt_.work_root, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec, ec);
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
  log_job_start(job.id, job.kind, job.created_by ? "user " + std::to_string(*job.created_by) : "-");
  auto started = std::chrono::steady_clock::now();
  JobOutcome outcome;
  {
    EventRecorder recorder(jobs_, hub_, job.id);
    try {
      JobSpec spec = parse_job_spec(Value::parse(job.spec), true);
      JsonEventSink events = [&recorder](const Value& ev, std::string line) { recorder.add(ev, std::move(line)); };
      if (spec.kind == JobSpec::Kind::sync) {  // a project's git sync (project_sync.hpp), not a run
        if (!opt_.run_sync) throw Error("this server cannot run sync jobs");
        outcome = opt_.run_sync(spec, *cancel, events);
      } else {
        outcome = run_sandboxed(job.id, std::move(spec), dir, *cancel, events);
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
      log_line(LogLevel::error, "recording a job's result failed",
               {{"job", job.id}, {"worker", worker}, {"error", e.what()}});
    }
  }
  log_job_end(job.id, job_state_name(outcome.state),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  std::error_code ec;
  fs::remove_all(dir, ec);
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_.erase(job.id);
    canceled_by_user_.erase(job.id);
  }
  if (opt_.on_finished) opt_.on_finished(job.id, outcome);
}

void JobWorkers::write_job_file(const std::string& path, const std::string& content) const {
  ::unlink(path.c_str());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw Error("cannot create " + path + ": " + std::strerror(errno));
  bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  if (ok && opt_.job_uid) ok = ::fchown(fd, *opt_.job_uid, opt_.job_gid.value_or(static_cast<gid_t>(-1))) == 0;
  ::close(fd);
  if (!ok) throw Error("cannot write " + path + ": " + std::strerror(errno));
}

// <dir> and <dir>/home/.ssh, 0700, owned by the job user; known_hosts in it.
void JobWorkers::prepare_job_dir(const std::string& dir) const {
  std::string ssh = dir + "/home/.ssh";
  fs::remove_all(dir);
  fs::create_directories(ssh);
  for (const std::string& d : {dir, dir + "/home", ssh}) {
    fs::permissions(d, fs::perms::owner_all);
    if (opt_.job_uid && ::chown(d.c_str(), *opt_.job_uid, opt_.job_gid.value_or(static_cast<gid_t>(-1))) != 0)
      throw Error("cannot give " + d + " to the job user: " + std::strerror(errno));
  }
  std::string known;
  for (const auto& file : opt_.known_hosts) {
    std::ifstream in(file, std::ios::binary);
    if (!in) continue;
    known.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (!known.empty() && known.back() != '\n') known += '\n';
  }
  write_job_file(ssh + "/known_hosts", known);
}

JobOutcome JobWorkers::run_sandboxed(int64_t job_id, JobSpec spec, const std::string& dir,
                                     const std::atomic<bool>& cancel, const JsonEventSink& events) {
  prepare_job_dir(dir);
  // The CMDB is read here: the job cannot open the database.
  for (size_t i = 0; i < spec.inventory.size(); ++i) {
    std::string& src = spec.inventory[i];
    if (src.rfind(store::kCmdbSourcePrefix, 0) != 0) continue;
    if (!opt_.cmdb_inventory) throw Error("inventory " + src + ": the CMDB cannot be read here");
    std::string path = dir + "/cmdb-inventory-" + std::to_string(i) + ".yml";
    write_job_file(path, opt_.cmdb_inventory(src));
    src = path;
  }
  // Launch-form passwords are opened here, into the request's extra vars
  // only: the pipe to the job is the one place they are in clear.
  for (auto it = spec.sealed_vars.begin(); it != spec.sealed_vars.end(); ++it) {
    if (!opt_.open_sealed) throw Error("extra var " + it.key() + ": sealed values cannot be opened here");
    spec.extra_vars[it.key()] = opt_.open_sealed(it->get<std::string>());
  }
  spec.sealed_vars = Value::object();
  JobRequest request;
  request.job_id = job_id;
  request.spec = spec.to_json();
  request.work_dir = dir;
  if (spec.credential_id && opt_.secrets) request.secrets = opt_.secrets(*spec.credential_id);
  for (int64_t id : spec.vault_credential_ids) {
    if (!opt_.secrets) break;
    for (auto& v : opt_.secrets(id).vault) request.secrets.vault.push_back(std::move(v));
  }

  SandboxJob sj;
  sj.work_dir = dir;
  sj.readonly_paths = job_readonly_paths(spec.project_dir, spec.kind == JobSpec::Kind::playbook ? spec.playbook : "",
                                         spec.inventory);
  sj.program = opt_.program;
  sj.args = {"job-exec", "--job", std::to_string(job_id)};
  if (opt_.job_uid && opt_.job_gid)
    sj.args.insert(sj.args.end(), {"--uid", std::to_string(*opt_.job_uid), "--gid", std::to_string(*opt_.job_gid)});
  sj.user_name = opt_.job_user_name;
  JobProcess p;
  p.command = sandbox_command(opt_.sandbox, sj);
  p.limits = opt_.limits;
  p.request_line = encode_job_request(request);
  return run_job_process(p, cancel, events);
}

}  // namespace drover::server
