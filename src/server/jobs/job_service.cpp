#include "server/jobs/job_service.hpp"

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "server/api_error.hpp"
#include "server/credential_vault.hpp"
#include "server/health.hpp"
#include "server/jobs/event_hub.hpp"
#include "server/jobs/job_spec.hpp"
#include "server/jobs/job_stream.hpp"
#include "server/jobs/job_setup.hpp"
#include "server/jobs/job_template.hpp"
#include "server/jobs/job_view.hpp"
#include "server/jobs/job_workers.hpp"
#include "server/jobs/leftover_commands.hpp"
#include "server/jobs/job_launch.hpp"
#include "server/jobs/project_sync.hpp"
#include "server/request.hpp"
#include "store/audit.hpp"
#include "store/job_store.hpp"
#include "store/users.hpp"

namespace drover::server {
namespace {

const std::vector<std::string> kStates = {"pending", "running", "successful", "failed", "canceled", "error"};

class JobService {
 public:
  explicit JobService(ServerContext& ctx)
      : ctx_(ctx),
        jobs_(ctx.store.db()),
        workers_(jobs_, hub_, worker_options(ctx, this)) {}

  void add_routes(Router& r) {
    r.add({"POST", "/api/v1/jobs", Role::Operator, "Submit a job (from a template or an ad-hoc module run)",
           [this](Call& call) { submit(call); }});
    r.add({"GET", "/api/v1/jobs", Role::Viewer, "List jobs", [this](Call& call) { list(call); }});
    r.add({"GET", "/api/v1/jobs/{id}", Role::Viewer, "A job",
           [this](Call& call) { send_json(call.res, 200, job_json(find(call.id_param()))); }});
    r.add({"GET", "/api/v1/jobs/{id}/events", Role::Viewer, "A job's events after a sequence number",
           [this](Call& call) { events(call); }});
    r.add({"GET", "/api/v1/jobs/{id}/stream", Role::Viewer, "A job's events live (Server-Sent Events)",
           [this](Call& call) { stream(call); }});
    r.add({"GET", "/api/v1/jobs/{id}/stdout", Role::Viewer, "A job's output as the CLI prints it",
           [this](Call& call) { stdout_text(call); }});
    r.add({"POST", "/api/v1/jobs/{id}/cancel", Role::Operator, "Cancel a job",
           [this](Call& call) { cancel(call); }});
    r.add({"POST", "/api/v1/jobs/{id}/relaunch", Role::Operator, "Run a job's spec again as a new job",
           [this](Call& call) { relaunch(call); }});
    r.add({"DELETE", "/api/v1/jobs/{id}", Role::Operator,
           "Delete a finished job and its events (admin, or the job's creator)",
           [this](Call& call) { remove(call); }});
  }

  void start() {
    auto ids = jobs_.mark_interrupted("interrupted: the server stopped while the job was running");
    for (int64_t id : ids)
      std::fprintf(stderr, "drover server: job %lld was running when the server stopped: marked error\n",
                   static_cast<long long>(id));
    kill_orphaned_git(ctx_.options);
    settle_project_sync_states(ctx_.store.db());
    workers_.start();
    health_of(ctx_).set("workers", true);
    sweeper_ = std::thread([this] { sweep_loop(); });
    if (!ids.empty()) leftovers_ = std::thread([this, ids] { end_leftovers(ids); });
  }

  ~JobService() {
    stop_sweeper();
    if (leftovers_.joinable()) leftovers_.join();
  }

  void stop() {
    stop_sweeper();
    health_of(ctx_).set("workers", false, "stopped");
    workers_.stop();
    if (leftovers_.joinable()) leftovers_.join();
    settle_unrecorded();  // what the workers could not record at their end
  }

 private:
  void stop_sweeper() {
    {
      std::lock_guard lock(sweep_mu_);
      sweep_stop_ = true;
    }
    sweep_cv_.notify_all();
    if (sweeper_.joinable()) sweeper_.join();
  }

  // A job's final state that could not be written when it ended (the
  // database stayed locked): kept here and written again by the sweeper
  // until it sticks, so that the job does not stay `running`.
  struct Unrecorded {
    int64_t job_id;
    JobOutcome outcome;
  };

