// /api/v1/groups: CMDB groups (static members or a saved query); see
// host_routes.hpp and store/host_groups.hpp.
#include "inventory/inventory_dump.hpp"
#include "server/api_error.hpp"
#include "server/host_routes.hpp"
#include "store/audit.hpp"
#include "store/cmdb_inventory.hpp"
#include "store/host_groups.hpp"

namespace drover::server {

void add_group_routes(Router& router, ServerContext& ctx) {
  store::Database& db = ctx.store.db();
  // `drover play -i http://SERVER` (with DROVER_TOKEN) reads this: the same
  // hosts, groups and variables as `-i drover:DATA_DIR`.
  router.add({"GET", "/api/v1/inventory", Role::Viewer,
              "The CMDB as an Ansible inventory (ansible-inventory --list document)", [&db](Call& call) {
                QueryReader(call.req, {});
                inventory::Inventory inv;
                store::load_cmdb_inventory(inv, db);
                inv.reconcile();
                send_json(call.res, 200, inventory::list_document(inv, {}));
              }});
  router.add({"GET", "/api/v1/groups", Role::Viewer, "List CMDB groups", [&db](Call& call) {
                Page page = QueryReader(call.req, {"limit", "offset"}).page();
                auto [groups, total] = db.read(
                    [&](store::Connection& c) { return store::list_groups_page(c, page.limit, page.offset); });
                Value items = Value::array();
                for (const auto& g : groups) items.push_back(store::group_to_json(g));
                send_json(call.res, 200, page_body(items, total, page));
              }});
  router.add({"POST", "/api/v1/groups", Role::Operator,
              "Create a group: {name, hosts: [hostnames]} or {name, query: {role, line, tag, ...}}, vars",
              [&db](Call& call) {
                store::HostGroup g = store::parse_group(parse_json_body(call.req));
                g = db.write([&](store::Connection& c) {
                  store::HostGroup out;
                  try {
                    out = store::write_group(c, g);
                  } catch (const store::ConstraintError& e) {
                    throw ApiError::conflict(e.message(), {{"field", "name"}});
                  }
                  store::append_audit(c, audit_entry(call, "create", "groups", std::to_string(out.id), {{"name", out.name}}));
                  return out;
                });
                send_json(call.res, 201, store::group_to_json(g));
              }});
  router.add({"GET", "/api/v1/groups/{id}", Role::Viewer, "Get a group", [&db](Call& call) {
                int64_t id = call.id_param();
                auto g = db.read([&](store::Connection& c) { return store::find_group(c, id); });
                if (!g) throw ApiError::not_found("no group " + std::to_string(id));
                send_json(call.res, 200, store::group_to_json(*g));
              }});
  router.add({"GET", "/api/v1/groups/{id}/hosts", Role::Viewer, "The hosts of a group (members or query matches)",
              [&db](Call& call) {
                int64_t id = call.id_param();
                Page page = QueryReader(call.req, {"limit", "offset"}).page();
                auto [hosts, total] = db.read([&](store::Connection& c) {
                  auto g = store::find_group(c, id);
                  if (!g) throw ApiError::not_found("no group " + std::to_string(id));
                  return store::group_hosts_page(c, *g, page.limit, page.offset);
                });
                Value items = Value::array();
                for (const auto& h : hosts) items.push_back(store::host_to_json(h));
                send_json(call.res, 200, page_body(items, total, page));
              }});
  router.add({"PATCH", "/api/v1/groups/{id}", Role::Operator, "Change a group", [&db](Call& call) {
                int64_t id = call.id_param();
                Value body = parse_json_body(call.req);
                store::HostGroup g = db.write([&](store::Connection& c) {
                  auto old = store::find_group(c, id);
                  if (!old) throw ApiError::not_found("no group " + std::to_string(id));
                  store::HostGroup updated = store::parse_group(body, *old);
                  store::HostGroup out;
                  try {
                    out = store::write_group(c, updated);
                  } catch (const store::ConstraintError& e) {
                    throw ApiError::conflict(e.message(), {{"field", "name"}});
                  }
                  store::append_audit(c, audit_entry(call, "update", "groups", std::to_string(id), {{"name", out.name}}));
                  return out;
                });
                send_json(call.res, 200, store::group_to_json(g));
              }});
  router.add({"DELETE", "/api/v1/groups/{id}", Role::Operator, "Delete a group (not its hosts)", [&db](Call& call) {
                int64_t id = call.id_param();
                db.write([&](store::Connection& c) {
                  if (!store::delete_group(c, id)) throw ApiError::not_found("no group " + std::to_string(id));
                  store::append_audit(c, audit_entry(call, "delete", "groups", std::to_string(id)));
                });
                call.res.status = 204;
              }});
}

}  // namespace drover::server
