// Documentation of auth_routes.cpp and user_routes.cpp: login, API tokens,
// users, the audit log.
#include "server/api_docs.hpp"

namespace drover::server {

using namespace schema;

void add_auth_docs(ApiDocs& docs, Value& components) {
  const std::vector<std::string> roles = {"admin", "operator", "viewer"};
  components["User"] = open({{"id", integer(1)},
                             {"username", str()},
                             {"role", enum_of(roles)},
                             {"disabled", boolean()},
                             {"created", timestamp()},
                             {"updated", timestamp()}},
                            {"id", "username", "role", "disabled", "created", "updated"});
  components["Token"] = open({{"id", integer(1)},
                              {"user_id", integer(1)},
                              {"name", str()},
                              {"created", timestamp()},
                              {"expires", nullable(timestamp())},
                              {"revoked", boolean()}},
                             {"id", "user_id", "name", "created", "expires", "revoked"});
  components["NewToken"] = {
      {"allOf",
       Value::array({ref("Token"),
                     open({{"token", str("the secret: shown only in this answer")}}, {"token"})})}};
  components["Session"] =
      open({{"token", str("the session token (Authorization: Bearer <token>); absent after a login with "
                          "cookie: true, whose token is only in the HttpOnly drover_session cookie")},
            {"expires", timestamp()},
            {"user", open({{"id", integer(1)}, {"username", str()}, {"role", enum_of(roles)}},
                          {"id", "username", "role"})}},
           {"expires", "user"});
  components["Me"] = open({{"id", integer(1)}, {"username", str()}, {"role", enum_of(roles)}},
                          {"id", "username", "role"});
  components["AuditEntry"] =
      open({{"id", integer(1)},
            {"time", timestamp()},
            {"user_id", nullable(integer(1))},
            {"username", str()},
            {"address", str("the client's IP address")},
            {"action", str("create, update, delete, login, login_failed, submit, cancel, ...")},
            {"resource", str("hosts, users, jobs, ...")},
            {"resource_id", str()},
            {"details", any_object()}},
           {"id", "time", "user_id", "username", "action", "resource", "resource_id"});
  components["UserPage"] = page_schema("User");
  components["TokenPage"] = page_schema("Token");
  components["AuditEntryPage"] = page_schema("AuditEntry");

  docs["POST /api/v1/login"] = {
      .body = obj({{"username", str()},
                   {"password", str()},
                   {"cookie", described(boolean(), "a browser's login: the session in an HttpOnly, "
                                                   "SameSite=Strict cookie instead of the answer; writes "
                                                   "then need the X-Drover-CSRF header")}},
                  {"username"}),
      .responses = {
          ok(ref("Session"), "logged in: a session token for 12 hours"),
          err(401, "wrong username or password, or the user is disabled"),
          err(429, "too many failed logins from this address or for this user; see Retry-After")}};
  docs["GET /api/v1/me"] = {.responses = {ok(ref("Me"), "the caller (token or session cookie)")}};
  docs["POST /api/v1/tokens"] = {
      .body = obj({{"name", str()}, {"expires_in_days", integer(1, 3650)}}, {"name"}),
      .responses = {created(ref("NewToken"), "the token, with its secret (shown once)")}};
  std::vector<Value> token_query = page_params();
  token_query.insert(token_query.begin(),
                     query("all", boolean(), "every user's tokens (admin only)"));
  docs["GET /api/v1/tokens"] = {
      .query = token_query,
      .responses = {ok(page_of("Token")), err(400), err(403, "all=true by a non-admin")}};
  docs["DELETE /api/v1/tokens/{id}"] = {
      .responses = {no_content("revoked"),
                    err(404, "no API token with this id that the caller may revoke")}};

  components["Session"]["description"] = "a login's answer";
  components["LoginSession"] =
      open({{"id", integer(1)},
            {"user_id", integer(1)},
            {"created", timestamp()},
            {"expires", nullable(timestamp())},
            {"address", str("the address it logged in from")},
            {"current", described(boolean(), "the session of this request")}},
           {"id", "user_id", "created", "expires", "address", "current"});
  components["LoginSessionPage"] = page_schema("LoginSession");
  // One page holds every live session: limit is their number (0 for none).
  components["LoginSessionPage"]["properties"]["limit"] =
      described(integer(0), "the number of items");
  docs["POST /api/v1/password"] = {
      .body = obj(
          {{"current_password", str()}, {"new_password", str("the password rule of POST /users")}},
          {"current_password", "new_password"}),
      .responses = {
          no_content("changed; every session and token of the caller is revoked"),
          err(400, "the current password is wrong, or the new one breaks the password rule"),
          err(429, "too many wrong current passwords; see Retry-After")}};
  docs["POST /api/v1/logout"] = {
      .responses = {no_content("the session of this request is revoked"),
                    err(400, "the request carries an API token, not a session")}};
  docs["GET /api/v1/sessions"] = {
      .query = {query("all", boolean(), "every user's sessions (admin only)")},
      .responses = {ok(page_of("LoginSession"), "live sessions (one page: all of them)"), err(400),
                    err(403, "all=true by a non-admin")}};
  docs["DELETE /api/v1/sessions/{id}"] = {
      .responses = {no_content("revoked"),
                    err(404, "no live session with this id that the caller may revoke")}};

  docs["GET /api/v1/users"] = {.query = page_params(),
                               .responses = {ok(page_of("User")), err(400)}};
  docs["POST /api/v1/users"] = {
      .body = obj({{"username", str()},
                   {"password", described(str(), "the password rule (docs/SERVER.md, Accounts)")},
                   {"role", described(enum_of(roles), "viewer when absent")}},
                  {"username", "password"}),
      .responses = {created(ref("User")), err(409, "a user with this username exists")}};
  docs["GET /api/v1/users/{id}"] = {.responses = {ok(ref("User")), err(404)}};
  docs["PATCH /api/v1/users/{id}"] = {
      .body = obj({{"password", described(str(), "the password rule (docs/SERVER.md, Accounts)")},
                   {"role", enum_of(roles)},
                   {"disabled", boolean()}}),
      .responses = {ok(ref("User")), err(404),
                    err(409, "would demote or disable the last enabled admin")}};
  docs["DELETE /api/v1/users/{id}"] = {
      .responses = {no_content("deleted, with their tokens"), err(404),
                    err(409, "the caller's own user, or the last enabled admin")}};

  std::vector<Value> audit_query = page_params();
  audit_query.push_back(
      query("resource", str(), "only entries about this resource (hosts, users, jobs, ...)"));
  audit_query.push_back(
      query("action", str(), "only this action (create, delete, login_failed, ...)"));
  audit_query.push_back(query("username", str(), "only this user's entries"));
  docs["GET /api/v1/audit"] = {.query = audit_query,
                               .responses = {ok(page_of("AuditEntry")), err(400)}};
}

}  // namespace drover::server
