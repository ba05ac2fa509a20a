// What the web UI's host and project pages need from the API: a host's
// last gathered facts (GET /api/v1/hosts/{id}/facts, read from the job
// events) and the edit of a project (PATCH /api/v1/projects/{id}), against
// the real server, real jobs and real git.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "server/server_fixture.hpp"

namespace drover::test {
namespace {

class ProjectEditAndFacts : public ::testing::Test {
 protected:
  TempDir root;  // the project root
  std::unique_ptr<ServerProcess> server;

  void SetUp() override {
    // Jobs run as the sandbox's job user: it must read the projects.
    std::filesystem::permissions(root.path(), std::filesystem::perms(0755));
    ServerProcessOptions o;
    o.extra_args = {"--workers", "2", "--project-root", root.path()};
    server = std::make_unique<ServerProcess>(o);
  }
  ApiClient api() const { return ApiClient(server->url(), server->admin_token()); }

  Value wait_until(const std::string& path, const std::string& key,
                   std::initializer_list<const char*> done) {
    Value v;
    for (int i = 0; i < 600; ++i) {
      v = api().get(path).json();
      for (const char* d : done)
        if (v[key] == d) return v;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << path << " never reached a final " << key << ": " << v.dump();
    return v;
  }
  Value run_job(int64_t template_id) {
    auto r = api().post("/api/v1/jobs", {{"template_id", template_id}});
    EXPECT_EQ(r.status, 202) << r.body;
    return wait_until("/api/v1/jobs/" + r.json()["id"].dump(), "state",
                      {"successful", "failed", "error", "canceled"});
  }
  void git(const std::string& dir, const std::string& command) {
    auto r = run_shell("cd " + dir + " && " + command);
    ASSERT_EQ(r.exit_code, 0) << command << "\n" << r.err;
  }
};

TEST_F(ProjectEditAndFacts, AHostShowsTheFactsItsNewestFactGatheringJobGatheredNotASetFact) {
  root.write("p/gather.yml", "- hosts: all\n  gather_facts: true\n  tasks:\n    - debug: msg=hi\n");
  root.write("p/setfact.yml",
             "- hosts: all\n  gather_facts: false\n  tasks:\n    - set_fact:\n        "
             "ansible_system: Plan9\n");
  auto p = api().post("/api/v1/projects",
                      {{"name", "p"}, {"kind", "local"}, {"path", root.path() + "/p"}});
  ASSERT_EQ(p.status, 201) << p.body;
  Value inventory = {{"text", "web1 ansible_connection=local\n"}};
  auto gather = api().post("/api/v1/templates", {{"name", "gather"},
                                                 {"project_id", p.json()["id"]},
                                                 {"playbook", "gather.yml"},
                                                 {"inventory", inventory}});
  ASSERT_EQ(gather.status, 201) << gather.body;
  auto setfact = api().post("/api/v1/templates", {{"name", "setfact"},
                                                  {"project_id", p.json()["id"]},
                                                  {"playbook", "setfact.yml"},
                                                  {"inventory", inventory}});
  ASSERT_EQ(setfact.status, 201) << setfact.body;
  auto host = api().post("/api/v1/hosts", {{"hostname", "web1"}});
  ASSERT_EQ(host.status, 201) << host.body;
  const std::string facts_path = "/api/v1/hosts/" + host.json()["id"].dump() + "/facts";

  auto none = api().get(facts_path);
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(none.json(), (Value{{"facts", nullptr}, {"job_id", nullptr}, {"gathered", nullptr}}));

  Value job = run_job(gather.json()["id"]);
  ASSERT_EQ(job["state"], "successful") << job.dump();
  // A later job's set_fact returns ansible_facts too, but gathers nothing.
  ASSERT_EQ(run_job(setfact.json()["id"])["state"], "successful");

  auto got = api().get(facts_path);
  ASSERT_EQ(got.status, 200) << got.body;
  Value v = got.json();
  EXPECT_EQ(v["job_id"], job["id"]);
  EXPECT_EQ(v["facts"]["ansible_system"], "Linux") << "the gathered facts, not the later set_fact";
  EXPECT_EQ(v["facts"]["module_setup"], true);
  EXPECT_TRUE(v["facts"]["ansible_hostname"].is_string());
  EXPECT_TRUE(v["gathered"].is_string());
  EXPECT_EQ(api().get("/api/v1/hosts/999999/facts").status, 404);
}

TEST_F(ProjectEditAndFacts, ALocalProjectIsRenamedAndMovedWithinTheRootsOnly) {
  root.write("a/site.yml", "- hosts: all\n  tasks: []\n");
  root.write("b/site.yml", "- hosts: all\n  tasks: []\n");
  TempDir outside;
  auto p = api().post("/api/v1/projects",
                      {{"name", "a"}, {"kind", "local"}, {"path", root.path() + "/a"}});
  ASSERT_EQ(p.status, 201) << p.body;
  ASSERT_EQ(api()
                .post("/api/v1/projects",
                      {{"name", "taken"}, {"kind", "local"}, {"path", root.path() + "/b"}})
                .status,
            201);
  const std::string path = "/api/v1/projects/" + p.json()["id"].dump();

  auto moved = api().patch(path, {{"name", "renamed"}, {"path", root.path() + "/b/../b"}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json()["name"], "renamed");
  EXPECT_EQ(moved.json()["path"], root.path() + "/b") << "stored resolved";
  EXPECT_TRUE(moved.json()["sync_job_id"].is_null());

  auto refused = [&](const Value& body, int status, const std::string& field) {
    auto r = api().patch(path, body);
    EXPECT_EQ(r.status, status) << body.dump() << " " << r.body;
    if (!field.empty()) {
      EXPECT_EQ(r.json()["error"]["details"]["field"], field) << r.body;
    }
  };
  refused({{"path", outside.path()}}, 400, "path");
  refused({{"url", "https://example.com/x.git"}}, 400, "url");
  refused({{"kind", "git"}}, 400, "");
  refused({{"name", ""}}, 400, "name");
  refused({{"name", "taken"}}, 409, "name");
  Value now = api().get(path).json();
  EXPECT_EQ(now["name"], "renamed") << "a refused change writes nothing";
  EXPECT_EQ(now["path"], root.path() + "/b");

  auto audit = api().get("/api/v1/audit?resource=projects&action=update").json();
  ASSERT_EQ(audit["total"], 1) << audit.dump();
  EXPECT_EQ(audit["items"][0]["details"]["fields"], (Value{"name", "path"}));
}

TEST_F(ProjectEditAndFacts, AGitProjectWithANewBranchOrUrlIsSyncedAgain) {
  root.write("repos/.keep", "");
  const std::string one = root.path() + "/repos/one", two = root.path() + "/repos/two";
  run_shell("mkdir -p " + one + " " + two);
  const std::string commit = "git -c user.email=t@t -c user.name=t commit -qm";
  git(one, "git init -q -b main && echo main > which && git add which && " + commit + " main");
  git(one, "git checkout -q -b release && echo release > which && " + commit +
               " release -a && git checkout -q main");
  git(two, "git init -q -b main && echo two > which && git add which && " + commit + " two");

  auto p =
      api().post("/api/v1/projects",
                 {{"name", "g"}, {"kind", "git"}, {"url", "file://" + one}, {"branch", "main"}});
  ASSERT_EQ(p.status, 201) << p.body;
  const std::string path = "/api/v1/projects/" + p.json()["id"].dump();
  Value synced = wait_until(path, "sync_state", {"ok", "failed"});
  ASSERT_EQ(synced["sync_state"], "ok") << synced.dump();
  const std::string checkout = synced["path"];
  EXPECT_EQ(read_file(checkout + "/which"), "main\n");

  auto renamed = api().patch(path, {{"name", "g2"}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_TRUE(renamed.json()["sync_job_id"].is_null()) << "a new name needs no sync";

  auto branch = api().patch(path, {{"branch", "release"}});
  ASSERT_EQ(branch.status, 200) << branch.body;
  EXPECT_TRUE(branch.json()["sync_job_id"].is_number_integer());
  ASSERT_EQ(wait_until(path, "sync_state", {"ok", "failed"})["sync_state"], "ok");
  EXPECT_EQ(read_file(checkout + "/which"), "release\n");

  auto url = api().patch(path, {{"url", "file://" + two}, {"branch", ""}});
  ASSERT_EQ(url.status, 200) << url.body;
  ASSERT_EQ(wait_until(path, "sync_state", {"ok", "failed"})["sync_state"], "ok");
  EXPECT_EQ(read_file(checkout + "/which"), "two\n") << "a new url is a fresh clone";

  auto with_path = api().patch(path, {{"path", root.path()}});
  EXPECT_EQ(with_path.status, 400) << with_path.body;
  auto secret_url = api().patch(path, {{"url", "https://user:pw@example.com/x.git"}});
  EXPECT_EQ(secret_url.status, 400) << secret_url.body;
  EXPECT_EQ(secret_url.body.find("pw@"), std::string::npos) << "the URL is not repeated";
}

}  // namespace
}  // namespace drover::test
