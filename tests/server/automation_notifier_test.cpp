// The notifier in-process (server/automation/notifier.hpp) on a real SQLite
// database under a ManualClock, sending to a local DingTalk-style robot: a
// job's end is queued once however many notifiers look (nodes, restarts),
// a robot that refuses the signature is retried after 5 s, 20 s, 80 s and
// 320 s and then marked failed, and the right secret is delivered at once.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "server/authenticator.hpp"
#include "server/automation/clock.hpp"
#include "server/automation/notifier.hpp"
#include "server/automation_sinks.hpp"
#include "server/credential_vault.hpp"
#include "server/metrics.hpp"
#include "store/job_store.hpp"
#include "store/store.hpp"

namespace drover::server {
namespace {

using namespace std::chrono;

class NotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = ::testing::TempDir() + "/wip-automation-notifier-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(data_);
    store_ = std::make_unique<store::Store>(data_);
    auth_ = std::make_unique<Authenticator>(store_->db());
    vault_ = std::make_unique<CredentialVault>(data_);
    ServerOptions o;
    o.data_dir = data_;
    ctx_ = std::make_unique<ServerContext>(ServerContext{o, *store_, metrics_, *auth_, *vault_});
    clock_ = std::make_unique<ManualClock>(floor<seconds>(system_clock::now()));
    store_->db().write([&](store::Connection& c) {
      std::string now = store::now_timestamp();
      c.prepare("INSERT INTO projects (name, kind, path, created, updated) VALUES ('p', 'local', '/x', ?, ?)")
          .bind(1, now).bind(2, now).run();
      c.prepare("INSERT INTO job_templates (name, project_id, playbook, created, updated) VALUES ('deploy', ?, 'a.yml', ?, ?)")
          .bind(1, c.last_insert_id()).bind(2, now).bind(3, now).run();
      template_ = c.last_insert_id();
    });
  }

  void add_robot(const std::string& url, const std::string& secret) {
    store_->db().write([&](store::Connection& c) {
      std::string now = store::timestamp_at(system_clock::now() - minutes(1));
      c.prepare("INSERT INTO notifications (name, template_id, kind, url, secret, events, created, updated) "
                "VALUES ('ding', ?, 'dingtalk', ?, ?, '[\"succeeded\"]', ?, ?)")
          .bind(1, template_).bind(2, url).bind(3, vault_->seal(secret)).bind(4, now).bind(5, now).run();
    });
  }

  int64_t finished_job() {
    store::JobStore jobs(store_->db());
    int64_t id = jobs.submit("playbook", template_, "{}", std::nullopt);
    store_->db().write([&](store::Connection& c) {
      c.prepare("UPDATE jobs SET state = 'successful', exit_code = 0, started = ?, finished = ? WHERE id = ?")
          .bind(1, store::now_timestamp()).bind(2, store::now_timestamp()).bind(3, id).run();
    });
    return id;
  }

  std::string delivery(const char* column) {
    return store_->db().read([&](store::Connection& c) {
      auto s = c.prepare(std::string("SELECT ") + column + " FROM notification_deliveries");
      return s.step() ? s.text(0) : std::string("no row");
    });
  }

  std::string data_;
  std::unique_ptr<store::Store> store_;
  Metrics metrics_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<CredentialVault> vault_;
  std::unique_ptr<ServerContext> ctx_;
  std::unique_ptr<ManualClock> clock_;
  int64_t template_ = 0;
};

TEST_F(NotifierTest, AJobsEndIsQueuedOnceHoweverManyNotifiersLook) {
  test::ChatRobotSink robot("SECright");
  add_robot(robot.url("/dingtalk/robot/send?access_token=x"), "SECright");
  finished_job();
  Notifier a(*ctx_, *clock_), b(*ctx_, *clock_);
  EXPECT_EQ(a.queue_new(), 1);
  EXPECT_EQ(b.queue_new(), 0) << "another node";
  EXPECT_EQ(a.queue_new(), 0) << "the next look";
  EXPECT_EQ(a.send_due(), 1);
  EXPECT_EQ(b.send_due(), 0) << "sent by a";
  EXPECT_EQ(delivery("state"), "sent");
  auto got = robot.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].signature_ok);
}

TEST_F(NotifierTest, ARobotRefusingTheSignatureIsRetriedWithBackoffThenMarkedFailed) {
  test::ChatRobotSink robot("SECright");
  add_robot(robot.url("/dingtalk/robot/send?access_token=x"), "SECwrong");
  finished_job();
  Notifier n(*ctx_, *clock_);
  n.queue_new();
  for (int waited : {5, 20, 80, 320}) {
    EXPECT_EQ(n.send_due(), 1);
    EXPECT_EQ(delivery("state"), "pending");
    EXPECT_NE(delivery("last_error").find("310000"), std::string::npos) << delivery("last_error");
    clock_->advance(seconds(waited - 1));
    EXPECT_EQ(n.send_due(), 0) << "not before " << waited << " s";
    clock_->advance(seconds(1));
  }
  EXPECT_EQ(n.send_due(), 1);
  EXPECT_EQ(delivery("state"), "failed");
  EXPECT_EQ(delivery("attempts"), "5");
  EXPECT_EQ(robot.requests().size(), 5u);
}

}  // namespace
}  // namespace drover::server
