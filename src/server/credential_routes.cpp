// /api/v1/credentials: see catalog_routes.hpp.
#include "server/api_error.hpp"
#include "server/catalog_routes.hpp"
#include "server/credential_vault.hpp"
#include "server/request.hpp"

namespace drover::server {
namespace {

constexpr const char* kColumns = "id, name, kind, username, description, created, updated";

Value read_credential(store::Statement& s) {
  return {{"id", s.integer(0)},          {"name", s.text(1)},    {"kind", s.text(2)},   {"username", s.text(3)},
          {"description", s.text(4)},    {"created", s.text(5)}, {"updated", s.text(6)}};
}

std::optional<Value> find_credential(store::Connection& c, int64_t id) {
  auto s = c.prepare(std::string("SELECT ") + kColumns + " FROM credentials WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_credential(s);
}

const std::vector<std::string> kKinds = {"ssh_key", "password", "become"};

}  // namespace

void add_credential_routes(Router& router, ServerContext& ctx) {
  store::Database& db = ctx.store.db();
  router.add({"GET", "/api/v1/credentials", Role::Operator, "List credentials (never their secrets)",
              [&db](Call& call) {
                Page page = QueryReader(call.req, {"limit", "offset"}).page();
                auto [items, total] = db.read([&](store::Connection& c) {
                  Value items = Value::array();
                  auto s =
                      c.prepare(std::string("SELECT ") + kColumns + " FROM credentials ORDER BY name LIMIT ? OFFSET ?");
                  s.bind(1, page.limit).bind(2, page.offset);
                  while (s.step()) items.push_back(read_credential(s));
                  auto n = c.prepare("SELECT COUNT(*) FROM credentials");
                  n.step();
                  return std::make_pair(items, n.integer(0));
                });
                send_json(call.res, 200, page_body(items, total, page));
              }});
  router.add({"POST", "/api/v1/credentials", Role::Admin, "Create a credential (the secret is encrypted at rest)",
              [&db, &ctx](Call& call) {
                Value body = parse_json_body(call.req, 256 * 1024);
                BodyReader r(body, {"name", "kind", "username", "secret", "description"});
                std::string name = r.required_string("name");
                auto kind = r.optional_choice("kind", kKinds);
                if (!kind) throw ApiError(400, "missing_field", "field 'kind' is required", {{"field", "kind"}});
                std::string secret = r.required_string("secret");
                std::string username = r.optional_string("username").value_or("");
                std::string description = r.optional_string("description").value_or("");
                std::string sealed = ctx.vault.seal(secret);
                Value out = db.write([&](store::Connection& c) {
                  std::string now = store::now_timestamp();
                  try {
                    c.prepare("INSERT INTO credentials (name, kind, username, secret, description, created, updated) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?)")
                        .bind(1, name).bind(2, *kind).bind(3, username).bind(4, sealed).bind(5, description)
                        .bind(6, now).bind(7, now).run();
                  } catch (const store::ConstraintError&) {
                    throw ApiError::conflict("credential '" + name + "' exists", {{"field", "name"}});
                  }
                  int64_t id = c.last_insert_id();
                  store::append_audit(c, audit_entry(call, "create", "credentials", std::to_string(id),
                                                     {{"name", name}, {"kind", *kind}}));
                  return *find_credential(c, id);
                });
                send_json(call.res, 201, out);
              }});
  router.add({"GET", "/api/v1/credentials/{id}", Role::Operator, "Get a credential (never its secret)",
              [&db](Call& call) {
                int64_t id = call.id_param();
                auto v = db.read([&](store::Connection& c) { return find_credential(c, id); });
                if (!v) throw ApiError::not_found("no credential " + std::to_string(id));
                send_json(call.res, 200, *v);
              }});
  router.add({"PATCH", "/api/v1/credentials/{id}", Role::Admin, "Change a credential (name, username, secret, description)",
              [&db, &ctx](Call& call) {
                int64_t id = call.id_param();
                Value body = parse_json_body(call.req, 256 * 1024);
                BodyReader r(body, {"name", "username", "secret", "description"});
                auto name = r.optional_string("name");
                auto username = r.optional_string("username");
                auto description = r.optional_string("description");
                std::optional<std::string> sealed;
                if (auto secret = r.optional_string("secret")) sealed = ctx.vault.seal(*secret);
                Value fields = Value::array();
                for (auto it = body.begin(); it != body.end(); ++it) fields.push_back(it.key());
                Value out = db.write([&](store::Connection& c) {
                  if (!find_credential(c, id)) throw ApiError::not_found("no credential " + std::to_string(id));
                  try {
                    c.prepare("UPDATE credentials SET name = COALESCE(?, name), username = COALESCE(?, username), "
                              "secret = COALESCE(?, secret), description = COALESCE(?, description), updated = ? "
                              "WHERE id = ?")
                        .bind(1, name).bind(2, username).bind(3, sealed).bind(4, description)
                        .bind(5, store::now_timestamp()).bind(6, id).run();
                  } catch (const store::ConstraintError&) {
                    throw ApiError::conflict("credential '" + name.value_or("") + "' exists", {{"field", "name"}});
                  }
                  store::append_audit(c, audit_entry(call, "update", "credentials", std::to_string(id), {{"fields", fields}}));
                  return *find_credential(c, id);
                });
                send_json(call.res, 200, out);
              }});
  router.add({"DELETE", "/api/v1/credentials/{id}", Role::Admin, "Delete a credential", [&db](Call& call) {
                int64_t id = call.id_param();
                db.write([&](store::Connection& c) {
                  if (!find_credential(c, id)) throw ApiError::not_found("no credential " + std::to_string(id));
                  c.prepare("UPDATE job_templates SET credential_id = NULL WHERE credential_id = ?").bind(1, id).run();
                  c.prepare("DELETE FROM credentials WHERE id = ?").bind(1, id).run();
                  store::append_audit(c, audit_entry(call, "delete", "credentials", std::to_string(id)));
                });
                call.res.status = 204;
              }});
}

}  // namespace drover::server
