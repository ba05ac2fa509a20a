// Accounts under attack (issue 14, sections 1 and 4): the bootstrap admin,
// passwords and usernames, sessions and their end, the last admin, login
// throttling that cannot lock a user out from elsewhere, and the Bearer
// header.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "server/security_http.hpp"
#include "server/server_fixture.hpp"

namespace drover::test {
namespace {

class AccountSecurity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static ApiClient admin() { return ApiClient(server_->url(), server_->admin_token()); }
  static ApiClient anon() { return ApiClient(server_->url()); }
  // A new user; returns its id.
  static int64_t make_user(const std::string& name, const std::string& role,
                           const std::string& password) {
    auto r =
        admin().post("/api/v1/users", {{"username", name}, {"password", password}, {"role", role}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json()["id"].get<int64_t>() : 0;
  }
  static std::string login(const std::string& user, const std::string& password, int expect = 200) {
    auto r = anon().post("/api/v1/login", {{"username", user}, {"password", password}});
    EXPECT_EQ(r.status, expect) << r.body;
    return r.status == 200 ? r.json()["token"].get<std::string>() : "";
  }
  static long status_with(const std::string& token, const std::string& path = "/api/v1/hosts") {
    return ApiClient(server_->url(), token).get(path).status;
  }
  static ServerProcess* server_;
};
ServerProcess* AccountSecurity::server_ = nullptr;

TEST_F(AccountSecurity, TheBearerSchemeIsCaseInsensitiveAndToleratesBlanksButNothingElse) {
  std::string token = kAdminToken;
  auto with = [&](const std::string& value) {
    return raw_request(server_->port(), "GET /api/v1/hosts HTTP/1.1\r\nAuthorization: " + value)
        .status;
  };
  EXPECT_EQ(with("Bearer " + token), 200);
  EXPECT_EQ(with("bearer " + token), 200);
  EXPECT_EQ(with("BEARER " + token), 200);
  EXPECT_EQ(with("Bearer    " + token + "   "), 200);
  EXPECT_EQ(with("Bearer\t" + token), 200);
  EXPECT_EQ(with("Bearer" + token), 401);
  EXPECT_EQ(with("Basic " + token), 401);
  EXPECT_EQ(with("Bearer "), 401);
  EXPECT_EQ(with(token), 401);
  EXPECT_EQ(with("Bearer " + token + " extra"), 401);
}

TEST_F(AccountSecurity, LogoutRevokesTheCallingSessionOnly) {
  make_user("logout-user", "viewer", "logout-user-password");
  std::string first = login("logout-user", "logout-user-password");
  std::string second = login("logout-user", "logout-user-password");
  auto out =
      ApiClient(server_->url(), first).request("POST", "/api/v1/logout", "", "application/json");
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_EQ(status_with(first), 401);
  EXPECT_EQ(status_with(second), 200);
  // An API token is not a session: revoke it with DELETE /tokens/{id}.
  EXPECT_EQ(admin().post("/api/v1/logout", Value::object()).status, 400);
  EXPECT_EQ(status_with(kAdminToken), 200);
}

TEST_F(AccountSecurity, SessionsAreListedAndRevocableLikeTokens) {
  make_user("session-user", "viewer", "session-user-password");
  std::string mine = login("session-user", "session-user-password");
  std::string other = login("session-user", "session-user-password");
  ApiClient me(server_->url(), mine);
  Value list = me.get("/api/v1/sessions").json();
  ASSERT_EQ(list["items"].size(), 2u) << list.dump();
  EXPECT_EQ(list.dump().find(mine), std::string::npos) << "a session's token is never listed";
  int64_t other_id = 0, mine_id = 0;
  for (const auto& s : list["items"]) {
    EXPECT_EQ(s["address"], "127.0.0.1");
    (s["current"].get<bool>() ? mine_id : other_id) = s["id"].get<int64_t>();
  }
  ASSERT_GT(other_id, 0);
  ASSERT_GT(mine_id, 0);
  // Another viewer cannot see or end these sessions; an admin can.
  make_user("nosy-viewer", "viewer", "nosy-viewer-password");
  ApiClient nosy(server_->url(), login("nosy-viewer", "nosy-viewer-password"));
  EXPECT_EQ(nosy.get("/api/v1/sessions?all=true").status, 403);
  EXPECT_EQ(nosy.del("/api/v1/sessions/" + std::to_string(other_id)).status, 404);
  EXPECT_NE(
      admin().get("/api/v1/sessions?all=true").body.find("\"id\":" + std::to_string(other_id)),
      std::string::npos);
  EXPECT_EQ(me.del("/api/v1/sessions/" + std::to_string(other_id)).status, 204);
  EXPECT_EQ(status_with(other), 401);
  EXPECT_EQ(status_with(mine), 200);
  EXPECT_EQ(me.get("/api/v1/sessions").json()["items"].size(), 1u);
}

TEST_F(AccountSecurity, APasswordChangeEndsEverySessionAndTokenOfTheUser) {
  int64_t id = make_user("rotating", "operator", "rotating-password-1");
  std::string session = login("rotating", "rotating-password-1");
  auto api_token = ApiClient(server_->url(), session).post("/api/v1/tokens", {{"name", "ci"}});
  ASSERT_EQ(api_token.status, 201);
  std::string token = api_token.json()["token"];
  // Both are cached by the authenticator now.
  EXPECT_EQ(status_with(session), 200);
  EXPECT_EQ(status_with(token), 200);
  auto r =
      admin().patch("/api/v1/users/" + std::to_string(id), {{"password", "rotating-password-2"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(status_with(session), 401);
  EXPECT_EQ(status_with(token), 401);
  EXPECT_FALSE(login("rotating", "rotating-password-2").empty());
}

TEST_F(AccountSecurity, ChangingYourOwnPasswordNeedsTheCurrentOneAndEndsYourSessions) {
  make_user("self-service", "viewer", "self-service-password-1");
  std::string session = login("self-service", "self-service-password-1");
  std::string other = login("self-service", "self-service-password-1");
  ApiClient me(server_->url(), session);
  auto wrong = me.post("/api/v1/password", {{"current_password", "not-my-password"},
                                            {"new_password", "self-service-password-2"}});
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_EQ(wrong.json()["error"]["details"]["field"], "current_password");
  auto weak = me.post("/api/v1/password",
                      {{"current_password", "self-service-password-1"}, {"new_password", "short"}});
  EXPECT_EQ(weak.status, 400) << weak.body;
  auto ok = me.post("/api/v1/password", {{"current_password", "self-service-password-1"},
                                         {"new_password", "self-service-password-2"}});
  EXPECT_EQ(ok.status, 204) << ok.body;
  EXPECT_EQ(status_with(session), 401);
  EXPECT_EQ(status_with(other), 401);
  login("self-service", "self-service-password-1", 401);
  EXPECT_FALSE(login("self-service", "self-service-password-2").empty());
}

TEST_F(AccountSecurity, ADisabledUsersTokensStayDeadWhenTheUserIsEnabledAgain) {
  int64_t id = make_user("suspended", "operator", "suspended-password");
  std::string session = login("suspended", "suspended-password");
  EXPECT_EQ(status_with(session), 200);
  std::string path = "/api/v1/users/" + std::to_string(id);
  ASSERT_EQ(admin().patch(path, {{"disabled", true}}).status, 200);
  EXPECT_EQ(status_with(session), 401);
  ASSERT_EQ(admin().patch(path, {{"disabled", false}}).status, 200);
  EXPECT_EQ(status_with(session), 401) << "re-enabling must not revive a token issued before";
}

TEST_F(AccountSecurity, TheLastEnabledAdminCannotBeDemotedDisabledOrDeleted) {
  ServerProcess server;
  ApiClient root(server.url(), kAdminToken);
  int64_t admin_id = root.get("/api/v1/users").json()["items"][0]["id"];
  std::string path = "/api/v1/users/" + std::to_string(admin_id);
  EXPECT_EQ(root.patch(path, {{"role", "operator"}}).status, 409);
  EXPECT_EQ(root.patch(path, {{"disabled", true}}).status, 409);
  // A second admin, disabled, does not count.
  auto second = root.post(
      "/api/v1/users",
      {{"username", "second-admin"}, {"password", "second-admin-password"}, {"role", "admin"}});
  ASSERT_EQ(second.status, 201);
  std::string second_path = "/api/v1/users/" + std::to_string(second.json()["id"].get<int64_t>());
  ASSERT_EQ(root.patch(second_path, {{"disabled", true}}).status, 200);
  EXPECT_EQ(root.patch(path, {{"role", "viewer"}}).status, 409);
  // The second admin (enabled) deletes the first; then it is the last one.
  ASSERT_EQ(root.patch(second_path, {{"disabled", false}}).status, 200);
  auto login = ApiClient(server.url())
                   .post("/api/v1/login",
                         {{"username", "second-admin"}, {"password", "second-admin-password"}});
  ASSERT_EQ(login.status, 200);
  ApiClient second_admin(server.url(), login.json()["token"].get<std::string>());
  EXPECT_EQ(second_admin.del(path).status, 204);
  EXPECT_EQ(second_admin.patch(second_path, {{"role", "operator"}}).status, 409);
  EXPECT_EQ(second_admin.get(second_path).json()["role"], "admin");
}

TEST_F(AccountSecurity, FailedLoginsFromOneAddressDoNotLockTheUserOutFromAnother) {
  make_user("targeted", "operator", "targeted-password");
  auto login_from = [&](const std::string& from, const std::string& password) {
    Value body = {{"username", "targeted"}, {"password", password}};
    return raw_request(
               server_->port(),
               "POST /api/v1/login HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " +
                   std::to_string(body.dump().size()),
               body.dump(), from)
        .status;
  };
  for (int i = 0; i < 8; ++i) login_from("127.0.0.2", "guess-" + std::to_string(i));
  EXPECT_EQ(login_from("127.0.0.2", "targeted-password"), 429)
      << "the guessing address is throttled";
  EXPECT_EQ(login_from("127.0.0.1", "targeted-password"), 200) << "the real user elsewhere is not";
}

TEST_F(AccountSecurity, UsernamesAreTrimmedPrintableAndLengthLimited) {
  auto create = [&](const std::string& name) {
    return admin().post("/api/v1/users",
                        {{"username", name}, {"password", "a-good-long-password"}});
  };
  auto trimmed = create("  spaced.user  ");
  ASSERT_EQ(trimmed.status, 201) << trimmed.body;
  EXPECT_EQ(trimmed.json()["username"], "spaced.user");
  EXPECT_FALSE(login(" spaced.user ", "a-good-long-password").empty());
  for (std::string bad :
       {std::string(""), std::string("   "), std::string("tab\tname"), std::string("new\nline"),
        std::string("bell\x07"), std::string("null\0byte", 9), std::string(65, 'a'),
        std::string("admin\u200b"), std::string("semi;colon")}) {
    auto r = create(bad);
    EXPECT_EQ(r.status, 400) << Value(bad).dump() << " " << r.body;
  }
  EXPECT_EQ(create(std::string(64, 'b')).status, 201);
  EXPECT_EQ(create("spaced.user").status, 409) << "the trimmed name is the same user";
}

TEST_F(AccountSecurity, WeakPasswordsAreRefusedForUsersAndTheirChanges) {
  auto create = [&](const std::string& name, const std::string& password) {
    return admin().post("/api/v1/users", {{"username", name}, {"password", password}}).status;
  };
  EXPECT_EQ(create("weak1", "short-pw"), 400);
  EXPECT_EQ(create("weak2", "password1234"), 400) << "a common password";
  EXPECT_EQ(create("weak3user12345", "weak3user12345"), 400) << "the username";
  EXPECT_EQ(create("weak4", "aaaaaaaaaaaaaaaa"), 400) << "too few different characters";
  int64_t id = make_user("strong", "viewer", "strong-enough-password");
  EXPECT_EQ(admin().patch("/api/v1/users/" + std::to_string(id), {{"password", "short"}}).status,
            400);
}

// The bootstrap admin (issue 14, section 1): the same password rule, a
// token that expires, no secrets left in the environment.
TEST(BootstrapSecurity, TheServerRefusesToStartWithAWeakAdminPassword) {
  TempDir dir;
  for (std::string weak : {"admin", "short-pw", "password1234"}) {
    ServerProcessOptions o;
    o.data_dir = dir.path() + "/var";
    o.env = {{"DROVER_ADMIN_PASSWORD", weak}};
    EXPECT_THROW(ServerProcess server(o), std::runtime_error) << weak;
  }
  ServerProcessOptions ok;
  ok.data_dir = dir.path() + "/var";
  ServerProcess server(ok);  // the fixture's password passes the rule
  auto r = ApiClient(server.url())
               .post("/api/v1/login", {{"username", "admin"}, {"password", kAdminPassword}});
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST(BootstrapSecurity, TheFirstAdminTokenExpiresUnlessAskedOtherwise) {
  auto initial_token = [](ServerProcess& server) {
    Value tokens = ApiClient(server.url(), kAdminToken).get("/api/v1/tokens").json();
    for (const auto& t : tokens["items"])
      if (t["name"] == "initial admin token") return t;
    return Value();
  };
  ServerProcess server;
  Value t = initial_token(server);
  ASSERT_TRUE(t.is_object());
  ASSERT_TRUE(t["expires"].is_string()) << t.dump();
  EXPECT_NE(server.startup_output().find("the admin API token expires"), std::string::npos);
  ServerProcess forever({"", {}, {"--admin-token-days", "0"}});
  EXPECT_TRUE(initial_token(forever)["expires"].is_null());
  ServerProcess from_env({"", {{"DROVER_ADMIN_TOKEN_DAYS", "0"}}, {}});
  EXPECT_TRUE(initial_token(from_env)["expires"].is_null());
}

TEST(BootstrapSecurity, BootstrapSecretsAreWipedFromTheServersEnvironment) {
  ServerProcess server;
  std::string environ_text = read_file("/proc/" + std::to_string(server.pid()) + "/environ");
  ASSERT_FALSE(environ_text.empty());
  EXPECT_EQ(environ_text.find(kAdminToken), std::string::npos);
  EXPECT_EQ(environ_text.find(kAdminPassword), std::string::npos);
  // A command the server starts (a job, git) inherits nothing either: the
  // ad-hoc job prints its environment.
  ApiClient api(server.url(), kAdminToken);
  auto job = api.post("/api/v1/jobs", {{"module", "command"},
                                       {"args", "env"},
                                       {"inventory_text", "localhost ansible_connection=local"}});
  ASSERT_EQ(job.status, 202) << job.body;
  std::string path = "/api/v1/jobs/" + std::to_string(job.json()["id"].get<int64_t>());
  for (int i = 0; i < 300 && (api.get(path).json()["state"] == "pending" ||
                              api.get(path).json()["state"] == "running");
       ++i)
    usleep(100000);
  std::string out = api.get(path + "/events").body;
  EXPECT_NE(out.find("PATH="), std::string::npos) << out;
  EXPECT_EQ(out.find("DROVER_ADMIN"), std::string::npos) << out;
  EXPECT_EQ(out.find(kAdminToken), std::string::npos) << out;
}

}  // namespace
}  // namespace drover::test
