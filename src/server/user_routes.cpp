// /api/v1/users (admin) and /api/v1/audit (admin); see auth_routes.hpp.
#include "server/account_rules.hpp"
#include "server/api_error.hpp"
#include "server/auth_crypto.hpp"
#include "server/auth_routes.hpp"
#include "server/request.hpp"
#include "store/users.hpp"

namespace drover::server {
namespace {

Value user_json(const store::User& u) {
  return {{"id", u.id},           {"username", u.username}, {"role", u.role},
          {"disabled", u.disabled}, {"created", u.created},   {"updated", u.updated}};
}

const std::vector<std::string> kRoles = {"admin", "operator", "viewer"};

void check_password(const std::string& password, const std::string& username) {
  if (auto why = password_problem(password, username)) throw ApiError(400, "bad_value", *why, Value{{"field", "password"}});
}

// 409 when `id` is an enabled admin and no other enabled admin would be
// left: nobody could manage users any more.
void keep_an_admin(store::Connection& c, const store::User& user, const std::string& what) {
  if (user.role == "admin" && !user.disabled && store::count_enabled_admins(c, user.id) == 0)
    throw ApiError::conflict("user '" + user.username + "' is the last enabled admin and cannot be " + what);
}

}  // namespace

void add_user_routes(Router& router, ServerContext& ctx) {
  router.add({"GET", "/api/v1/users", Role::Admin, "List users", [&ctx](Call& call) {
                Page page = QueryReader(call.req, {"limit", "offset"}).page();
                auto [users, total] = ctx.store.db().read([&](store::Connection& c) {
                  return std::make_pair(store::list_users(c, page.limit, page.offset), store::count_users(c));
                });
                Value items = Value::array();
                for (const auto& u : users) items.push_back(user_json(u));
                send_json(call.res, 200, page_body(items, total, page));
              }});
  router.add({"POST", "/api/v1/users", Role::Admin, "Create a user", [&ctx](Call& call) {
                Value body = parse_json_body(call.req, 16 * 1024);
                BodyReader r(body, {"username", "password", "role"});
                std::string username = trim_username(r.required_string("username"));
                if (auto why = username_problem(username))
                  throw ApiError(400, "bad_value", *why, Value{{"field", "username"}});
                std::string password = r.required_string("password");
                std::string role = r.optional_choice("role", kRoles).value_or("viewer");
                check_password(password, username);
                std::string hash = hash_password(password);
                store::User user = ctx.store.db().write([&](store::Connection& c) {
                  store::User u;
                  try {
                    u = store::insert_user(c, username, hash, role);
                  } catch (const store::ConstraintError&) {
                    throw ApiError::conflict("user '" + username + "' exists", {{"field", "username"}});
                  }
                  store::append_audit(c, audit_entry(call, "create", "users", std::to_string(u.id),
                                                     {{"username", username}, {"role", role}}));
                  return u;
                });
                send_json(call.res, 201, user_json(user));
              }});
  router.add({"GET", "/api/v1/users/{id}", Role::Admin, "Get a user", [&ctx](Call& call) {
                int64_t id = call.id_param();
                auto u = ctx.store.db().read([&](store::Connection& c) { return store::find_user(c, id); });
                if (!u) throw ApiError::not_found("no user " + std::to_string(id));
                send_json(call.res, 200, user_json(*u));
              }});
  router.add({"PATCH", "/api/v1/users/{id}", Role::Admin, "Change a user's password, role or disabled flag",
              [&ctx](Call& call) {
                int64_t id = call.id_param();
                Value body = parse_json_body(call.req, 16 * 1024);
                BodyReader r(body, {"password", "role", "disabled"});
                auto password = r.optional_string("password");
                auto role = r.optional_choice("role", kRoles);
                auto disabled = r.optional_bool("disabled");
                auto before = ctx.store.db().read([&](store::Connection& c) { return store::find_user(c, id); });
                if (!before) throw ApiError::not_found("no user " + std::to_string(id));
                std::optional<std::string> hash;
                if (password) {
                  check_password(*password, before->username);
                  hash = hash_password(*password);
                }
                Value changed = Value::array();
                if (password) changed.push_back("password");
                if (role) changed.push_back("role");
                if (disabled) changed.push_back("disabled");
                store::User user = ctx.store.db().write([&](store::Connection& c) {
                  auto old = store::find_user(c, id);
                  if (!old) throw ApiError::not_found("no user " + std::to_string(id));
                  if (role && *role != "admin") keep_an_admin(c, *old, "demoted");
                  if (disabled && *disabled) keep_an_admin(c, *old, "disabled");
                  store::update_user(c, id, hash, role, disabled);
                  // A new password or a disabled account ends every session
                  // and token of the user (the old password may be what leaked).
                  int64_t revoked = 0;
                  if (password || (disabled && *disabled)) revoked = store::revoke_user_tokens(c, id);
                  store::append_audit(c, audit_entry(call, "update", "users", std::to_string(id),
                                                     {{"fields", changed}, {"revoked_tokens", revoked}}));
                  return *store::find_user(c, id);
                });
                ctx.auth.forget_all();
                send_json(call.res, 200, user_json(user));
              }});
  router.add({"DELETE", "/api/v1/users/{id}", Role::Admin, "Delete a user and their tokens", [&ctx](Call& call) {
                int64_t id = call.id_param();
                if (id == call.user.user_id) throw ApiError(409, "conflict", "you cannot delete yourself");
                ctx.store.db().write([&](store::Connection& c) {
                  auto old = store::find_user(c, id);
                  if (!old) throw ApiError::not_found("no user " + std::to_string(id));
                  keep_an_admin(c, *old, "deleted");
                  store::delete_user(c, id);
                  store::append_audit(c, audit_entry(call, "delete", "users", std::to_string(id)));
                });
                ctx.auth.forget_all();
                call.res.status = 204;
              }});
}

void add_audit_routes(Router& router, ServerContext& ctx) {
  router.add({"GET", "/api/v1/audit", Role::Admin, "The audit log, newest first", [&ctx](Call& call) {
                QueryReader q(call.req, {"limit", "offset", "resource", "action", "username"});
                Page page = q.page();
                store::AuditFilter f;
                f.resource = q.optional_string("resource");
                f.action = q.optional_string("action");
                f.username = q.optional_string("username");
                f.limit = page.limit;
                f.offset = page.offset;
                auto [entries, total] = ctx.store.db().read([&](store::Connection& c) { return store::list_audit(c, f); });
                Value items = Value::array();
                for (const auto& e : entries)
                  items.push_back({{"id", e.id},
                                   {"time", e.time},
                                   {"user_id", e.user_id ? Value(*e.user_id) : Value(nullptr)},
                                   {"username", e.username},
                                   {"address", e.address},
                                   {"action", e.action},
                                   {"resource", e.resource},
                                   {"resource_id", e.resource_id},
                                   {"details", e.details}});
                send_json(call.res, 200, page_body(items, total, page));
              }});
}

}  // namespace drover::server
