#include "server/system_routes.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <mutex>

#include "server/api_error.hpp"
#include "server/health.hpp"
#include "store/migrations.hpp"
#include "server/jobs/job_process.hpp"
#include "transport/ssh_stats.hpp"

namespace drover::server {
namespace {

// Jobs by state and the queue depth, read at scrape time so that they are
// right whichever process changed the jobs.
void collect_job_metrics(store::Database& db, std::string& out) {
  static const char* kStates[] = {"pending", "running", "successful", "failed", "canceled", "error"};
  std::map<std::string, int64_t> counts;
  db.read([&](store::Connection& c) {
    auto s = c.prepare("SELECT state, COUNT(*) FROM jobs GROUP BY state");
    while (s.step()) counts[s.text(0)] = s.integer(1);
  });
  out += "# HELP drover_jobs Jobs in the store by state.\n# TYPE drover_jobs gauge\n";
  for (const char* state : kStates)
    out += std::string("drover_jobs{state=\"") + state + "\"} " + std::to_string(counts[state]) + "\n";
  out += "# HELP drover_job_queue_depth Jobs waiting for a worker.\n# TYPE drover_job_queue_depth gauge\n";
  out += "drover_job_queue_depth " + std::to_string(counts["pending"]) + "\n";
}

// Whether the database takes a write now: one upsert of the heartbeat row,
// waiting at most 2 s for the write lock. A probe every few milliseconds
// (a load balancer, a benchmark) shares the answer of the last second
// instead of queueing behind the job writers. "" when writable, else why.
class WriteProbe {
 public:
  std::string check(store::Database& db) {
    using Clock = std::chrono::steady_clock;
    std::lock_guard lock(mutex_);
    if (checked_ && Clock::now() - last_ < std::chrono::seconds(1)) return last_error_;
    try {
      db.write_within(std::chrono::milliseconds(2000), [](store::Connection& c) {
        c.prepare(
             "INSERT INTO heartbeat (id, beat, pid) VALUES (1, ?, ?) "
             "ON CONFLICT (id) DO UPDATE SET beat = excluded.beat, pid = excluded.pid")
            .bind(1, store::now_timestamp())
            .bind(2, static_cast<int64_t>(::getpid()))
            .run();
      });
      last_error_.clear();
    } catch (const store::BusyError& e) {
      // The details (paths) go to the log; the public answer says what.
      std::fprintf(stderr, "drover server: health: %s\n", e.what());
      last_error_ = "database locked: a write did not get the lock within 2 s (another process holds it)";
    } catch (const std::exception& e) {
      std::fprintf(stderr, "drover server: health: %s\n", e.what());
      last_error_ = "database not writable";
    }
    checked_ = true;
    last_ = Clock::now();
    return last_error_;
  }

 private:
  std::mutex mutex_;
  bool checked_ = false;
  std::chrono::steady_clock::time_point last_;
  std::string last_error_;
};

}  // namespace

void add_system_routes(Router& router, ServerContext& ctx) {
  ctx.metrics.add_collector([&ctx](std::string& out) { collect_job_metrics(ctx.store.db(), out); });
  ctx.metrics.add_collector([&ctx](std::string& out) {
    const store::Database& db = ctx.store.db();
    out += "# HELP drover_db_busy_retries_total Write transactions that found the database locked and retried.\n"
           "# TYPE drover_db_busy_retries_total counter\n"
           "drover_db_busy_retries_total " + std::to_string(db.busy_retries()) + "\n"
           "# HELP drover_db_busy_failures_total Writes that gave up on a locked database.\n"
           "# TYPE drover_db_busy_failures_total counter\n"
           "drover_db_busy_failures_total " + std::to_string(db.busy_failures()) + "\n";
  });
  ctx.metrics.add_collector([](std::string& out) {
    out += "# HELP drover_ssh_connections_open SSH connections open to targets\n"
           "# TYPE drover_ssh_connections_open gauge\n"
           "drover_ssh_connections_open " + std::to_string(ssh_connections_open() + job_ssh_connections_open()) + "\n";
  });
  auto probe = std::make_shared<WriteProbe>();
  router.add({"GET", "/livez", Role::Public, "Liveness: the process serves HTTP (no database access)",
              [](Call& call) { send_json(call.res, 200, {{"status", "ok"}}); }});
  router.add({"GET", "/healthz", Role::Public, "Health: the database takes a write (503 with the reason if not)",
              [&ctx, probe](Call& call) {
                std::string why = probe->check(ctx.store.db());
                if (!why.empty()) {
                  send_json(call.res, 503, {{"status", "unavailable"}, {"reason", why}});
                  return;
                }
                send_json(call.res, 200, {{"status", "ok"}});
              }});
  router.add({"GET", "/readyz", Role::Public,
              "Readiness: database writable, migrations applied, job workers running (503 with reasons if not)",
              [&ctx, probe](Call& call) {
                Value checks = Value::object();
                Value reasons = Value::array();
                std::string why = probe->check(ctx.store.db());
                checks["database"] = why.empty() ? "ok" : why;
                if (!why.empty()) reasons.push_back(why);
                int pending = 0;
                try {
                  pending = store::pending_migrations(ctx.store.db());
                } catch (const std::exception&) {
                  pending = -1;
                }
                checks["migrations"] = pending == 0 ? "ok" : "pending";
                if (pending != 0) reasons.push_back("schema migrations pending");
                for (const auto& [part, problem] : health_of(ctx).parts()) {
                  checks[part] = problem.empty() ? "ok" : problem;
                  if (!problem.empty()) reasons.push_back(part + ": " + problem);
                }
                bool ready = reasons.empty();
                Value body = {{"status", ready ? "ok" : "unavailable"}, {"checks", checks}};
                if (!ready) body["reasons"] = reasons;
                send_json(call.res, ready ? 200 : 503, body);
              }});
  router.add({"GET", "/metrics", Role::Public, "Prometheus metrics", [&ctx](Call& call) {
                call.res.status = 200;
                call.res.set_content(ctx.metrics.render(), "text/plain; version=0.0.4");
              }});
  router.add({"GET", "/api/v1/openapi.json", Role::Public, "This API's OpenAPI 3 document",
              [&router](Call& call) { send_json(call.res, 200, openapi_document(router.routes())); }});
}

}  // namespace drover::server
