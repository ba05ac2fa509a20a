#include "server/auth_routes.hpp"

#include <chrono>
#include <ctime>
#include <memory>

#include "server/api_error.hpp"
#include "server/auth_crypto.hpp"
#include "server/login_limiter.hpp"
#include "server/request.hpp"
#include "store/users.hpp"

namespace drover::server {
namespace {

constexpr int kSessionHours = 12;

// An ISO 8601 UTC timestamp `seconds` from now, in now_timestamp()'s form.
std::string timestamp_in(int64_t seconds) {
  std::time_t t = std::time(nullptr) + static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[80];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buf;
}

Value token_json(const store::TokenInfo& t) {
  return {{"id", t.id},
          {"user_id", t.user_id},
          {"name", t.name},
          {"created", t.created},
          {"expires", t.expires ? Value(*t.expires) : Value(nullptr)},
          {"revoked", t.revoked}};
}

}  // namespace

void add_auth_routes(Router& router, ServerContext& ctx) {
  auto limiter = std::make_shared<LoginLimiter>();
  router.add({"POST", "/api/v1/login", Role::Public, "Log in: a session token for a username and password",
              [&ctx, limiter](Call& call) {
                Value body = parse_json_body(call.req, 16 * 1024);
                BodyReader r(body, {"username", "password"});
                std::string username = r.required_string("username");
                std::string password = r.optional_string("password").value_or("");
                if (int wait = limiter->retry_after(call.address, username); wait > 0) {
                  call.res.set_header("Retry-After", std::to_string(wait));
                  throw ApiError(429, "rate_limited", "too many failed logins; retry in " + std::to_string(wait) + " s",
                                 Value{{"retry_after", wait}});
                }
                auto found = ctx.store.db().read(
                    [&](store::Connection& c) { return store::find_user_for_login(c, username); });
                // Verify against a dummy hash for unknown users so that timing
                // does not tell which usernames exist.
                static const std::string dummy = hash_password("drover-dummy-password");
                bool ok = verify_password(found ? found->second : dummy, password) && found && !found->first.disabled;
                if (!ok) {
                  limiter->record_failure(call.address, username);
                  ctx.store.db().write([&](store::Connection& c) {
                    store::AuditEntry e = audit_entry(call, "login_failed", "login", "", {{"username", username}});
                    e.username = username;
                    store::append_audit(c, std::move(e));
                  });
                  throw ApiError::unauthorized("wrong username or password");
                }
                limiter->record_success(username);
                std::string token = new_token();
                std::string expires = timestamp_in(kSessionHours * 3600);
                const store::User& user = found->first;
                ctx.store.db().write([&](store::Connection& c) {
                  store::insert_token(c, user.id, token_hash(token), "session", "login", expires);
                  store::AuditEntry e = audit_entry(call, "login", "login", std::to_string(user.id));
                  e.user_id = user.id;
                  e.username = user.username;
                  store::append_audit(c, std::move(e));
                });
                send_json(call.res, 200,
                          {{"token", token},
                           {"expires", expires},
                           {"user", {{"id", user.id}, {"username", user.username}, {"role", user.role}}}});
              }});

  router.add({"POST", "/api/v1/tokens", Role::Viewer, "Create a personal API token (shown once)", [&ctx](Call& call) {
                Value body = parse_json_body(call.req, 16 * 1024);
                BodyReader r(body, {"name", "expires_in_days"});
                std::string name = r.required_string("name");
                auto days = r.optional_integer("expires_in_days", 1, 3650);
                std::string token = new_token();
                std::optional<std::string> expires;
                if (days) expires = timestamp_in(*days * 86400);
                store::TokenInfo info = ctx.store.db().write([&](store::Connection& c) {
                  store::TokenInfo t = store::insert_token(c, call.user.user_id, token_hash(token), "api", name, expires);
                  store::append_audit(c, audit_entry(call, "create", "tokens", std::to_string(t.id), {{"name", name}}));
                  return t;
                });
                Value out = token_json(info);
                out["token"] = token;
                send_json(call.res, 201, out);
              }});

  router.add({"GET", "/api/v1/tokens", Role::Viewer, "List API tokens (your own; admin: ?all=true)", [&ctx](Call& call) {
                QueryReader q(call.req, {"all", "limit", "offset"});
                bool all = q.optional_bool("all").value_or(false);
                Page page = q.page();
                if (all && call.user.role < Role::Admin) throw ApiError::forbidden("only admin may list every user's tokens");
                auto [tokens, total] = ctx.store.db().read([&](store::Connection& c) {
                  return store::list_tokens_page(c, all ? 0 : call.user.user_id, page.limit, page.offset);
                });
                Value items = Value::array();
                for (const auto& t : tokens) items.push_back(token_json(t));
                send_json(call.res, 200, page_body(items, total, page));
              }});

  router.add({"DELETE", "/api/v1/tokens/{id}", Role::Viewer, "Revoke an API token (yours; admin: any)",
              [&ctx](Call& call) {
                int64_t id = call.id_param();
                ctx.store.db().write([&](store::Connection& c) {
                  auto t = store::find_token(c, id);
                  if (!t || t->kind != "api" || (t->user_id != call.user.user_id && call.user.role < Role::Admin))
                    throw ApiError::not_found("no token " + std::to_string(id));
                  store::revoke_token(c, id);
                  store::append_audit(c, audit_entry(call, "revoke", "tokens", std::to_string(id)));
                });
                ctx.auth.forget_all();
                call.res.status = 204;
              }});
}

}  // namespace drover::server
