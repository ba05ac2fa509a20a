#include "server/host_jobs_routes.hpp"

#include "server/api_error.hpp"
#include "server/jobs/job_view.hpp"
#include "server/request.hpp"
#include "store/hosts.hpp"
#include "store/job_store.hpp"

namespace drover::server {

void add_host_job_routes(Router& router, ServerContext& ctx) {
  store::Database& db = ctx.store.db();
  router.add({"GET", "/api/v1/hosts/{id}/jobs", Role::Viewer,
              "The jobs that ran on a host, newest first", [&db](Call& call) {
                int64_t id = call.id_param();
                Page page = QueryReader(call.req, {"limit", "offset"}).page();
                auto host = db.read([&](store::Connection& c) { return store::find_host(c, id); });
                if (!host) throw ApiError::not_found("no host " + std::to_string(id));
                std::vector<int64_t> ids;
                int64_t total = db.read([&](store::Connection& c) {
                  auto s = c.prepare(
                      "SELECT DISTINCT job_id FROM job_events WHERE host = ? ORDER BY job_id DESC "
                      "LIMIT ? OFFSET ?");
                  s.bind(1, host->hostname).bind(2, page.limit).bind(3, page.offset);
                  while (s.step()) ids.push_back(s.integer(0));
                  auto n =
                      c.prepare("SELECT COUNT(DISTINCT job_id) FROM job_events WHERE host = ?");
                  n.bind(1, host->hostname);
                  n.step();
                  return n.integer(0);
                });
                store::JobStore jobs(db);
                Value items = Value::array();
                for (int64_t job_id : ids)
                  if (auto job = jobs.get(job_id)) items.push_back(job_json(*job));
                send_json(call.res, 200, page_body(items, total, page));
              }});
}

}  // namespace drover::server
