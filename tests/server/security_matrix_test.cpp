// The authorization matrix (issue 14): every route of the live server's
// OpenAPI document (generated from the router) called by every kind of
// caller: no token, a malformed header, an unknown token, an expired token,
// a revoked token, a viewer, an operator and an admin. The first five get
// 401; a role below the route's documented least role (x-drover-role) gets
// 403; at or above it never 401 or 403 (a 400 or 404 for id 999999 is
// fine). The expired token is real: stored by the API, expired in the
// database while the server was stopped.
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <regex>
#include <vector>

#include "server/security_http.hpp"
#include "server/server_fixture.hpp"

namespace drover::test {
namespace {

struct Caller {
  std::string name;
  std::string header;  // the Authorization header value; "" for none
  int rank;            // 0: no valid token; 1 viewer, 2 operator, 3 admin
};

// An API token for a new user with `role`: {id, token}.
std::pair<int64_t, std::string> api_token(const ApiClient& admin, const std::string& url,
                                          const std::string& name, const std::string& role) {
  std::string password = name + "-long-password";
  EXPECT_EQ(
      admin.post("/api/v1/users", {{"username", name}, {"password", password}, {"role", role}})
          .status,
      201);
  auto login = ApiClient(url).post("/api/v1/login", {{"username", name}, {"password", password}});
  EXPECT_EQ(login.status, 200) << login.body;
  auto t = ApiClient(url, login.json().value("token", std::string()))
               .post("/api/v1/tokens", {{"name", "matrix"}});
  EXPECT_EQ(t.status, 201) << t.body;
  return {t.json().value("id", int64_t{0}), t.json().value("token", std::string())};
}

TEST(AuthorizationMatrix, EveryRouteAnswersEveryCallerAsItsDocumentedLeastRoleSays) {
  ServerProcess server;
  ApiClient admin(server.url(), kAdminToken);
  std::string viewer = api_token(admin, server.url(), "matrix-viewer", "viewer").second;
  std::string operator_token = api_token(admin, server.url(), "matrix-operator", "operator").second;
  auto [expired_id, expired] = api_token(admin, server.url(), "matrix-expired", "admin");
  auto [revoked_id, revoked] = api_token(admin, server.url(), "matrix-revoked", "admin");
  ASSERT_EQ(ApiClient(server.url(), expired).get("/api/v1/users").status, 200)
      << "valid before it expires";
  ASSERT_EQ(admin.del("/api/v1/tokens/" + std::to_string(revoked_id)).status, 204);
  server.stop();
  auto expire = run_shell(
      std::string(kSystemPython) + " -c \"import sqlite3; c = sqlite3.connect('" +
      server.data_dir() +
      "/drover.db'); c.execute(\\\"UPDATE tokens SET expires = '2001-01-01T00:00:00.000Z' "
      "WHERE id = " +
      std::to_string(expired_id) + "\\\"); c.commit()\"");
  ASSERT_EQ(expire.exit_code, 0) << expire.err;
  server.start();

  std::vector<Caller> callers = {
      {"no token", "", 0},
      {"malformed", "Bearer", 0},
      {"unknown", "Bearer drv_0000000000000000000000000000000000000000000000000000000000000000", 0},
      {"expired", "Bearer " + expired, 0},
      {"revoked", "Bearer " + revoked, 0},
      {"viewer", "Bearer " + viewer, 1},
      {"operator", "Bearer " + operator_token, 2},
      {"admin", "Bearer " + std::string(kAdminToken), 3}};
  std::map<std::string, int> rank = {{"public", 0}, {"viewer", 1}, {"operator", 2}, {"admin", 3}};
  Value doc = ApiClient(server.url()).get("/api/v1/openapi.json").json();
  int routes = 0;
  for (auto& [path, ops] : doc["paths"].items()) {
    std::string concrete = std::regex_replace(path, std::regex("\\{[^}]+\\}"), "999999");
    for (auto& [method, op] : ops.items()) {
      std::string m = method;
      for (char& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      ASSERT_TRUE(op.contains("x-drover-role")) << m << " " << path;
      int need = rank.at(op["x-drover-role"].get<std::string>());
      ++routes;
      for (const auto& caller : callers) {
        std::string head = m + " " + concrete + " HTTP/1.1";
        if (!caller.header.empty()) head += "\r\nAuthorization: " + caller.header;
        std::string body;
        if (m == "POST" || m == "PUT" || m == "PATCH") {
          body = "{}";
          head += "\r\nContent-Type: application/json";
        }
        head += "\r\nContent-Length: " + std::to_string(body.size());
        HttpResponse r = raw_request(server.port(), head, body);
        std::string where =
            caller.name + " " + m + " " + path + ": " + std::to_string(r.status) + " " + r.body;
        if (need == 0) {
          EXPECT_NE(r.status, 401) << where;
          EXPECT_NE(r.status, 403) << where;
        } else if (caller.rank == 0) {
          EXPECT_EQ(r.status, 401) << where;
        } else if (caller.rank < need) {
          EXPECT_EQ(r.status, 403) << where;
        } else {
          EXPECT_NE(r.status, 401) << where;
          EXPECT_NE(r.status, 403) << where;
        }
        EXPECT_LT(r.status, 500) << where;
      }
    }
  }
  EXPECT_GT(routes, 45);
  // Nothing the matrix did revoked the tokens it uses.
  EXPECT_EQ(ApiClient(server.url(), viewer).get("/api/v1/hosts").status, 200);
}

}  // namespace
}  // namespace drover::test
