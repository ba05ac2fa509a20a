// Schedules, incoming webhooks and notifications against the real server:
// a run-once schedule launches its template, a GitHub-signed push launches
// with the commit, branch and author as extra vars (a wrong secret and a
// replay are refused and logged), and a job's end reaches DingTalk, Feishu,
// WeCom, Slack, a generic webhook and an SMTP server, signed as each
// service checks it; a robot with the wrong secret is retried.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "server/automation/signatures.hpp"
#include "server/automation_sinks.hpp"
#include "server/server_fixture.hpp"
#include "store/sqlite.hpp"

namespace drover::test {
namespace {

using server::hmac_sha256;
using server::to_hex;

size_t keep(char* d, size_t s, size_t n, void* out) {
  static_cast<std::string*>(out)->append(d, s * n);
  return s * n;
}

// POST with the headers a webhook service sends.
std::pair<long, std::string> deliver(const std::string& url, const std::string& body,
                                     const std::vector<std::string>& headers) {
  CURL* h = curl_easy_init();
  curl_slist* list = curl_slist_append(nullptr, "Content-Type: application/json");
  for (const auto& x : headers) list = curl_slist_append(list, x.c_str());
  std::string answer;
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer);
  curl_easy_perform(h);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(list);
  curl_easy_cleanup(h);
  return {status, answer};
}

class Automation : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string project = srv_.data_dir() + "/projects/site";
    std::filesystem::create_directories(project);
    std::ofstream(project + "/site.yml")
        << "- hosts: all\n  gather_facts: false\n  tasks:\n"
           "    - debug: msg=\"commit {{ webhook_commit | default('none') }} on {{ webhook_branch | default('-') }}\"\n";
    std::filesystem::permissions(project, std::filesystem::perms(0755));
    std::filesystem::permissions(project + "/site.yml", std::filesystem::perms(0644));
    auto p = api_.post("/api/v1/projects", {{"name", "site"}, {"kind", "local"}, {"path", project}});
    ASSERT_EQ(p.status, 201) << p.body;
    auto t = api_.post("/api/v1/templates", {{"name", "deploy"},
                                             {"project_id", p.json()["id"]},
                                             {"playbook", "site.yml"},
                                             {"inventory", {{"text", "localhost ansible_connection=local\n"}}}});
    ASSERT_EQ(t.status, 201) << t.body;
    template_id_ = t.json()["id"].get<int64_t>();
  }

  Value wait_job(int64_t id, int timeout_s = 90) {
    Value job;
    for (int i = 0; i < timeout_s * 10; ++i) {
      job = api_.get("/api/v1/jobs/" + std::to_string(id)).json();
      std::string state = job.value("state", "");
      if (state != "pending" && state != "running") return job;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "job " << id << " did not end: " << job.dump();
    return job;
  }

  ServerProcess srv_;
  ApiClient api_{srv_.url(), srv_.admin_token()};
  int64_t template_id_ = 0;
};

