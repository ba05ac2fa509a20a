#include "server/system_routes.hpp"

#include "server/api_error.hpp"
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
    store::Statement& s = c.prepare("SELECT state, COUNT(*) FROM jobs GROUP BY state");
    while (s.step()) counts[s.text(0)] = s.integer(1);
  });
  out += "# HELP drover_jobs Jobs in the store by state.\n# TYPE drover_jobs gauge\n";
  for (const char* state : kStates)
    out += std::string("drover_jobs{state=\"") + state + "\"} " + std::to_string(counts[state]) + "\n";
  out += "# HELP drover_job_queue_depth Jobs waiting for a worker.\n# TYPE drover_job_queue_depth gauge\n";
  out += "drover_job_queue_depth " + std::to_string(counts["pending"]) + "\n";
}

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

}  // namespace

Value openapi_document(const std::vector<Route>& routes) {
  Value paths = Value::object();
  for (const Route& r : routes) {
    Value op = Value::object();
    op["summary"] = r.summary;
    op["x-drover-role"] = role_name(r.role);
    if (r.role == Role::Public)
      op["security"] = Value::array();
    Value params = Value::array();
    for (size_t i = 0; i < r.path.size(); ++i) {
      if (r.path[i] != '{') continue;
      size_t end = r.path.find('}', i);
      params.push_back({{"name", r.path.substr(i + 1, end - i - 1)},
                        {"in", "path"},
                        {"required", true},
                        {"schema", {{"type", "string"}}}});
      i = end;
    }
    if (!params.empty()) op["parameters"] = params;
    Value responses = Value::object();
    responses[r.method == "POST" ? "201" : "200"] = {{"description", "success"}};
    responses["default"] = {{"description", "error"},
                            {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
    op["responses"] = responses;
    paths[r.path][lower(r.method)] = op;
  }
  Value error_schema = {
      {"type", "object"},
      {"required", {"error"}},
      {"properties",
       {{"error",
         {{"type", "object"},
          {"required", {"code", "message", "details"}},
          {"properties",
           {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}, {"details", {{"type", "object"}}}}}}}}}};
  Value doc = Value::object();
  doc["openapi"] = "3.0.3";
  doc["info"] = {{"title", "drover server API"}, {"version", "1"}};
  doc["paths"] = paths;
  doc["components"] = {{"schemas", {{"Error", error_schema}}},
                       {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}};
  doc["security"] = Value::array({{{"bearer", Value::array()}}});
  return doc;
}

void add_system_routes(Router& router, ServerContext& ctx) {
  ctx.metrics.add_collector([&ctx](std::string& out) { collect_job_metrics(ctx.store.db(), out); });
  ctx.metrics.add_collector([](std::string& out) {
    out += "# HELP drover_ssh_connections_open SSH connections open to targets\n"
           "# TYPE drover_ssh_connections_open gauge\n"
           "drover_ssh_connections_open " + std::to_string(ssh_connections_open() + job_ssh_connections_open()) + "\n";
  });
  router.add({"GET", "/healthz", Role::Public, "Liveness and database check", [&ctx](Call& call) {
                ctx.store.db().read([](store::Connection& c) { c.prepare("SELECT 1").step(); });
                send_json(call.res, 200, {{"status", "ok"}});
              }});
  router.add({"GET", "/metrics", Role::Public, "Prometheus metrics", [&ctx](Call& call) {
                call.res.status = 200;
                call.res.set_content(ctx.metrics.render(), "text/plain; version=0.0.4");
              }});
  router.add({"GET", "/api/v1/openapi.json", Role::Public, "This API's OpenAPI 3 document",
              [&router](Call& call) { send_json(call.res, 200, openapi_document(router.routes())); }});
}

}  // namespace drover::server
