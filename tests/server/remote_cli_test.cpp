// `drover remote` against the real server binary and private sshd hosts:
// a CI pipeline launches a template, follows its output live and gets the
// job's exit code; lists, prints and cancels jobs; bad tokens and missing
// settings are clear errors.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "harness/process.hpp"
#include "harness/sshd_fleet.hpp"
#include "server_fixture.hpp"

namespace drover::test {
namespace {

const char* kPlaybook = R"(- hosts: all
  gather_facts: false
  tasks:
    - name: greet
      debug:
        msg: "{{ greeting | default('hello') }} from {{ inventory_hostname }}"
    - name: fail on one host
      command: /bin/false
      when: inventory_hostname == fail_on | default('none')
    - name: who am i
      command: hostname
)";

struct RemoteCli : ::testing::Test {
  static void SetUpTestSuite() { fleet = new SshdFleet(3); }
  static void TearDownTestSuite() {
    delete fleet;
    fleet = nullptr;
  }
  static SshdFleet* fleet;

  TempDir dir;   // the project root
  TempDir data;  // the data directory
  std::unique_ptr<ServerProcess> server;
  std::unique_ptr<ApiClient> admin;
  int64_t template_id = 0;

  void SetUp() override {
    dir.write("project/site.yml", kPlaybook);
    dir.write("project/slow.yml", "- hosts: localhost\n  gather_facts: false\n  tasks:\n"
                                  "    - command: sleep 53.5\n");
    dir.write("project/local.ini", "localhost ansible_connection=local\n");
    fleet->write_inventory(dir.path() + "/project/hosts.ini");
    ServerProcessOptions o;
    o.data_dir = data.path() + "/var";
    o.extra_args = {"--workers", "2", "--project-root", dir.path(), "--job-user", "root", "--job-show-path",
                    fleet->dir()};
    server = std::make_unique<ServerProcess>(o);
    admin = std::make_unique<ApiClient>(server->url(), kAdminToken);
    auto project =
        admin->post("/api/v1/projects", {{"name", "p"}, {"kind", "local"}, {"path", dir.path() + "/project"}});
    ASSERT_EQ(project.status, 201) << project.body;
    auto t = admin->post("/api/v1/templates", {{"name", "deploy web"},
                                               {"project_id", project.json()["id"]},
                                               {"playbook", "site.yml"},
                                               {"inventory", {{"file", "hosts.ini"}}},
                                               {"ask_variables_on_launch", true},
                                               {"ask_limit_on_launch", true}});
    ASSERT_EQ(t.status, 201) << t.body;
    template_id = t.json()["id"].get<int64_t>();
    auto slow = admin->post("/api/v1/templates", {{"name", "slow"},
                                                  {"project_id", project.json()["id"]},
                                                  {"playbook", "slow.yml"},
                                                  {"inventory", {{"file", "local.ini"}}}});
    ASSERT_EQ(slow.status, 201) << slow.body;
  }

  ProcessResult remote(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    if (!env.count("DROVER_SERVER")) env["DROVER_SERVER"] = server->url();
    if (!env.count("DROVER_TOKEN")) env["DROVER_TOKEN"] = kAdminToken;
    args.insert(args.begin(), "remote");
    ProcessOptions opts;
    opts.env = env;
    opts.timeout_s = 120;
    return run_drover(args, opts);
  }

