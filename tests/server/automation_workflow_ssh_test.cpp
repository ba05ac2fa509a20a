// Launch forms and workflows against the real `drover server` and private
// sshd hosts (issue 19): the answers of a launch form reach the hosts (a
// password never shown back), a workflow waits for an approval given over
// the API, passes set_stats data on, fails mid-way and rolls back, and a
// rolling deploy stops at the batch whose health check fails and takes its
// rollback branch; a push to a workflow's webhook runs a rolling deploy and a
// DingTalk-style sink hears the workflow job start and succeed.
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

bool exists(const std::string& path) { return std::filesystem::exists(path); }

class WorkflowSshTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fleet_ = std::make_unique<SshdFleet>(4);
    out_ = work_.path() + "/out";
    std::filesystem::create_directories(out_);
    ServerProcessOptions so;
    so.extra_args = {"--job-user", "root", "--job-show-path", fleet_->dir()};
    srv_ = std::make_unique<ServerProcess>(so);
    api_ = std::make_unique<ApiClient>(srv_->url(), srv_->admin_token());
    project_dir_ = srv_->data_dir() + "/projects/app";
    std::filesystem::create_directories(project_dir_);
    fleet_->write_inventory(project_dir_ + "/hosts.ini", {{"out", out_}});
    auto p = api_->post("/api/v1/projects", {{"name", "app"}, {"kind", "local"}, {"path", project_dir_}});
    ASSERT_EQ(p.status, 201) << p.body;
    project_ = p.json()["id"].get<int64_t>();
  }

  // A playbook on every host of the fleet, as a template.
  int64_t add_template(const std::string& name, const std::string& tasks, const Value& extra = Value::object()) {
    std::ofstream(project_dir_ + "/" + name + ".yml") << "- hosts: all\n  gather_facts: false\n  tasks:\n" << tasks;
    Value body = {{"name", name}, {"project_id", project_}, {"playbook", name + ".yml"}, {"inventory", {{"file", "hosts.ini"}}}};
    for (auto it = extra.begin(); it != extra.end(); ++it) body[it.key()] = *it;
    auto t = api_->post("/api/v1/templates", body);
    EXPECT_EQ(t.status, 201) << t.body;
    return t.status == 201 ? t.json()["id"].get<int64_t>() : 0;
  }

  Value wait_workflow(int64_t id, const std::string& until_node_state = "", const std::string& node = "") {
    Value wj;
    for (int i = 0; i < 1800; ++i) {
      wj = api_->get("/api/v1/workflow_jobs/" + std::to_string(id)).json();
      if (!until_node_state.empty()) {
        for (const auto& n : wj["nodes"])
          if (n["id"] == node && n["state"] == until_node_state) return wj;
      } else if (wj["state"] != "running") {
        return wj;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "the workflow job did not get there: " << wj.dump();
    return wj;
  }

  Value wait_job(int64_t id) {
    Value job;
    for (int i = 0; i < 1200; ++i) {
      job = api_->get("/api/v1/jobs/" + std::to_string(id)).json();
      if (job["state"] != "pending" && job["state"] != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return job;
  }

  static Value node(const Value& wj, const std::string& id) {
    for (const auto& n : wj["nodes"])
      if (n["id"] == id) return n;
    return Value::object();
  }

  std::string host(int i) const { return fleet_->hosts()[static_cast<size_t>(i)].name; }

  TempDir work_;
  std::string out_, project_dir_;
  std::unique_ptr<SshdFleet> fleet_;
  std::unique_ptr<ServerProcess> srv_;
  std::unique_ptr<ApiClient> api_;
  int64_t project_ = 0;
};

TEST_F(WorkflowSshTest, LaunchFormAnswersReachTheHostsAndBadAnswersAreRefusedNamingTheField) {
  Value form = Value::parse(R"([
    {"variable": "version", "type": "text", "required": true, "max": 20},
    {"variable": "replicas", "type": "integer", "min": 1, "max": 3, "default": 1},
    {"variable": "db_password", "type": "password", "default": "pw-default"},
    {"variable": "target", "type": "hosts"}])");
  int64_t t = add_template("release",
                           "    - copy:\n        content: \"{{ version }} {{ replicas }} {{ db_password }}\\n\"\n"
                           "        dest: \"{{ out }}/{{ inventory_hostname }}.form\"\n",
                           {{"launch_form", form}});
  Value shown = api_->get("/api/v1/templates/" + std::to_string(t)).json();
  EXPECT_EQ(shown["launch_form"][2]["default"], "$encrypted$") << shown.dump();
  ASSERT_EQ(api_->post("/api/v1/hosts", {{"hostname", "web1"}}).status, 201);

  auto refused = [&](const Value& vars) {
    auto r = api_->post("/api/v1/jobs", {{"template_id", t}, {"extra_vars", vars}});
    EXPECT_EQ(r.status, 400) << r.body;
    return r.json()["error"]["details"].value("field", "");
  };
  EXPECT_EQ(refused({{"replicas", 2}}), "extra_vars.version");
  EXPECT_EQ(refused({{"version", "1.0"}, {"replicas", 9}}), "extra_vars.replicas");
  EXPECT_EQ(refused({{"version", "1.0"}, {"debug", true}}), "extra_vars.debug") << "not a question";
  EXPECT_EQ(refused({{"version", "1.0"}, {"target", "db9"}}), "extra_vars.target") << "not in the CMDB";
  auto limit = api_->post("/api/v1/jobs", {{"template_id", t}, {"extra_vars", {{"version", "1"}}}, {"limit", "x"}});
  EXPECT_EQ(limit.status, 400) << "the form opens extra_vars only";

  auto ok = api_->post("/api/v1/jobs", {{"template_id", t},
                                        {"extra_vars", {{"version", "2.1"}, {"db_password", "hunter2-xyz"}, {"target", "web1"}}}});
  ASSERT_EQ(ok.status, 202) << ok.body;
  int64_t job_id = ok.json()["id"].get<int64_t>();
  Value job = wait_job(job_id);
  ASSERT_EQ(job["state"], "successful") << api_->get("/api/v1/jobs/" + std::to_string(job_id) + "/stdout").body;
  for (const auto& h : fleet_->hosts()) EXPECT_EQ(read_file(out_ + "/" + h.name + ".form"), "2.1 1 hunter2-xyz\n");
  std::string seen = api_->get("/api/v1/jobs/" + std::to_string(job_id)).body;
  EXPECT_EQ(seen.find("hunter2"), std::string::npos) << seen;
  EXPECT_NE(seen.find("$encrypted$"), std::string::npos) << seen;

  // The default password, sealed at rest, reaches the hosts too.
  auto dflt = api_->post("/api/v1/jobs", {{"template_id", t}, {"extra_vars", {{"version", "2.2"}}}});
  ASSERT_EQ(dflt.status, 202) << dflt.body;
  ASSERT_EQ(wait_job(dflt.json()["id"].get<int64_t>())["state"], "successful");
  EXPECT_EQ(read_file(out_ + "/" + host(0) + ".form"), "2.2 1 pw-default\n");
  EXPECT_EQ(read_file(srv_->data_dir() + "/drover.db").find("pw-default"), std::string::npos) << "sealed at rest";
}

TEST_F(WorkflowSshTest, AnApprovedWorkflowPassesSetStatsOnFailsMidWayAndRollsBack) {
  int64_t build = add_template("build",
                               "    - set_stats:\n        data:\n          release: \"r{{ 40 + 2 }}\"\n"
                               "      run_once: true\n");
  int64_t deploy = add_template("deploy",
                                "    - copy:\n        content: \"{{ release }}\\n\"\n"
                                "        dest: \"{{ out }}/{{ inventory_hostname }}.release\"\n"
                                "    - fail:\n        msg: the new release does not start here\n"
                                "      when: inventory_hostname == broken_host\n");
  int64_t rollback = add_template("rollback",
                                  "    - copy:\n        content: \"rolled back {{ release }}\\n\"\n"
                                  "        dest: \"{{ out }}/{{ inventory_hostname }}.rollback\"\n");
  int64_t smoke = add_template("smoke", "    - ping:\n");
  auto w = api_->post("/api/v1/workflows",
                      {{"name", "release"},
                       {"extra_vars", {{"broken_host", host(2)}}},
                       {"nodes",
                        {{{"id", "ok"}, {"approval", {{"message", "ship r42?"}}}, {"on_success", {"build"}}},
                         {{"id", "build"}, {"template_id", build}, {"on_success", {"deploy"}}},
                         {{"id", "deploy"}, {"template_id", deploy}, {"on_success", {"smoke"}}, {"on_failure", {"rollback"}}},
                         {{"id", "smoke"}, {"template_id", smoke}},
                         {{"id", "rollback"}, {"template_id", rollback}}}}});
  ASSERT_EQ(w.status, 201) << w.body;
  auto cyc = api_->patch("/api/v1/workflows/" + std::to_string(w.json()["id"].get<int64_t>()),
                         {{"nodes", {{{"id", "a"}, {"template_id", smoke}, {"on_success", {"a"}}}}}});
  EXPECT_EQ(cyc.status, 400) << cyc.body;

  auto l = api_->post("/api/v1/workflows/" + std::to_string(w.json()["id"].get<int64_t>()) + "/launch", Value::object());
  ASSERT_EQ(l.status, 201) << l.body;
  int64_t wj_id = l.json()["id"].get<int64_t>();
  EXPECT_EQ(node(l.json(), "ok")["state"], "approval");
  auto wrong = api_->post("/api/v1/workflow_jobs/" + std::to_string(wj_id) + "/approve", {{"node", "build"}});
  EXPECT_EQ(wrong.status, 409) << wrong.body;
  auto a = api_->post("/api/v1/workflow_jobs/" + std::to_string(wj_id) + "/approve", {{"node", "ok"}, {"comment", "go"}});
  ASSERT_EQ(a.status, 200) << a.body;

  Value wj = wait_workflow(wj_id);
  EXPECT_EQ(wj["state"], "failed") << wj.dump(2);
  EXPECT_EQ(node(wj, "ok")["decided_by"], "admin");
  EXPECT_EQ(node(wj, "build")["state"], "successful");
  EXPECT_EQ(node(wj, "build")["artifacts"]["release"], "r42") << wj.dump(2);
  EXPECT_EQ(node(wj, "deploy")["state"], "failed");
  EXPECT_EQ(node(wj, "smoke")["state"], "skipped");
  EXPECT_EQ(node(wj, "rollback")["state"], "successful");
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(read_file(out_ + "/" + host(i) + ".release"), "r42\n") << host(i);
    EXPECT_EQ(read_file(out_ + "/" + host(i) + ".rollback"), "rolled back r42\n") << host(i);
  }
  Value audit = api_->get("/api/v1/audit?resource=workflow_jobs").json();
  EXPECT_NE(audit.dump().find("\"approve\""), std::string::npos) << audit.dump();
}

TEST_F(WorkflowSshTest, ARollingDeployStopsAtTheUnhealthyBatchAndTakesTheRollbackBranch) {
  int64_t deploy = add_template("deploy", "    - copy:\n        content: \"v2\\n\"\n"
                                          "        dest: \"{{ out }}/{{ inventory_hostname }}.release\"\n");
  // The health check looks at the host: host 2's service "does not come up".
  int64_t health = add_template("health", "    - command: test ! -e {{ out }}/{{ inventory_hostname }}.broken\n"
                                          "      changed_when: false\n");
  int64_t rollback = add_template("rollback", "    - file:\n        path: \"{{ out }}/{{ inventory_hostname }}.release\"\n"
                                              "        state: absent\n"
                                              "    - copy:\n        content: \"rolled back\\n\"\n"
                                              "        dest: \"{{ out }}/{{ inventory_hostname }}.rollback\"\n");
  std::ofstream(out_ + "/" + host(1) + ".broken") << "\n";
  Value hosts = Value::array();
  for (int i = 0; i < 4; ++i) hosts.push_back(host(i));
  auto w = api_->post("/api/v1/workflows",
                      {{"name", "rolling"},
                       {"nodes",
                        {{{"id", "deploy"},
                          {"template_id", deploy},
                          {"rolling", {{"hosts", hosts}, {"batch_size", 1}, {"health_check_template_id", health},
                                       {"max_failed_batches", 0}}},
                          {"on_failure", {"rollback"}}},
                         {{"id", "rollback"}, {"template_id", rollback}}}}});
  ASSERT_EQ(w.status, 201) << w.body;
  auto l = api_->post("/api/v1/workflows/" + std::to_string(w.json()["id"].get<int64_t>()) + "/launch", Value::object());
  ASSERT_EQ(l.status, 201) << l.body;
  Value wj = wait_workflow(l.json()["id"].get<int64_t>());
  EXPECT_EQ(wj["state"], "failed");
  Value d = node(wj, "deploy");
  EXPECT_EQ(d["state"], "failed");
  std::string message = d["message"].get<std::string>();
  EXPECT_NE(message.find("circuit breaker"), std::string::npos) << message;
  EXPECT_NE(message.find("not deployed: " + host(2) + ", " + host(3)), std::string::npos) << message;
  ASSERT_EQ(d["progress"]["results"].size(), 2u) << d.dump(2);
  EXPECT_EQ(d["progress"]["results"][0]["outcome"], "successful");
  EXPECT_EQ(d["progress"]["results"][1]["outcome"], "unhealthy");
  EXPECT_EQ(d["jobs"].size(), 4u) << "deploy + check of batch 1, deploy + check of batch 2";
  EXPECT_EQ(node(wj, "rollback")["state"], "successful");
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(exists(out_ + "/" + host(i) + ".release")) << host(i) << " rolled back or never deployed";
    EXPECT_EQ(read_file(out_ + "/" + host(i) + ".rollback"), "rolled back\n") << host(i);
  }
  // Each batch ran with only its host: batch 2's job touched host 2 alone.
  int64_t second = d["jobs"][2].get<int64_t>();
  EXPECT_EQ(api_->get("/api/v1/jobs/" + std::to_string(second)).json()["spec"]["limit"], host(1));
}

