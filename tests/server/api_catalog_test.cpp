// Credentials, projects and job templates over HTTP.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "server/server_fixture.hpp"

namespace drover::test {
namespace {

class CatalogApi : public ::testing::Test {
 protected:
  // Local projects must lie under a project root: the tests' TempDirs.
  static void SetUpTestSuite() {
    const char* tmp = std::getenv("TMPDIR");
    server_ = new ServerProcess({"", {}, {"--project-root", tmp && *tmp ? tmp : "/tmp"}});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static ApiClient api() { return ApiClient(server_->url(), server_->admin_token()); }
  // The project once its (background) sync job is over.
  static Value wait_for_sync(const Value& id) {
    for (int i = 0; i < 300; ++i) {
      Value p = api().get("/api/v1/projects/" + id.dump()).json();
      if (p["sync_state"] == "ok" || p["sync_state"] == "failed") return p;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return api().get("/api/v1/projects/" + id.dump()).json();
  }
  static ServerProcess* server_;
};
ServerProcess* CatalogApi::server_ = nullptr;

TEST_F(CatalogApi, CredentialSecretsAreNeverReturnedNorStoredInClear) {
  const std::string secret = "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret-key-material-42\n";
  auto r = api().post("/api/v1/credentials", {{"name", "deploy"}, {"kind", "ssh_key"}, {"username", "ops"}, {"secret", secret}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_FALSE(r.json().contains("secret"));
  EXPECT_EQ(r.json()["username"], "ops");
  int64_t id = r.json()["id"];
  auto got = api().get("/api/v1/credentials/" + std::to_string(id));
  EXPECT_EQ(got.body.find("secret-key-material"), std::string::npos);
  auto list = api().get("/api/v1/credentials");
  EXPECT_EQ(list.body.find("secret-key-material"), std::string::npos);
  auto grep = run_shell("cat " + server_->data_dir() + "/drover.db* | grep -c secret-key-material || true");
  EXPECT_EQ(grep.out, "0\n");
  EXPECT_EQ(api().patch("/api/v1/credentials/" + std::to_string(id), {{"secret", "new"}}).status, 200);
  EXPECT_EQ(api().post("/api/v1/credentials", {{"name", "x"}, {"kind", "token"}, {"secret", "s"}}).status, 400);
  EXPECT_EQ(api().post("/api/v1/credentials", {{"name", "deploy"}, {"kind", "password"}, {"secret", "s"}}).status, 409);
}

TEST_F(CatalogApi, LocalProjectsMustExistAndGitProjectsAreCloned) {
  TempDir repo;
  repo.write("site.yml", "- hosts: all\n  tasks: []\n");
  auto r = api().post("/api/v1/projects", {{"name", "local"}, {"kind", "local"}, {"path", repo.path()}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["sync_state"], "ok");
  EXPECT_EQ(api().post("/api/v1/projects", {{"name", "rel"}, {"kind", "local"}, {"path", "relative/dir"}}).status, 400);

  ASSERT_EQ(run_shell("cd " + repo.path() +
                      " && git init -q -b main && git add site.yml && git -c user.email=t@t -c user.name=t commit -qm init")
                .exit_code,
            0);
  auto g = api().post("/api/v1/projects", {{"name", "git"}, {"kind", "git"}, {"url", "file://" + repo.path()}, {"branch", "main"}});
  ASSERT_EQ(g.status, 201) << g.body;
  Value synced = wait_for_sync(g.json()["id"]);
  EXPECT_EQ(synced["sync_state"], "ok") << synced.dump();
  std::string path = synced["path"];
  EXPECT_EQ(read_file(path + "/site.yml"), "- hosts: all\n  tasks: []\n");
  TempDir not_a_repo;
  auto bad = api().post("/api/v1/projects", {{"name", "broken"}, {"kind", "git"}, {"url", "file://" + not_a_repo.path()}});
  ASSERT_EQ(bad.status, 201) << bad.body;
  EXPECT_EQ(wait_for_sync(bad.json()["id"])["sync_state"], "failed");
}

TEST_F(CatalogApi, TemplatesCheckTheirReferencesAndInventory) {
  TempDir repo;
  auto p = api().post("/api/v1/projects", {{"name", "tpl-project"}, {"kind", "local"}, {"path", repo.path()}});
  ASSERT_EQ(p.status, 201);
  int64_t project = p.json()["id"];
  Value t = {{"name", "deploy-cache"},
             {"project_id", project},
             {"playbook", "site.yml"},
             {"inventory", {{"query", {{"role", "cache"}}}}},
             {"extra_vars", {{"version", "1.2"}}},
             {"forks", 20},
             {"check_mode", true}};
  auto r = api().post("/api/v1/templates", t);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["forks"], 20);
  EXPECT_EQ(r.json()["check_mode"], true);
  EXPECT_TRUE(r.json()["credential_id"].is_null());
  int64_t id = r.json()["id"];
  auto patched = api().patch("/api/v1/templates/" + std::to_string(id), {{"limit", "bj1"}});
  EXPECT_EQ(patched.json()["limit"], "bj1");
  EXPECT_EQ(patched.json()["forks"], 20);

  auto bad = [&](Value change, const std::string& field) {
    Value body = t;
    body["name"] = "other";
    for (auto it = change.begin(); it != change.end(); ++it) body[it.key()] = it.value();
    auto res = api().post("/api/v1/templates", body);
    EXPECT_EQ(res.status, 400) << change.dump() << " " << res.body;
    EXPECT_EQ(res.json()["error"]["details"]["field"], field) << res.body;
  };
  bad({{"project_id", 99999}}, "project_id");
  bad({{"credential_id", 99999}}, "credential_id");
  bad({{"playbook", "../etc/passwd"}}, "playbook");
  bad({{"inventory", {{"query", {{"colour", "red"}}}}}}, "inventory");
  bad({{"inventory", {{"file", "a"}, {"text", "b"}}}}, "inventory");
  bad({{"forks", 0}}, "forks");
  EXPECT_EQ(api().del("/api/v1/projects/" + std::to_string(project)).status, 409) << "a used project stays";
}

}  // namespace
}  // namespace drover::test
