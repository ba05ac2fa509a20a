#include "server/host_routes.hpp"

#include "server/api_error.hpp"
#include "store/audit.hpp"
#include "store/host_import.hpp"
#include "store/host_summary.hpp"

namespace drover::server {
namespace {

constexpr size_t kImportLimit = 32u << 20;

Value changed_fields(const Value& body) {
  Value fields = Value::array();
  for (auto it = body.begin(); it != body.end(); ++it) fields.push_back(it.key());
  return fields;
}

}  // namespace

store::HostFilter host_filter_from_query(const HttpRequest& req, std::set<std::string> extra) {
  std::set<std::string> allowed = {"role", "line", "idc",  "region", "platform", "machine_type", "status",
                                   "tag",  "q",    "sort", "order",  "limit",    "offset"};
  allowed.insert(extra.begin(), extra.end());
  QueryReader q(req, allowed);
  store::HostFilter f;
  f.role = q.optional_string("role");
  f.line = q.optional_string("line");
  f.idc = q.optional_string("idc");
  f.region = q.optional_string("region");
  f.platform = q.optional_string("platform");
  f.machine_type = q.optional_string("machine_type");
  f.status = q.optional_choice("status", {"online", "offline", "maintenance"});
  f.tag = q.optional_string("tag");
  f.q = q.optional_string("q");
  f.sort = q.optional_choice("sort", store::host_sort_fields()).value_or("hostname");
  f.descending = q.optional_choice("order", {"asc", "desc"}).value_or("asc") == "desc";
  Page page = q.page();
  f.limit = page.limit;
  f.offset = page.offset;
  return f;
}

void add_host_routes(Router& router, ServerContext& ctx) {
  store::Database& db = ctx.store.db();
  router.add({"GET", "/api/v1/hosts", Role::Viewer, "List hosts (filters role line idc region platform "
              "machine_type status tag q; sort, order, limit, offset)",
              [&db](Call& call) {
                store::HostFilter f = host_filter_from_query(call.req);
                // The hot path: the page is written as JSON text straight from
                // the rows, without building Values (page_body's shape).
                auto [items, total] = db.read([&](store::Connection& c) { return store::list_hosts_json(c, f); });
                call.res.status = 200;
                call.res.set_content("{\"items\":" + items + ",\"total\":" + std::to_string(total) +
                                         ",\"limit\":" + std::to_string(f.limit) +
                                         ",\"offset\":" + std::to_string(f.offset) + "}",
                                     "application/json");
              }});
  router.add({"POST", "/api/v1/hosts", Role::Operator, "Create a host", [&db](Call& call) {
                Value body = parse_json_body(call.req);
                store::Host h = store::parse_host(body);
                h = db.write([&](store::Connection& c) {
                  store::Host created;
                  try {
                    created = store::insert_host(c, h);
                  } catch (const store::ConstraintError& e) {
                    throw ApiError::conflict(e.message(), {{"field", "hostname"}});
                  }
                  store::append_audit(c, audit_entry(call, "create", "hosts", std::to_string(created.id),
                                                     {{"hostname", created.hostname}}));
                  return created;
                });
                send_json(call.res, 201, store::host_to_json(h));
              }});
  router.add({"GET", "/api/v1/hosts/export", Role::Viewer, "Export hosts as CSV or JSON (?format=, filters)",
              [&db](Call& call) {
                QueryReader q(call.req, {"format", "role", "line", "idc", "region", "platform", "machine_type",
                                         "status", "tag", "q", "sort", "order", "limit", "offset"});
                std::string format = q.optional_choice("format", {"csv", "json"}).value_or("json");
                store::HostFilter f = host_filter_from_query(call.req, {"format"});
                auto hosts = db.read([&](store::Connection& c) { return store::all_hosts(c, f); });
                if (format == "csv") {
                  call.res.status = 200;
                  call.res.set_content(store::hosts_to_csv(hosts), "text/csv");
                } else {
                  send_json(call.res, 200, store::hosts_to_json(hosts));
                }
              }});
  router.add({"POST", "/api/v1/hosts/import", Role::Operator,
              "Import hosts from CSV (Content-Type: text/csv) or a JSON list; all or nothing",
              [&db](Call& call) {
                if (call.req.body.size() > kImportLimit)
                  throw ApiError(413, "payload_too_large", "an import is limited to 32 MiB");
                std::string type = call.req.get_header_value("Content-Type");
                std::vector<store::Host> hosts;
                if (type.find("csv") != std::string::npos)
                  hosts = store::parse_hosts_csv(call.req.body);
                else
                  hosts = store::parse_hosts_json(parse_json_body(call.req, kImportLimit, false));
                store::ImportCounts counts = db.write([&](store::Connection& c) {
                  store::ImportCounts n = store::import_hosts(c, hosts);
                  store::append_audit(c, audit_entry(call, "import", "hosts", "",
                                                     {{"created", n.created}, {"updated", n.updated}}));
                  return n;
                });
                send_json(call.res, 200, {{"created", counts.created}, {"updated", counts.updated}});
              }});
  router.set_body_limit("POST", "/api/v1/hosts/import", kImportLimit);
  // Before /hosts/{id}, which would take "summary" for an id.
  router.add({"GET", "/api/v1/hosts/summary", Role::Viewer,
              "The fleet in numbers: hosts per status, line, idc and role (the dashboard's charts)",
              [&db](Call& call) {
                send_json(call.res, 200, db.read([](store::Connection& c) { return store::host_summary(c); }));
              }});
  router.add({"GET", "/api/v1/hosts/{id}", Role::Viewer, "Get a host", [&db](Call& call) {
                int64_t id = call.id_param();
                auto h = db.read([&](store::Connection& c) { return store::find_host(c, id); });
                if (!h) throw ApiError::not_found("no host " + std::to_string(id));
                send_json(call.res, 200, store::host_to_json(*h));
              }});
  router.add({"PATCH", "/api/v1/hosts/{id}", Role::Operator, "Change some fields of a host", [&db](Call& call) {
                int64_t id = call.id_param();
                Value body = parse_json_body(call.req);
                store::Host h = db.write([&](store::Connection& c) {
                  auto old = store::find_host(c, id);
                  if (!old) throw ApiError::not_found("no host " + std::to_string(id));
                  store::Host updated = store::parse_host(body, *old);
                  try {
                    store::update_host(c, updated);
                  } catch (const store::ConstraintError& e) {
                    throw ApiError::conflict(e.message(), {{"field", "hostname"}});
                  }
                  store::append_audit(c, audit_entry(call, "update", "hosts", std::to_string(id),
                                                     {{"hostname", updated.hostname}, {"fields", changed_fields(body)}}));
                  return *store::find_host(c, id);
                });
                send_json(call.res, 200, store::host_to_json(h));
              }});
  router.add({"DELETE", "/api/v1/hosts/{id}", Role::Operator, "Delete a host", [&db](Call& call) {
                int64_t id = call.id_param();
                db.write([&](store::Connection& c) {
                  auto old = store::find_host(c, id);
                  if (!old || !store::delete_host(c, id)) throw ApiError::not_found("no host " + std::to_string(id));
                  store::append_audit(c, audit_entry(call, "delete", "hosts", std::to_string(id),
                                                     {{"hostname", old->hostname}}));
                });
                call.res.status = 204;
              }});
}

}  // namespace drover::server
