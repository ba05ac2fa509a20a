#include "server/jobs/job_service.hpp"

#include <filesystem>
#include <thread>

#include "engine/adhoc.hpp"
#include "server/api_error.hpp"
#include "server/credential_vault.hpp"
#include "server/jobs/event_hub.hpp"
#include "server/jobs/job_spec.hpp"
#include "server/jobs/job_stream.hpp"
#include "server/jobs/job_setup.hpp"
#include "server/jobs/job_template.hpp"
#include "server/jobs/job_view.hpp"
#include "server/jobs/job_workers.hpp"
#include "server/jobs/leftover_commands.hpp"
#include "server/request.hpp"
#include "store/audit.hpp"
#include "store/job_store.hpp"

namespace drover::server {
namespace {

const std::vector<std::string> kStates = {"pending", "running", "successful", "failed", "canceled", "error"};

class JobService {
 public:
  explicit JobService(ServerContext& ctx)
      : ctx_(ctx),
        jobs_(ctx.store.db()),
        workers_(jobs_, hub_, worker_options(ctx)) {}

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
  }

  void start() {
    auto ids = jobs_.mark_interrupted("interrupted: the server stopped while the job was running");
    for (int64_t id : ids)
      std::fprintf(stderr, "drover server: job %lld was running when the server stopped: marked error\n",
                   static_cast<long long>(id));
    workers_.start();
    if (!ids.empty()) leftovers_ = std::thread([this, ids] { end_leftovers(ids); });
  }

  void stop() {
    workers_.stop();
    if (leftovers_.joinable()) leftovers_.join();
  }

 private:
  static JobWorkerOptions worker_options(ServerContext& ctx) {
    JobWorkerOptions o = job_process_options(ctx.options);
    o.workers = ctx.options.workers;
    o.work_root = (std::filesystem::path(ctx.options.data_dir) / "jobs").string();
    o.secrets = [&ctx](int64_t credential_id) { return credential_secrets(ctx.store.db(), ctx.vault, credential_id); };
    return o;
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

  static ApiError spec_error(const JobSpecError& e) {
    Value details = Value::object();
    if (!e.field().empty()) details["field"] = e.field();
    return ApiError(400, e.code(), e.what(), details);
  }

  // Checks what can be checked without running: the module and its
  // arguments, the playbook file. Cheap, so that submission stays fast.
  static void precheck(const JobSpec& spec) {
    if (spec.kind == JobSpec::Kind::adhoc) {
      std::string args = spec.args;
      if (args.find_first_not_of(" \t\r\n") != std::string::npos && args[args.find_first_not_of(" \t\r\n")] == '{')
        return;  // JSON arguments are checked by the loader when the job runs
      try {
        parse_adhoc_args(spec.module, spec.args);
      } catch (const Error& e) {
        throw ApiError::bad_request(e.what(), {{"field", "module"}});
      }
      return;
    }
    std::string path = spec.playbook;
    if (!path.empty() && path[0] != '/' && !spec.project_dir.empty()) path = spec.project_dir + "/" + path;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      throw ApiError::bad_request("playbook " + path + " does not exist", {{"field", "playbook"}});
  }

  void submit(Call& call) {
    Value body = parse_json_body(call.req);
    JobSpec spec;
    try {
      if (body.contains("template_id")) {
        if (!body["template_id"].is_number_integer())
          throw JobSpecError("wrong_type", "template_id", "expected an integer");
        int64_t template_id = body["template_id"].get<int64_t>();
        auto base = template_job_spec(ctx_.store.db(), template_id, ctx_.options.data_dir);
        if (!base) throw ApiError::not_found("no template " + std::to_string(template_id));
        Value overrides = body;
        overrides.erase("template_id");
        spec = merge_job_spec(*base, overrides);
      } else {
        spec = parse_job_spec(body);
      }
    } catch (const JobSpecError& e) {
      throw spec_error(e);
    }
    precheck(spec);
    const char* kind = spec.kind == JobSpec::Kind::adhoc ? "adhoc" : "playbook";
    std::optional<int64_t> user;
    if (call.user.user_id > 0) user = call.user.user_id;
    int64_t id = jobs_.submit(kind, spec.template_id, spec.to_json().dump(), user,
                              [&](store::Connection& c, int64_t job_id) {
                                store::append_audit(c, audit_entry(call, "submit", "jobs", std::to_string(job_id),
                                                                   {{"kind", kind}, {"name", spec.label()}}));
                              });
    workers_.wake();
    send_json(call.res, 202, job_json(find(id)));
  }

  void list(Call& call) {
    QueryReader q(call.req, {"state", "kind", "template_id", "limit", "offset"});
    Page page = q.page();
    store::JobFilter f;
    f.state = q.optional_choice("state", kStates);
    f.kind = q.optional_choice("kind", {"playbook", "adhoc"});
    f.template_id = q.optional_integer("template_id", 1, INT64_MAX);
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
    send_json(call.res, 202, job_json(*job));
  }

  ServerContext& ctx_;
  store::JobStore jobs_;
  EventHub hub_;
  JobWorkers workers_;
  std::thread leftovers_;  // end_leftovers() after a restart

 public:
  ~JobService() {
    if (leftovers_.joinable()) leftovers_.join();
  }
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