TEST_F(WorkflowSshTest, AServerKilledMidWorkflowFailsTheRunningNodeAtRestartAndRollsBack) {
  int64_t slow = add_template("slow", "    - command: sleep 30\n");
  int64_t rollback = add_template("rollback", "    - copy:\n        content: \"rolled back\\n\"\n"
                                              "        dest: \"{{ out }}/{{ inventory_hostname }}.rollback\"\n");
  auto w = api_->post("/api/v1/workflows",
                      {{"name", "killed"},
                       {"nodes", {{{"id", "slow"}, {"template_id", slow}, {"on_failure", {"rollback"}}},
                                  {{"id", "rollback"}, {"template_id", rollback}}}}});
  ASSERT_EQ(w.status, 201) << w.body;
  auto l = api_->post("/api/v1/workflows/" + std::to_string(w.json()["id"].get<int64_t>()) + "/launch", Value::object());
  ASSERT_EQ(l.status, 201) << l.body;
  int64_t wj_id = l.json()["id"].get<int64_t>();
  int64_t job = node(l.json(), "slow")["job_id"].get<int64_t>();
  for (int i = 0; i < 600 && api_->get("/api/v1/jobs/" + std::to_string(job)).json()["state"] != "running"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  srv_->kill9();
  srv_->start();
  api_ = std::make_unique<ApiClient>(srv_->url(), srv_->admin_token());
  Value wj = wait_workflow(wj_id);
  EXPECT_EQ(wj["state"], "failed") << wj.dump(2);
  EXPECT_EQ(node(wj, "slow")["state"], "failed");
  EXPECT_EQ(node(wj, "rollback")["state"], "successful");
  EXPECT_EQ(api_->get("/api/v1/jobs/" + std::to_string(job)).json()["state"], "error");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(read_file(out_ + "/" + host(i) + ".rollback"), "rolled back\n");
}

// Issue 19's example with a workflow: a push (a generic webhook with a
// token) starts a workflow whose rolling node deploys the pushed commit to
// the fleet two hosts at a time; a DingTalk-style robot (signatures checked
// as DingTalk checks them) hears that the workflow job started and
// succeeded; a schedule of the same workflow refuses a template's override.
TEST_F(WorkflowSshTest, APushStartsARollingDeployWorkflowAndDingTalkHearsItStartAndSucceed) {
  int64_t deploy = add_template("deploy", "    - copy:\n        content: \"{{ webhook_commit }} {{ channel }}\\n\"\n"
                                          "        dest: \"{{ out }}/{{ inventory_hostname }}.commit\"\n");
  Value hosts = Value::array();
  for (int i = 0; i < 4; ++i) hosts.push_back(host(i));
  auto w = api_->post("/api/v1/workflows",
                      {{"name", "push-deploy"},
                       {"extra_vars", {{"channel", "stable"}}},
                       {"nodes", {{{"id", "deploy"}, {"template_id", deploy},
                                   {"rolling", {{"hosts", hosts}, {"batch_size", 2}}}}}}});
  ASSERT_EQ(w.status, 201) << w.body;
  int64_t workflow = w.json()["id"].get<int64_t>();

  const std::string robot_secret = "SECworkflow-robot-secret";
  ChatRobotSink robot(robot_secret);
  auto n = api_->post("/api/v1/notifications", {{"name", "ding"},
                                                {"workflow_id", workflow},
                                                {"kind", "dingtalk"},
                                                {"url", robot.url("/robot/send?access_token=wf")},
                                                {"secret", robot_secret},
                                                {"events", {"started", "succeeded", "failed"}}});
  ASSERT_EQ(n.status, 201) << n.body;
  const std::string hook_secret = "workflow-push-secret-0123456789";
  auto hook = api_->post("/api/v1/webhooks", {{"name", "push"}, {"workflow_id", workflow}, {"service", "generic"},
                                              {"auth", "token"}, {"secret", hook_secret},
                                              {"filters", {{"branches", {"main"}}}}});
  ASSERT_EQ(hook.status, 201) << hook.body;
  EXPECT_EQ(hook.json()["target_kind"], "workflow");
  EXPECT_TRUE(hook.json()["template_id"].is_null());

  const std::string commit = "c0ffee1234567890";
  auto pushed = ApiClient(srv_->url(), hook_secret)
                    .post(hook.json()["url"].get<std::string>(),
                          {{"ref", "refs/heads/main"}, {"commit", commit}, {"author", "dev"}, {"delivery", "push-1"}});
  ASSERT_EQ(pushed.status, 202) << pushed.body;
  int64_t wj_id = pushed.json()["workflow_job_id"].get<int64_t>();
  Value log = api_->get("/api/v1/webhooks/" + std::to_string(hook.json()["id"].get<int64_t>()) + "/deliveries").json();
  EXPECT_EQ(log["items"][0]["workflow_job_id"], wj_id) << log.dump();

  Value wj = wait_workflow(wj_id);
  ASSERT_EQ(wj["state"], "successful") << wj.dump(2);
  Value d = node(wj, "deploy");
  EXPECT_EQ(d["progress"]["results"].size(), 2u) << "two batches of two: " << d.dump(2);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(read_file(out_ + "/" + host(i) + ".commit"), commit + " stable\n") << host(i);
  int64_t first = d["jobs"][0].get<int64_t>();
  EXPECT_EQ(api_->get("/api/v1/jobs/" + std::to_string(first)).json()["spec"]["limit"], host(0) + "," + host(1));

  auto got = robot.wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  std::string bodies;
  for (const auto& r : got) {
    EXPECT_TRUE(r.signature_ok) << r.query_sign;
    bodies += r.body + "\n";
  }
  std::string id = std::to_string(wj_id);
  EXPECT_NE(bodies.find("workflow job " + id + " (push-deploy) started"), std::string::npos) << bodies;
  EXPECT_NE(bodies.find("workflow job " + id + " (push-deploy) succeeded"), std::string::npos) << bodies;

  // A schedule of the workflow: extra_vars only.
  auto refused = api_->post("/api/v1/schedules", {{"name", "nightly"}, {"workflow_id", workflow}, {"cron", "@daily"},
                                                  {"overrides", {{"limit", host(0)}}}});
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(refused.json()["error"]["details"]["field"], "overrides.limit");
  auto nightly = api_->post("/api/v1/schedules", {{"name", "nightly"}, {"workflow_id", workflow}, {"cron", "@daily"},
                                                  {"overrides", {{"extra_vars", {{"channel", "nightly"}}}}}});
  ASSERT_EQ(nightly.status, 201) << nightly.body;
  EXPECT_EQ(nightly.json()["target_kind"], "workflow");
  EXPECT_EQ(nightly.json()["next_runs"].size(), 5u);
}

}  // namespace
}  // namespace drover::test