  std::string stdout_of(const std::string& job) { return admin->get("/api/v1/jobs/" + job + "/stdout").body; }
};
SshdFleet* RemoteCli::fleet = nullptr;

TEST_F(RemoteCli, LaunchFollowPrintsTheRunAsTheServerRecordsItAndExitsWithTheJobsCode) {
  auto ok = remote({"launch", "deploy web", "-e", "greeting=bonjour", "--follow"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("bonjour from host001"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("PLAY RECAP"), std::string::npos) << ok.out;
  EXPECT_NE(ok.err.find("job 1 queued"), std::string::npos) << ok.err;
  // The live output is the run's output as the server keeps it.
  EXPECT_EQ(ok.out, stdout_of("1"));

  auto failed = remote({"launch", std::to_string(template_id), "-e", "fail_on=host002", "-l", "host002,host003", "-f"});
  EXPECT_EQ(failed.exit_code, 2) << failed.err;
  EXPECT_NE(failed.out.find("fatal: [host002]"), std::string::npos) << failed.out;
  EXPECT_EQ(failed.out.find("host001"), std::string::npos) << "the limit was not applied: " << failed.out;
  EXPECT_EQ(failed.out, stdout_of("2"));
}

TEST_F(RemoteCli, LaunchWithoutFollowPrintsTheJobIdForScriptsThatFollowItLater) {
  auto launched = remote({"launch", "deploy web"});
  ASSERT_EQ(launched.exit_code, 0) << launched.err;
  EXPECT_EQ(launched.out, "1\n");
  auto followed = remote({"output", "1", "--follow"});
  EXPECT_EQ(followed.exit_code, 0) << followed.err;
  EXPECT_NE(followed.out.find("PLAY RECAP"), std::string::npos) << followed.out;
  auto printed = remote({"output", "1"});
  EXPECT_EQ(printed.out, followed.out);
  auto jobs = remote({"jobs", "--template", "deploy web"});
  EXPECT_EQ(jobs.exit_code, 0) << jobs.err;
  EXPECT_NE(jobs.out.find("successful"), std::string::npos) << jobs.out;
  EXPECT_NE(jobs.out.find("site.yml"), std::string::npos) << jobs.out;
}

TEST_F(RemoteCli, ACanceledJobEndsTheFollowerWithExitCode99) {
  auto launched = remote({"launch", "slow"});
  ASSERT_EQ(launched.exit_code, 0) << launched.err;
  std::string id = launched.out.substr(0, launched.out.find('\n'));
  // Wait until it runs (the sleep started), then cancel from another shell.
  for (int i = 0; i < 300; ++i) {
    if (admin->get("/api/v1/jobs/" + id).json()["state"] == "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto cancel = remote({"cancel", id});
  EXPECT_EQ(cancel.exit_code, 0) << cancel.err;
  auto followed = remote({"output", id, "-f"});
  EXPECT_EQ(followed.exit_code, 99) << followed.out << followed.err;
  auto again = remote({"cancel", id});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("409"), std::string::npos) << again.err;
}

TEST_F(RemoteCli, WrongTokensMissingSettingsAndUnknownTemplatesAreClearErrors) {
  auto bad = remote({"jobs"}, {{"DROVER_TOKEN", "drv_not_a_token"}});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("the server answered 401"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.find("drv_not_a_token"), std::string::npos) << "the token was printed: " << bad.err;

  auto no_token = remote({"jobs"}, {{"DROVER_TOKEN", ""}});
  EXPECT_EQ(no_token.exit_code, 5);
  EXPECT_NE(no_token.err.find("DROVER_TOKEN"), std::string::npos) << no_token.err;

  auto no_server = remote({"jobs"}, {{"DROVER_SERVER", ""}});
  EXPECT_EQ(no_server.exit_code, 5);
  EXPECT_NE(no_server.err.find("--server"), std::string::npos) << no_server.err;

  auto unknown = remote({"launch", "no such template"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no template named 'no such template'"), std::string::npos) << unknown.err;

  // A viewer may read jobs but not launch: the server's 403 and its reason.
  auto u = admin->post("/api/v1/users", {{"username", "vera"}, {"password", "vera-password-long"}, {"role", "viewer"}});
  ASSERT_EQ(u.status, 201) << u.body;
  auto login = ApiClient(server->url()).post("/api/v1/login", {{"username", "vera"}, {"password", "vera-password-long"}});
  ASSERT_EQ(login.status, 200) << login.body;
  TempDir tokens;
  tokens.write("token", login.json()["token"].get<std::string>() + "\n");
  auto viewer = remote({"--token-file", tokens.path() + "/token", "launch", "deploy web"}, {{"DROVER_TOKEN", ""}});
  EXPECT_EQ(viewer.exit_code, 1);
  EXPECT_NE(viewer.err.find("the server answered 403"), std::string::npos) << viewer.err;
  auto listed = remote({"--token-file", tokens.path() + "/token", "jobs"}, {{"DROVER_TOKEN", ""}});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;

  auto gone = remote({"jobs"}, {{"DROVER_SERVER", "http://127.0.0.1:1"}});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_NE(gone.err.find("cannot reach the server"), std::string::npos) << gone.err;
}

// A CI pipeline starts a workflow and follows it; someone approves (or
// denies) its gate from another shell; the follower exits with the
// workflow's result.
TEST_F(RemoteCli, LaunchWorkflowFollowsItsNodesAndExitsWithItsResultAfterAnApprovalOrADenial) {
  auto w = admin->post("/api/v1/workflows",
                       {{"name", "release"},
                        {"nodes", {{{"id", "gate"}, {"approval", {{"message", "ship it?"}}}, {"on_success", {"deploy"}}},
                                   {{"id", "deploy"}, {"template_id", template_id}}}}});
  ASSERT_EQ(w.status, 201) << w.body;
  auto listed = remote({"workflows"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("release"), std::string::npos) << listed.out;

  auto wait_for_gate = [&](const std::string& id) {
    for (int i = 0; i < 600; ++i) {
      auto r = admin->get("/api/v1/workflow_jobs/" + id);
      if (r.status == 200 && r.json()["nodes"][0]["state"] == "approval") return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  };
  ProcessResult followed;
  std::thread follower([&] { followed = remote({"launch-workflow", "release", "-e", "greeting=salut", "--follow"}); });
  ASSERT_TRUE(wait_for_gate("1"));
  auto approved = remote({"approve", "1", "gate", "-m", "go"});
  follower.join();
  EXPECT_EQ(approved.exit_code, 0) << approved.err;
  EXPECT_NE(approved.out.find("node gate approved"), std::string::npos) << approved.out;
  EXPECT_EQ(followed.exit_code, 0) << followed.out << followed.err;
  EXPECT_NE(followed.err.find("workflow job 1 started"), std::string::npos) << followed.err;
  EXPECT_NE(followed.out.find("node gate: approval: ship it?"), std::string::npos) << followed.out;
  EXPECT_NE(followed.out.find("decide with: drover remote approve 1 gate"), std::string::npos) << followed.out;
  EXPECT_NE(followed.out.find("node deploy: successful (job 1)"), std::string::npos) << followed.out;
  EXPECT_NE(followed.out.find("workflow job 1 successful"), std::string::npos) << followed.out;
  EXPECT_NE(stdout_of("1").find("salut from host001"), std::string::npos) << "the -e vars reached the node's job";

  std::thread denied_follower([&] { followed = remote({"launch-workflow", "release", "-f"}); });
  ASSERT_TRUE(wait_for_gate("2"));
  auto denied = remote({"deny", "2", "gate"});
  denied_follower.join();
  EXPECT_EQ(denied.exit_code, 0) << denied.err;
  EXPECT_EQ(followed.exit_code, 2) << followed.out << followed.err;
  EXPECT_NE(followed.out.find("node deploy: skipped"), std::string::npos) << followed.out;
  EXPECT_NE(followed.out.find("workflow job 2 failed"), std::string::npos) << followed.out;

  auto late = remote({"approve", "2", "gate"});
  EXPECT_EQ(late.exit_code, 1);
  EXPECT_NE(late.err.find("409"), std::string::npos) << late.err;
  auto unknown = remote({"launch-workflow", "no such workflow"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no workflow named 'no such workflow'"), std::string::npos) << unknown.err;
  auto quiet = remote({"launch-workflow", "release"});
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.out, "3\n");
}

}  // namespace
}  // namespace drover::test
