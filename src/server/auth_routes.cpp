#include "server/auth_routes.hpp"

#include <memory>

#include "server/account_rules.hpp"
#include "server/api_error.hpp"
#include "server/auth_crypto.hpp"
#include "server/authenticator.hpp"
#include "server/login_limiter.hpp"
#include "server/request.hpp"
#include "store/users.hpp"

namespace drover::server {
namespace {

constexpr int kSessionHours = 12;

Value session_json(const store::TokenInfo& t, const Principal& caller) {
  return {{"id", t.id},           {"user_id", t.user_id}, {"created", t.created},
          {"expires", t.expires ? Value(*t.expires) : Value(nullptr)},
          {"address", t.address}, {"current", t.id == caller.token_id}};
}

Value token_json(const store::TokenInfo& t) {
  return {{"id", t.id},
          {"user_id", t.user_id},
          {"name", t.name},
          {"created", t.created},
          {"expires", t.expires ? Value(*t.expires) : Value(nullptr)},
          {"revoked", t.revoked}};
}

// The Set-Cookie value of a browser session (an empty token and 0 s delete
// it): HttpOnly (no script reads it), SameSite=Strict (no other site's page
// sends it), Secure when the server speaks TLS; Path=/ also covers a UI
// served behind a proxy's path prefix.
std::string session_cookie(const std::string& token, int max_age_s, const ServerContext& ctx) {
  std::string cookie = std::string(Authenticator::kSessionCookie) + "=" + token +
                       "; Path=/; Max-Age=" + std::to_string(max_age_s) + "; HttpOnly; SameSite=Strict";
  if (!ctx.options.tls_cert.empty()) cookie += "; Secure";
  return cookie;
}

}  // namespace

void add_auth_routes(Router& router, ServerContext& ctx) {
  auto limiter = std::make_shared<LoginLimiter>();
  router.add({"POST", "/api/v1/login", Role::Public, "Log in: a session token for a username and password",
              [&ctx, limiter](Call& call) {
                Value body = parse_json_body(call.req, 16 * 1024);
                BodyReader r(body, {"username", "password", "cookie"});
                bool as_cookie = r.optional_bool("cookie").value_or(false);
                std::string username = trim_username(r.required_string("username"));
                if (username.size() > 256) throw ApiError::unauthorized("wrong username or password");
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
                limiter->record_success(call.address, username);
                std::string token = new_token();
                std::string expires = expiry_in(kSessionHours * 3600);
                const store::User& user = found->first;
                ctx.store.db().write([&](store::Connection& c) {
                  store::insert_token(c, user.id, token_hash(token), "session", "login", expires, call.address);
                  store::AuditEntry e = audit_entry(call, "login", "login", std::to_string(user.id));
                  e.user_id = user.id;
                  e.username = user.username;
                  store::append_audit(c, std::move(e));
                });
                Value answer = {{"token", token},
                                {"expires", expires},
                                {"user", {{"id", user.id}, {"username", user.username}, {"role", user.role}}}};
                if (as_cookie) {
                  // A browser's login: the token only in an HttpOnly cookie,
                  // never where a script could read it.
                  answer.erase("token");
                  call.res.set_header("Set-Cookie", session_cookie(token, kSessionHours * 3600, ctx));
                }
                send_json(call.res, 200, answer);
              }});

  router.add({"POST", "/api/v1/password", Role::Viewer,
              "Change your own password ({current_password, new_password}); ends all your sessions and tokens",
              [&ctx, limiter](Call& call) {
                Value body = parse_json_body(call.req, 16 * 1024);
                BodyReader r(body, {"current_password", "new_password"});
                std::string current = r.required_string("current_password");
                std::string next = r.required_string("new_password");
                // Guessing the current password through this route is
                // throttled like login.
                if (int wait = limiter->retry_after(call.address, call.user.username); wait > 0) {
                  call.res.set_header("Retry-After", std::to_string(wait));
                  throw ApiError(429, "rate_limited", "too many failed attempts; retry in " + std::to_string(wait) + " s",
                                 Value{{"retry_after", wait}});
                }
                auto found = ctx.store.db().read(
                    [&](store::Connection& c) { return store::find_user_for_login(c, call.user.username); });
                if (!found || !verify_password(found->second, current)) {
                  limiter->record_failure(call.address, call.user.username);
                  throw ApiError(400, "bad_value", "the current password is wrong", {{"field", "current_password"}});
                }
                if (auto why = password_problem(next, call.user.username))
                  throw ApiError(400, "bad_value", *why, {{"field", "new_password"}});
                std::string hash = hash_password(next);
                ctx.store.db().write([&](store::Connection& c) {
                  store::update_user(c, call.user.user_id, hash, std::nullopt, std::nullopt);
                  int64_t revoked = store::revoke_user_tokens(c, call.user.user_id);
                  store::append_audit(c, audit_entry(call, "update", "users", std::to_string(call.user.user_id),
                                                     {{"fields", {"password"}}, {"revoked_tokens", revoked}}));
                });
                ctx.auth.forget_all();
                call.res.status = 204;
              }});

  router.add({"POST", "/api/v1/tokens", Role::Viewer, "Create a personal API token (shown once)", [&ctx](Call& call) {
                Value body = parse_json_body(call.req, 16 * 1024);
                BodyReader r(body, {"name", "expires_in_days"});
                std::string name = r.required_string("name");
                auto days = r.optional_integer("expires_in_days", 1, 3650);
                std::string token = new_token();
                std::optional<std::string> expires;
                if (days) expires = expiry_in(*days * 86400);
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

  add_session_routes(router, ctx);
}

void add_session_routes(Router& router, ServerContext& ctx) {
  router.add({"POST", "/api/v1/logout", Role::Viewer, "Log out: revoke the session token of this request",
              [&ctx](Call& call) {
                ctx.store.db().write([&](store::Connection& c) {
                  auto t = store::find_token(c, call.user.token_id);
                  if (!t || t->kind != "session")
                    throw ApiError::bad_request("this request carries an API token, not a session; revoke it with "
                                                "DELETE /api/v1/tokens/{id}");
                  store::revoke_token(c, t->id);
                  store::append_audit(c, audit_entry(call, "logout", "sessions", std::to_string(t->id)));
                });
                ctx.auth.forget_all();
                call.res.set_header("Set-Cookie", session_cookie("", 0, ctx));
                call.res.status = 204;
              }});

  router.add({"GET", "/api/v1/me", Role::Viewer, "Who the caller is: {id, username, role}", [](Call& call) {
                send_json(call.res, 200,
                          {{"id", call.user.user_id},
                           {"username", call.user.username},
                           {"role", role_name(call.user.role)}});
              }});

  router.add({"GET", "/api/v1/sessions", Role::Viewer, "List live login sessions (your own; admin: ?all=true)",
              [&ctx](Call& call) {
                QueryReader q(call.req, {"all"});
                bool all = q.optional_bool("all").value_or(false);
                if (all && call.user.role < Role::Admin)
                  throw ApiError::forbidden("only admin may list every user's sessions");
                auto sessions = ctx.store.db().read([&](store::Connection& c) {
                  return store::list_sessions(c, all ? 0 : call.user.user_id, store::now_timestamp());
                });
                Value items = Value::array();
                for (const auto& t : sessions) items.push_back(session_json(t, call.user));
                Page page{static_cast<int64_t>(sessions.size()), 0};
                send_json(call.res, 200, page_body(items, static_cast<int64_t>(sessions.size()), page));
              }});

  router.add({"DELETE", "/api/v1/sessions/{id}", Role::Viewer, "Revoke a login session (yours; admin: any)",
              [&ctx](Call& call) {
                int64_t id = call.id_param();
                ctx.store.db().write([&](store::Connection& c) {
                  auto t = store::find_token(c, id);
                  if (!t || t->kind != "session" || (t->user_id != call.user.user_id && call.user.role < Role::Admin))
                    throw ApiError::not_found("no session " + std::to_string(id));
                  store::revoke_token(c, id);
                  store::append_audit(c, audit_entry(call, "revoke", "sessions", std::to_string(id)));
                });
                ctx.auth.forget_all();
                call.res.status = 204;
              }});
}

}  // namespace drover::server