  static JobWorkerOptions worker_options(ServerContext& ctx, JobService* self) {
    JobWorkerOptions o = job_process_options(ctx.options);
    o.workers = ctx.options.workers;
    o.work_root = (std::filesystem::path(ctx.options.data_dir) / "jobs").string();
    o.secrets = [&ctx](int64_t credential_id) { return credential_secrets(ctx.store.db(), ctx.vault, credential_id); };
    o.open_sealed = [&ctx](const std::string& sealed) { return ctx.vault.open(sealed); };
    o.run_sync = [&ctx](const JobSpec& spec, const std::atomic<bool>& cancel, const JsonEventSink& sink) {
      return run_project_sync(ctx, spec.project_id.value_or(0), cancel, sink);
    };
    o.on_finished = [self](int64_t job_id, const JobOutcome& outcome) { self->check_recorded(job_id, outcome); };
    return o;
  }

  void check_recorded(int64_t job_id, const JobOutcome& outcome) {
    try {
      auto job = jobs_.get(job_id);
      if (!job || (job->state != "running" && job->state != "pending")) return;  // recorded (or deleted)
    } catch (const std::exception&) {
    }
    std::fprintf(stderr, "drover server: job %lld: its final state is not recorded yet; retrying in the background\n",
                 static_cast<long long>(job_id));
    std::lock_guard lock(sweep_mu_);
    unrecorded_.push_back({job_id, outcome});
  }

  // Writes the final states kept by check_recorded; keeps those that fail.
  void settle_unrecorded() {
    std::vector<Unrecorded> todo;
    {
      std::lock_guard lock(sweep_mu_);
      todo.swap(unrecorded_);
    }
    std::vector<Unrecorded> still;
    for (auto& u : todo) {
      try {
        jobs_.finish(u.job_id, {}, job_state_name(u.outcome.state), u.outcome.rc, u.outcome.recap.dump(),
                     u.outcome.error);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "drover server: job %lld: recording the final state failed again: %s\n",
                     static_cast<long long>(u.job_id), e.what());
        still.push_back(std::move(u));
      }
    }
    std::lock_guard lock(sweep_mu_);
    unrecorded_.insert(unrecorded_.end(), still.begin(), still.end());
  }

  // Background work: unrecorded final states every few seconds, and the
  // retention sweep (--keep-jobs-days) at start and then hourly.
  void sweep_loop() {
    auto next_retention = std::chrono::steady_clock::now();
    std::unique_lock lock(sweep_mu_);
    while (!sweep_stop_) {
      lock.unlock();
      settle_unrecorded();
      if (ctx_.options.keep_jobs_days > 0 && std::chrono::steady_clock::now() >= next_retention) {
        sweep_old_jobs();
        next_retention = std::chrono::steady_clock::now() + std::chrono::hours(1);
      }
      lock.lock();
      sweep_cv_.wait_for(lock, std::chrono::seconds(5), [&] { return sweep_stop_; });
    }
  }

  void sweep_old_jobs() {
    auto cutoff = store::timestamp_at(std::chrono::system_clock::now() -
                                      std::chrono::hours(24) * ctx_.options.keep_jobs_days);
    int64_t total = 0;
    try {
      for (;;) {
        int64_t n = jobs_.remove_finished_before(cutoff, 100);
        total += n;
        if (n < 100) break;
        std::lock_guard lock(sweep_mu_);
        if (sweep_stop_) break;
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "drover server: job retention sweep failed (next try in an hour): %s\n", e.what());
    }
    if (total > 0)
      std::fprintf(stderr, "drover server: deleted %lld jobs that finished more than %d days ago\n",
                   static_cast<long long>(total), ctx_.options.keep_jobs_days);
  }

