#include "server/host_facts_routes.hpp"

#include "server/api_error.hpp"
#include "server/request.hpp"
#include "store/hosts.hpp"

namespace drover::server {
namespace {

// How a gathering result looks in an event's stored JSON line (Python's
// separators: output/json_lines_callback.hpp).
constexpr const char* kGathered = "%\"module_setup\": true%";

}  // namespace

void add_host_facts_routes(Router& router, ServerContext& ctx) {
  store::Database& db = ctx.store.db();
  router.add(
      {"GET", "/api/v1/hosts/{id}/facts", Role::Viewer,
       "The facts last gathered on a host (from its newest fact-gathering job event)",
       [&db](Call& call) {
         int64_t id = call.id_param();
         Value out = {{"facts", nullptr}, {"job_id", nullptr}, {"gathered", nullptr}};
         db.read([&](store::Connection& c) {
           auto host = store::find_host(c, id);
           if (!host) throw ApiError::not_found("no host " + std::to_string(id));
           auto newest = c.prepare(
               "SELECT job_id FROM job_events WHERE host = ? AND event = 'runner_result' AND data "
               "LIKE ? "
               "ORDER BY job_id DESC LIMIT 1");
           newest.bind(1, host->hostname).bind(2, kGathered);
           if (!newest.step()) return;
           int64_t job_id = newest.integer(0);
           auto last = c.prepare(
               "SELECT time, data FROM job_events WHERE job_id = ? AND host = ? AND event = "
               "'runner_result' "
               "AND data LIKE ? ORDER BY seq DESC LIMIT 1");
           last.bind(1, job_id).bind(2, host->hostname).bind(3, kGathered);
           if (!last.step()) return;
           Value event = Value::parse(last.text(1), nullptr, false);
           if (!event.is_object() || !event.contains("result") || !event["result"].is_object())
             return;
           const Value& result = event["result"];
           if (!result.contains("ansible_facts") || !result["ansible_facts"].is_object()) return;
           out = {
               {"facts", result["ansible_facts"]}, {"job_id", job_id}, {"gathered", last.text(0)}};
         });
         send_json(call.res, 200, out);
       }});
}

}  // namespace drover::server
