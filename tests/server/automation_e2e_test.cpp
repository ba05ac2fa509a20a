// The end-to-end example of issue 19 (docs/SERVER.md, "Automation"): a push
// to a local bare Git repository runs its post-receive hook, which signs the
// push (openssl) and posts it (curl) to the server's generic webhook; the
// webhook launches the deploy template as its owner on a fleet of private
// sshd hosts, each host gets the pushed commit, and a DingTalk-style robot
// (a local sink checking DingTalk's signature) is told the job succeeded.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "harness/process.hpp"
#include "harness/sshd_fleet.hpp"
#include "server/automation_sinks.hpp"
#include "server/server_fixture.hpp"

namespace drover::test {
namespace {

TEST(AutomationEndToEnd, APushToABareRepositoryDeploysToSshHostsAndNotifiesDingTalk) {
  SshdFleet fleet(3);
  TempDir work;  // the repository, the clone and where the hosts write (all loopback hosts share this disk)
  std::string deployed = work.path() + "/deployed";
  std::filesystem::create_directories(deployed);
  ServerProcessOptions so;
  so.extra_args = {"--job-user", "root", "--job-show-path", fleet.dir()};
  ServerProcess srv(so);
  ApiClient api(srv.url(), srv.admin_token());

  std::string project = srv.data_dir() + "/projects/app";
  std::filesystem::create_directories(project);
  std::ofstream(project + "/deploy.yml") << "- hosts: all\n  gather_facts: false\n  tasks:\n"
                                            "    - copy:\n        content: \"{{ webhook_commit }} by {{ webhook_author }}\\n\"\n"
                                            "        dest: \"{{ deploy_dir }}/{{ inventory_hostname }}.rev\"\n";
  fleet.write_inventory(project + "/hosts.ini", {{"deploy_dir", deployed}});
  auto p = api.post("/api/v1/projects", {{"name", "app"}, {"kind", "local"}, {"path", project}});
  ASSERT_EQ(p.status, 201) << p.body;
  auto t = api.post("/api/v1/templates", {{"name", "app-deploy"},
                                          {"project_id", p.json()["id"]},
                                          {"playbook", "deploy.yml"},
                                          {"inventory", {{"file", "hosts.ini"}}}});
  ASSERT_EQ(t.status, 201) << t.body;
  int64_t template_id = t.json()["id"].get<int64_t>();

  const std::string robot_secret = "SECe2e-robot-secret-42";
  ChatRobotSink robot(robot_secret);
  auto n = api.post("/api/v1/notifications", {{"name", "ding"},
                                              {"template_id", template_id},
                                              {"kind", "dingtalk"},
                                              {"url", robot.url("/dingtalk/robot/send?access_token=e2e")},
                                              {"secret", robot_secret},
                                              {"events", {"succeeded", "failed"}}});
  ASSERT_EQ(n.status, 201) << n.body;
  const std::string hook_secret = "push-hook-secret-0123456789";
  auto w = api.post("/api/v1/webhooks", {{"name", "app-push"},
                                         {"template_id", template_id},
                                         {"service", "generic"},
                                         {"secret", hook_secret},
                                         {"filters", {{"branches", {"main"}}}}});
  ASSERT_EQ(w.status, 201) << w.body;
  std::string hook_url = srv.url() + w.json()["url"].get<std::string>();

  // The bare repository and its post-receive hook: sign and post each ref.
  std::string repo = work.path() + "/app.git";
  ASSERT_EQ(run_process({"git", "init", "-q", "--bare", repo}).exit_code, 0);
  std::string hook = repo + "/hooks/post-receive";
  std::ofstream(hook) << "#!/bin/sh\n"
                         "while read old new ref; do\n"
                         "  author=$(git log -1 --format=%an \"$new\")\n"
                         "  body=$(printf '{\"ref\":\"%s\",\"commit\":\"%s\",\"author\":\"%s\",\"repository\":\"app\"}' "
                         "\"$ref\" \"$new\" \"$author\")\n"
                         "  ts=$(date +%s); id=\"$new-$ts\"\n"
                         "  sig=$(printf '%s' \"$ts.$id.$body\" | openssl dgst -sha256 -hmac '" + hook_secret +
                             "' | sed 's/^.*= //')\n"
                         "  curl -sS -o /dev/null -w '%{http_code}\\n' -H 'Content-Type: application/json' \\\n"
                         "    -H \"X-Drover-Timestamp: $ts\" -H \"X-Drover-Delivery: $id\" \\\n"
                         "    -H \"X-Drover-Signature: sha256=$sig\" --data-binary \"$body\" '" + hook_url +
                             "' >> \"$GIT_DIR/hook.log\"\n"
                         "done\n";
  std::filesystem::permissions(hook, std::filesystem::perms(0755));

  // A developer pushes to main.
  std::string clone = work.path() + "/clone";
  ASSERT_EQ(run_process({"git", "clone", "-q", repo, clone}).exit_code, 0);
  std::ofstream(clone + "/README") << "app\n";
  ProcessOptions in_clone;
  in_clone.cwd = clone;
  auto git = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"git", "-c", "user.name=Dev Eloper", "-c", "user.email=dev@example.net"});
    auto r = run_process(args, in_clone);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  };
  git({"add", "README"});
  git({"commit", "-q", "-m", "first"});
  std::string commit = git({"rev-parse", "HEAD"});
  commit.erase(commit.find_last_not_of("\n") + 1);
  git({"push", "-q", "origin", "HEAD:main"});
  EXPECT_EQ(read_file(repo + "/hook.log"), "202\n") << "the hook's delivery was accepted";

  // The job ran on every host with the pushed commit.
  Value log = api.get("/api/v1/webhooks/" + std::to_string(w.json()["id"].get<int64_t>()) + "/deliveries").json();
  ASSERT_EQ(log["items"].size(), 1u) << log.dump();
  ASSERT_EQ(log["items"][0]["outcome"], "launched") << log.dump();
  int64_t job_id = log["items"][0]["job_id"].get<int64_t>();
  Value job;
  for (int i = 0; i < 1200; ++i) {
    job = api.get("/api/v1/jobs/" + std::to_string(job_id)).json();
    if (job["state"] != "pending" && job["state"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(job["state"], "successful") << job.dump() << api.get("/api/v1/jobs/" + std::to_string(job_id) + "/stdout").body;
  for (const auto& h : fleet.hosts())
    EXPECT_EQ(read_file(deployed + "/" + h.name + ".rev"), commit + " by Dev Eloper\n") << h.name;

  // ... and DingTalk heard of it, signed as DingTalk checks.
  auto got = robot.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].signature_ok) << got[0].query_sign;
  EXPECT_NE(got[0].body.find("app-deploy) succeeded"), std::string::npos) << got[0].body;
}

}  // namespace
}  // namespace drover::test