  // For each interrupted job: once its process (if one still runs) has
  // ended, queue a job that kills the remote commands it left on record,
  // then remove its directory (a decrypted key may be in it).
  void end_leftovers(const std::vector<int64_t>& ids) {
    for (int64_t id : ids) {
      auto dir = std::filesystem::path(ctx_.options.data_dir) / "jobs" / ("job-" + std::to_string(id));
      auto log = read_released_log((dir / kRemoteGroupsFile).string(), kCancelGrace + std::chrono::seconds(5));
      auto live = log ? live_remote_groups(*log) : std::map<std::string, std::vector<long>>{};
      auto job = jobs_.get(id);
      if (!live.empty() && job) {
        try {
          JobSpec cleanup = leftover_cleanup_spec(parse_job_spec(Value::parse(job->spec), true), live);
          int64_t cleanup_id = jobs_.submit("adhoc", std::nullopt, cleanup.to_json().dump(), std::nullopt);
          std::fprintf(stderr, "drover server: job %lld left commands running on %zu hosts: job %lld kills them\n",
                       static_cast<long long>(id), live.size(), static_cast<long long>(cleanup_id));
          workers_.wake();
        } catch (const std::exception& e) {
          std::fprintf(stderr, "drover server: job %lld: cannot queue the cleanup of its commands: %s\n",
                       static_cast<long long>(id), e.what());
        }
      }
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  }

  store::JobRecord find(int64_t id) {
    auto job = jobs_.get(id);
    if (!job) throw ApiError::not_found("no job " + std::to_string(id));
    return *job;
  }

  void submit(Call& call) {
    Value body = parse_json_body(call.req);
    JobSpec spec;
    if (body.contains("template_id")) {
      if (!body["template_id"].is_number_integer())
        throw spec_error(JobSpecError("wrong_type", "template_id", "expected an integer"));
      Value overrides = body;
      overrides.erase("template_id");
      spec = template_launch_spec(ctx_, body["template_id"].get<int64_t>(), overrides);
    } else {
      try {
        spec = parse_job_spec(body);
      } catch (const JobSpecError& e) {
        throw spec_error(e);
      }
    }
    enqueue(call, spec, "submit", {});
  }

  // Queues `spec` for the caller and answers 202 with the new job; the
  // launch checks (job_launch.hpp) hold a relaunch to the same rules.
  void enqueue(Call& call, const JobSpec& spec, const std::string& action, Value audit_details) {
    int64_t id = queue_job(ctx_, jobs_, {spec, call.user, call.address, action, std::move(audit_details)});
    workers_.wake();
    send_json(call.res, 202, job_json(find(id)));
  }

  // AWX's relaunch: the same spec (module or playbook, inventory, limits,
  // extra vars, credential) as a new job of the caller.
  void relaunch(Call& call) {
    auto original = find(call.id_param());
    JobSpec spec;
    try {
      spec = parse_job_spec(Value::parse(original.spec), true);
    } catch (const JobSpecError& e) {
      throw spec_error(e);
    }
    enqueue(call, spec, "relaunch", {{"relaunch_of", original.id}});
  }

  // AWX's rule: an admin, or the user who launched the job; not while it
  // is pending or running (cancel it first).
  void remove(Call& call) {
    int64_t id = call.id_param();
    auto job = find(id);
    bool own = job.created_by && *job.created_by == call.user.user_id;
    if (call.user.role != Role::Admin && !own)
      throw ApiError::forbidden("only an admin or the job's creator may delete job " + std::to_string(id));
    auto result = jobs_.remove(id, [&](store::Connection& c, int64_t job_id) {
      store::append_audit(c, audit_entry(call, "delete", "jobs", std::to_string(job_id), {{"state", job.state}}));
    });
    if (result == store::JobStore::RemoveResult::not_found) throw ApiError::not_found("no job " + std::to_string(id));
    if (result == store::JobStore::RemoveResult::not_finished)
      throw ApiError::conflict("job " + std::to_string(id) + " has not ended; cancel it first",
                               {{"state", job.state}});
    call.res.status = 204;
  }

  // created_by: a user id, or a username (no such user: no job matches).
  std::optional<int64_t> creator_param(const QueryReader& q) {
    auto text = q.optional_string("created_by");
    if (!text) return std::nullopt;
    if (!text->empty() && text->find_first_not_of("0123456789") == std::string::npos)
      return q.optional_integer("created_by", 1, INT64_MAX);
    auto user = ctx_.store.db().read(
        [&](store::Connection& c) { return store::find_user_for_login(c, *text); });
    return user ? user->first.id : -1;
  }

  std::optional<std::string> timestamp_param(const QueryReader& q, const std::string& name) {
    auto text = q.optional_string(name);
    if (!text) return std::nullopt;
    auto t = store::normalize_timestamp(*text);
    if (!t)
      throw ApiError(400, "bad_query",
                     name + " must be an ISO 8601 date or date-time (2026-11-25, 2026-11-25T07:30:00Z)",
                     {{"parameter", name}});
    return t;
  }

  void list(Call& call) {
    QueryReader q(call.req,
                  {"state", "kind", "template_id", "created_by", "created_after", "created_before", "limit", "offset"});
    Page page = q.page();
    store::JobFilter f;
    f.state = q.optional_choice("state", kStates);
    f.kind = q.optional_choice("kind", {"playbook", "adhoc", "sync"});
    f.template_id = q.optional_integer("template_id", 1, INT64_MAX);
    f.created_by = creator_param(q);
    f.created_after = timestamp_param(q, "created_after");
    f.created_before = timestamp_param(q, "created_before");
    f.limit = page.limit;
    f.offset = page.offset;
    auto result = jobs_.list(f);
    Value items = Value::array();
    for (const auto& j : result.items) items.push_back(job_json(j));
    send_json(call.res, 200, page_body(std::move(items), result.total, page));
  }

  void events(Call& call) {
    QueryReader q(call.req, {"after", "limit"});
    int64_t after = q.optional_integer("after", 0, INT64_MAX).value_or(0);
    int64_t limit = q.optional_integer("limit", 1, 10000).value_or(1000);
    auto job = find(call.id_param());
    Value items = Value::array();
    int64_t next = after;
    for (const auto& e : jobs_.events_after(job.id, after, limit)) {
      items.push_back(event_json(e));
      next = e.seq;
    }
    send_json(call.res, 200,
              {{"items", std::move(items)},
               {"after", after},
               {"limit", limit},
               {"next_after", next},
               {"last_event", job.last_seq},
               {"state", job.state}});
  }

  void stream(Call& call) {
    QueryReader q(call.req, {"after"});
    int64_t after = q.optional_integer("after", 0, INT64_MAX).value_or(0);
    if (call.req.has_header("Last-Event-ID")) {
      std::string v = call.req.get_header_value("Last-Event-ID");
      try {
        size_t used = 0;
        long long n = std::stoll(v, &used);
        if (used != v.size() || n < 0) throw std::invalid_argument(v);
        after = n;
      } catch (const std::exception&) {
        throw ApiError::bad_request("Last-Event-ID must be an event number, got '" + v + "'",
                                    {{"header", "Last-Event-ID"}});
      }
    }
    auto job = find(call.id_param());
    stream_job_events(call.res, jobs_, hub_, job.id, after);
  }

  void stdout_text(Call& call) {
    auto job = find(call.id_param());
    std::vector<store::JobEventRow> all;
    for (int64_t after = 0;;) {
      auto page = jobs_.events_after(job.id, after, 10000);
      if (page.empty()) break;
      after = page.back().seq;
      all.insert(all.end(), std::make_move_iterator(page.begin()), std::make_move_iterator(page.end()));
    }
    call.res.status = 200;
    call.res.set_content(job_stdout(job, all), "text/plain; charset=utf-8");
  }

  void cancel(Call& call) {
    int64_t id = call.id_param();
    auto before = find(id);
    if (before.state != "pending" && before.state != "running")
      throw ApiError::conflict("job " + std::to_string(id) + " already ended (" + before.state + ")",
                               {{"state", before.state}});
    auto job = jobs_.request_cancel(id, [&](store::Connection& c, int64_t job_id) {
      store::append_audit(c, audit_entry(call, "cancel", "jobs", std::to_string(job_id)));
    });
    if (!job) throw ApiError::not_found("no job " + std::to_string(id));
    workers_.cancel(id);
    if (job->kind == "sync") settle_project_sync_states(ctx_.store.db());
    send_json(call.res, 202, job_json(*job));
  }

  ServerContext& ctx_;
  store::JobStore jobs_;
  EventHub hub_;
  std::mutex sweep_mu_;
  std::condition_variable sweep_cv_;
  bool sweep_stop_ = false;
  std::vector<Unrecorded> unrecorded_;
  std::thread sweeper_;
  std::thread leftovers_;  // end_leftovers() after a restart
  JobWorkers workers_;  // last: its threads stop before the members above go
};

}  // namespace

Component jobs_component() {
  auto service = std::make_shared<std::unique_ptr<JobService>>();
  return {"jobs",
          [service](Router& r, ServerContext& ctx) {
            *service = std::make_unique<JobService>(ctx);
            (*service)->add_routes(r);
          },
          [service](ServerContext&) { (*service)->start(); },
          [service] {
            if (*service) (*service)->stop();
          }};
}

}  // namespace drover::server