TEST_F(Automation, ARunOnceScheduleLaunchesItsTemplateAsItsOwnerAndThenHasNoNextRun) {
  // Seconds of margin: on a loaded machine the POST must still be before run_at.
  auto at = std::chrono::system_clock::now() + std::chrono::seconds(8);
  std::string run_at = store::timestamp_at(at);
  auto r = api_.post("/api/v1/schedules", {{"name", "soon"}, {"template_id", template_id_}, {"run_at", run_at}});
  ASSERT_EQ(r.status, 201) << r.body;
  int64_t id = r.json()["id"].get<int64_t>();
  EXPECT_EQ(r.json()["next_runs"].size(), 1u);
  Value runs;
  for (int i = 0; i < 600 && (runs.is_null() || runs["items"].empty()); ++i) {
    runs = api_.get("/api/v1/schedules/" + std::to_string(id) + "/runs").json();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(runs["items"].size(), 1u) << runs.dump();
  EXPECT_EQ(runs["items"][0]["outcome"], "launched");
  Value job = wait_job(runs["items"][0]["job_id"].get<int64_t>());
  EXPECT_EQ(job["state"], "successful") << job.dump();
  EXPECT_EQ(job["created_by"], 1) << "launched as the admin who made the schedule";
  Value after = api_.get("/api/v1/schedules/" + std::to_string(id)).json();
  EXPECT_TRUE(after["next_run"].is_null()) << after.dump();
  EXPECT_TRUE(after["next_runs"].empty());
}

TEST_F(Automation, SchedulesShowTheirNextRunsInTheirTimeZoneAndRefuseBadOnes) {
  auto r = api_.post("/api/v1/schedules", {{"name", "berlin"},
                                           {"template_id", template_id_},
                                           {"cron", "30 2 * * *"},
                                           {"time_zone", "Europe/Berlin"}});
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_EQ(r.json()["next_runs"].size(), 5u);
  for (const auto& t : r.json()["next_runs"]) {
    std::string s = t.get<std::string>();
    EXPECT_TRUE(s.find("T00:30:00") != std::string::npos || s.find("T01:30:00") != std::string::npos) << s;
  }
  auto bad_cron = api_.post("/api/v1/schedules", {{"name", "b"}, {"template_id", template_id_}, {"cron", "* * *"}});
  EXPECT_EQ(bad_cron.status, 400);
  EXPECT_EQ(bad_cron.json()["error"]["details"]["field"], "cron");
  auto bad_zone = api_.post("/api/v1/schedules",
                            {{"name", "b"}, {"template_id", template_id_}, {"cron", "@daily"}, {"time_zone", "Moon/Base"}});
  EXPECT_EQ(bad_zone.json()["error"]["details"]["field"], "time_zone");
  auto override = api_.post("/api/v1/schedules", {{"name", "b"},
                                                  {"template_id", template_id_},
                                                  {"cron", "@daily"},
                                                  {"overrides", {{"limit", "web1"}}}});
  EXPECT_EQ(override.status, 400) << "the template does not prompt for a limit: " << override.body;
  auto disabled = api_.patch("/api/v1/schedules/" + std::to_string(r.json()["id"].get<int64_t>()), {{"enabled", false}});
  EXPECT_TRUE(disabled.json()["next_runs"].empty());
  EXPECT_TRUE(disabled.json()["next_run"].is_null());
}

TEST_F(Automation, AGitHubPushSignedWithTheSecretLaunchesWithCommitBranchAndAuthor) {
  const std::string secret = "github-secret-0123456789";
  auto w = api_.post("/api/v1/webhooks", {{"name", "gh"},
                                          {"template_id", template_id_},
                                          {"service", "github"},
                                          {"secret", secret},
                                          {"filters", {{"branches", {"main"}}}}});
  ASSERT_EQ(w.status, 201) << w.body;
  EXPECT_FALSE(w.json().contains("secret")) << "a given secret is never answered";
  std::string hook = srv_.url() + w.json()["url"].get<std::string>();
  std::string webhook = "/api/v1/webhooks/" + std::to_string(w.json()["id"].get<int64_t>());
  EXPECT_EQ(api_.get(webhook).body.find(secret), std::string::npos);

  std::string body = Value{{"ref", "refs/heads/main"},
                           {"after", "abc123"},
                           {"repository", {{"full_name", "ops/site"}}},
                           {"pusher", {{"name", "alice"}}},
                           {"commits", Value::array()}}
                         .dump();
  auto sign = [&](const std::string& key) { return "X-Hub-Signature-256: sha256=" + to_hex(hmac_sha256(key, body)); };
  auto forged = deliver(hook, body, {"X-GitHub-Event: push", "X-GitHub-Delivery: d-1", sign("wrong-secret-0123456")});
  EXPECT_EQ(forged.first, 401) << forged.second;
  auto real = deliver(hook, body, {"X-GitHub-Event: push", "X-GitHub-Delivery: d-1", sign(secret)});
  ASSERT_EQ(real.first, 202) << real.second << " (the forged one did not burn the delivery id)";
  int64_t job_id = Value::parse(real.second)["job_id"].get<int64_t>();
  auto replay = deliver(hook, body, {"X-GitHub-Event: push", "X-GitHub-Delivery: d-1", sign(secret)});
  EXPECT_EQ(replay.first, 409) << replay.second;

  Value job = wait_job(job_id);
  EXPECT_EQ(job["state"], "successful") << job.dump();
  EXPECT_EQ(job["spec"]["extra_vars"]["webhook_commit"], "abc123");
  EXPECT_EQ(job["spec"]["extra_vars"]["webhook_branch"], "main");
  EXPECT_EQ(job["spec"]["extra_vars"]["webhook_author"], "alice");
  EXPECT_NE(api_.get("/api/v1/jobs/" + std::to_string(job_id) + "/stdout").body.find("commit abc123 on main"),
            std::string::npos);

  Value log = api_.get(webhook + "/deliveries").json();
  ASSERT_EQ(log["items"].size(), 3u) << log.dump();
  EXPECT_EQ(log["items"][0]["outcome"], "duplicate");
  EXPECT_EQ(log["items"][1]["outcome"], "launched");
  EXPECT_EQ(log["items"][1]["job_id"], job_id);
  EXPECT_EQ(log["items"][2]["outcome"], "rejected");
  EXPECT_EQ(log["items"][2]["status"], 401);
  Value audit = api_.get("/api/v1/audit?action=webhook").json();
  EXPECT_EQ(audit["total"], 1) << audit.dump();
}

TEST_F(Automation, AFloodOfForgedDeliveriesKeepsOnlyTheNewestRejectionsInTheLog) {
  auto w = api_.post("/api/v1/webhooks", {{"name", "gl"}, {"template_id", template_id_}, {"service", "gitlab"},
                                          {"secret", "gitlab-secret-0123456789"}});
  ASSERT_EQ(w.status, 201) << w.body;
  std::string hook = srv_.url() + w.json()["url"].get<std::string>();
  std::string body = Value{{"ref", "refs/heads/main"}}.dump();
  for (int i = 0; i < 230; ++i)
    ASSERT_EQ(deliver(hook, body, {"X-Gitlab-Event: Push Hook", "X-Gitlab-Token: guess-" + std::to_string(i)}).first,
              401);
  Value log = api_.get("/api/v1/webhooks/" + std::to_string(w.json()["id"].get<int64_t>()) + "/deliveries?limit=1").json();
  EXPECT_EQ(log["total"], 200) << "the newest 200 rejections";
  EXPECT_EQ(log["items"][0]["outcome"], "rejected");
  EXPECT_EQ(log["items"][0]["message"], "X-Gitlab-Token is not the secret");
  EXPECT_NE(ApiClient(srv_.url()).get("/metrics").body.find("drover_webhook_deliveries{outcome=\"rejected\"} 200"),
            std::string::npos);
}

TEST_F(Automation, AJobsEndReachesEveryKindOfNotificationSignedAsTheServiceChecksIt) {
  const std::string robot_secret = "SECrobot-secret-0123456789";
  ChatRobotSink robots(robot_secret);
  SmtpSink smtp;
  auto add = [&](const Value& n) {
    auto r = api_.post("/api/v1/notifications", n);
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.body.find(robot_secret), std::string::npos) << "the secret is never answered";
    return r.json().value("id", int64_t{0});
  };
  Value base = {{"template_id", template_id_}, {"events", {"started", "succeeded", "failed"}}};
  auto with = [&](Value extra) {
    Value v = base;
    v.update(extra);
    return v;
  };
  add(with({{"name", "ding"}, {"kind", "dingtalk"}, {"url", robots.url("/dingtalk/robot/send?access_token=t1")},
            {"secret", robot_secret}}));
  add(with({{"name", "lark"}, {"kind", "feishu"}, {"url", robots.url("/feishu/hook/abc")}, {"secret", robot_secret},
            {"events", {"succeeded"}}}));
  add(with({{"name", "wecom"}, {"kind", "wecom"}, {"url", robots.url("/wecom/send?key=k")}, {"events", {"succeeded"}}}));
  add(with({{"name", "slack"}, {"kind", "slack"}, {"url", robots.url("/slack/T0/B0/x")}, {"events", {"succeeded"}}}));
  add(with({{"name", "hook"},
            {"kind", "webhook"},
            {"url", robots.url("/generic")},
            {"events", {"succeeded"}},
            {"config", {{"body", "{\"job\": {{ job.id }}, \"state\": \"{{ job.state }}\", \"event\": \"{{ event }}\"}"}}}}));
  add(with({{"name", "mail"},
            {"kind", "email"},
            {"url", smtp.url()},
            {"events", {"succeeded"}},
            {"config", {{"from", "drover@example.net"}, {"to", {"ops@example.net"}}}}}));
  int64_t wrong = add(with({{"name", "ding-wrong"}, {"kind", "dingtalk"},
                            {"url", robots.url("/dingtalk/robot/send?access_token=t2")},
                            {"secret", "not-the-robots-secret"}, {"events", {"succeeded"}}}));

  auto submitted = api_.post("/api/v1/jobs", {{"template_id", template_id_}});
  ASSERT_EQ(submitted.status, 202) << submitted.body;
  int64_t job = submitted.json()["id"].get<int64_t>();
  EXPECT_EQ(wait_job(job)["state"], "successful");

  // started + succeeded to DingTalk, and one each to the others: 7 good
  // requests, and the wrong-secret robot's first attempt.
  auto got = robots.wait_for(7);
  std::map<std::string, std::vector<SinkRequest>> by_kind;
  for (const auto& r : got) by_kind[r.path.substr(1, r.path.find('/', 1) - 1)].push_back(r);
  int ding_good = 0;
  for (const auto& r : by_kind["dingtalk"])
    if (r.signature_ok) ++ding_good;
  EXPECT_EQ(ding_good, 2) << "started and succeeded, both signed";
  ASSERT_FALSE(by_kind["feishu"].empty());
  EXPECT_TRUE(by_kind["feishu"][0].signature_ok);
  ASSERT_FALSE(by_kind["wecom"].empty());
  EXPECT_NE(by_kind["wecom"][0].body.find("succeeded"), std::string::npos) << by_kind["wecom"][0].body;
  ASSERT_FALSE(by_kind["slack"].empty());
  ASSERT_FALSE(by_kind["generic"].empty());
  EXPECT_EQ(Value::parse(by_kind["generic"][0].body),
            (Value{{"job", job}, {"state", "successful"}, {"event", "succeeded"}}));
  auto mails = smtp.wait_for(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].find("Subject: drover: job " + std::to_string(job) + " (deploy) succeeded"), std::string::npos)
      << mails[0];

  // The robot with the wrong secret answered errcode 310000: retried later.
  Value log;
  for (int i = 0; i < 300; ++i) {
    log = api_.get("/api/v1/notifications/" + std::to_string(wrong) + "/deliveries").json();
    if (!log["items"].empty() && log["items"][0]["attempts"].get<int64_t>() >= 1 &&
        !log["items"][0]["last_error"].get<std::string>().empty())
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(log["items"].size(), 1u) << log.dump();
  EXPECT_EQ(log["items"][0]["state"], "pending") << "waiting for its retry";
  EXPECT_NE(log["items"][0]["last_error"].get<std::string>().find("310000"), std::string::npos) << log.dump();
}

}  // namespace
}  // namespace drover::test
