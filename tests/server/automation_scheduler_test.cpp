// The scheduler in-process (server/automation/scheduler.hpp) on a real
// SQLite database, under a ManualClock: a due slot launches one job as the
// schedule's owner, never twice (two schedulers at once, or a restart at
// the scheduled second), missed runs follow the policy, and a launch the
// owner may no longer make is refused and recorded.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "server/authenticator.hpp"
#include "server/automation/clock.hpp"
#include "server/automation_node.hpp"
#include "server/automation/scheduler.hpp"
#include "server/automation/workflow_runner.hpp"
#include "server/credential_vault.hpp"
#include "server/metrics.hpp"
#include "store/store.hpp"
#include "store/users.hpp"

namespace drover::server {
namespace {

using namespace std::chrono;

using Node = AutomationNode;

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = ::testing::TempDir() + "/wip-automation-scheduler-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(data_);
    std::filesystem::create_directories(data_ + "/projects/site");
    std::ofstream(data_ + "/projects/site/site.yml") << "- hosts: all\n  tasks: []\n";
    node_ = std::make_unique<Node>(data_);
    node_->store.db().write([&](store::Connection& c) {
      owner_ = store::insert_user(c, "ops", "x", "operator").id;
      std::string now = store::now_timestamp();
      c.prepare("INSERT INTO projects (name, kind, path, created, updated) VALUES ('site', 'local', ?, ?, ?)")
          .bind(1, data_ + "/projects/site").bind(2, now).bind(3, now).run();
      int64_t project = c.last_insert_id();
      c.prepare("INSERT INTO job_templates (name, project_id, playbook, inventory, created, updated) "
                "VALUES ('deploy', ?, 'site.yml', ?, ?, ?)")
          .bind(1, project).bind(2, std::string(R"({"text": "h1\n"})")).bind(3, now).bind(4, now).run();
      template_ = c.last_insert_id();
    });
  }

  // An hourly schedule whose next run is `next`.
  int64_t add_schedule(const std::string& name, const std::string& next, const std::string& missed = "skip") {
    return node_->store.db().write([&](store::Connection& c) {
      std::string now = store::now_timestamp();
      c.prepare("INSERT INTO schedules (name, template_id, cron, time_zone, missed_runs, owner_id, next_run, created, "
                "updated) VALUES (?, ?, '0 * * * *', 'UTC', ?, ?, ?, ?, ?)")
          .bind(1, name).bind(2, template_).bind(3, missed).bind(4, owner_).bind(5, stored_time(at(next)))
          .bind(6, now).bind(7, now).run();
      return c.last_insert_id();
    });
  }

  int64_t count(const std::string& sql) {
    return node_->store.db().read([&](store::Connection& c) {
      auto s = c.prepare(sql);
      s.step();
      return s.integer(0);
    });
  }
  std::string text(const std::string& sql) {
    return node_->store.db().read([&](store::Connection& c) {
      auto s = c.prepare(sql);
      return s.step() ? s.optional_text(0).value_or("NULL") : std::string("no row");
    });
  }

  // Two nodes (each its own connections to the one database) run their
  // schedulers at once at each of `slots` hourly slots from `clock`'s
  // time: each slot is handled by exactly one of them.
  void race_two_schedulers(ManualClock& clock, int slots) {
    Node other(data_);
    Scheduler a(node_->ctx, clock), b(other.ctx, clock);
    for (int slot = 0; slot < slots; ++slot) {
      int handled_a = 0, handled_b = 0;
      std::thread ta([&] { handled_a = a.run_due(); });
      std::thread tb([&] { handled_b = b.run_due(); });
      ta.join();
      tb.join();
      EXPECT_EQ(handled_a + handled_b, 1) << "slot " << slot;
      clock.advance(hours(1));
    }
  }
  std::string data_;
  std::unique_ptr<Node> node_;
  int64_t owner_ = 0, template_ = 0;
};

TEST_F(SchedulerTest, ADueSlotLaunchesOneJobAsTheOwnerAndMovesToTheNextSlot) {
  add_schedule("hourly", "2026-12-06T13:00:00Z");
  ManualClock clock(at("2026-12-06T12:59:59Z"));
  Scheduler scheduler(node_->ctx, clock);
  EXPECT_EQ(scheduler.run_due(), 0) << "not yet";
  clock.advance(seconds(1));
  EXPECT_EQ(scheduler.run_due(), 1);
  EXPECT_EQ(scheduler.run_due(), 0) << "the slot is taken";
  EXPECT_EQ(count("SELECT COUNT(*) FROM jobs WHERE created_by = " + std::to_string(owner_) +
                  " AND template_id = " + std::to_string(template_)),
            1);
  EXPECT_EQ(text("SELECT next_run FROM schedules"), "2026-12-06T14:00:00.000Z");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit WHERE action = 'schedule' AND resource = 'jobs' AND username = 'ops'"), 1);
  EXPECT_EQ(text("SELECT outcome FROM schedule_runs"), "launched");
}

TEST_F(SchedulerTest, TwoServersOnOneDatabaseLaunchEachSlotOnce) {
  add_schedule("hourly", "2026-12-06T13:00:00Z");
  ManualClock clock(at("2026-12-06T13:00:00Z"));
  race_two_schedulers(clock, 10);
  EXPECT_EQ(count("SELECT COUNT(*) FROM jobs"), 10);
  EXPECT_EQ(count("SELECT COUNT(DISTINCT slot) FROM schedule_runs"), 10);
}

TEST_F(SchedulerTest, ARestartAtTheScheduledSecondDoesNotLaunchTheSlotAgain) {
  add_schedule("hourly", "2026-12-06T13:00:00Z");
  ManualClock clock(at("2026-12-06T13:00:00Z"));
  {
    Scheduler before(node_->ctx, clock);
    EXPECT_EQ(before.run_due(), 1);
  }
  node_.reset();  // the server stops and starts again within the same second
  node_ = std::make_unique<Node>(data_);
  Scheduler after(node_->ctx, clock);
  EXPECT_EQ(after.run_due(), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM jobs"), 1);
}

TEST_F(SchedulerTest, MissedRunsAreSkippedOrLaunchedOnceByPolicy) {
  int64_t skip = add_schedule("skips", "2026-12-06T10:00:00Z", "skip");
  int64_t once = add_schedule("runs-once", "2026-12-06T10:00:00Z", "run_once");
  ManualClock clock(at("2026-12-06T13:30:00Z"));  // down from 09:50 to 13:30: four slots missed
  Scheduler scheduler(node_->ctx, clock);
  EXPECT_EQ(scheduler.run_due(), 2);
  EXPECT_EQ(scheduler.run_due(), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM jobs"), 1);
  EXPECT_EQ(text("SELECT outcome FROM schedule_runs WHERE schedule_id = " + std::to_string(skip)), "skipped");
  EXPECT_EQ(text("SELECT outcome FROM schedule_runs WHERE schedule_id = " + std::to_string(once)), "launched");
  EXPECT_EQ(text("SELECT next_run FROM schedules WHERE id = " + std::to_string(skip)), "2026-12-06T14:00:00.000Z");
  EXPECT_EQ(text("SELECT next_run FROM schedules WHERE id = " + std::to_string(once)), "2026-12-06T14:00:00.000Z");
}

TEST_F(SchedulerTest, ALaunchTheOwnerMayNoLongerMakeIsRefusedAndRecorded) {
  add_schedule("hourly", "2026-12-06T13:00:00Z");
  node_->store.db().write([&](store::Connection& c) {
    store::update_user(c, owner_, std::nullopt, std::nullopt, true);
  });
  ManualClock clock(at("2026-12-06T13:00:10Z"));
  Scheduler scheduler(node_->ctx, clock);
  EXPECT_EQ(scheduler.run_due(), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM jobs"), 0);
  EXPECT_EQ(text("SELECT outcome FROM schedule_runs"), "refused");
  EXPECT_NE(text("SELECT last_error FROM schedules").find("disabled"), std::string::npos);
  EXPECT_EQ(text("SELECT next_run FROM schedules"), "2026-12-06T14:00:00.000Z");
}

TEST_F(SchedulerTest, ALaunchWhosePlaybookIsGoneIsRefusedWithTheLaunchChecksReason) {
  add_schedule("hourly", "2026-12-06T13:00:00Z");
  std::filesystem::remove(data_ + "/projects/site/site.yml");
  ManualClock clock(at("2026-12-06T13:00:00Z"));
  Scheduler scheduler(node_->ctx, clock);
  EXPECT_EQ(scheduler.run_due(), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM jobs"), 0);
  EXPECT_NE(text("SELECT last_error FROM schedules").find("site.yml"), std::string::npos);
}

TEST_F(SchedulerTest, AWorkflowScheduleStartsOneWorkflowJobPerSlotWhoseNodeJobGetsItsVars) {
  int64_t schedule = node_->store.db().write([&](store::Connection& c) {
    std::string now = store::now_timestamp();
    c.prepare("INSERT INTO workflows (name, nodes, created, updated) VALUES ('nightly', ?, ?, ?)")
        .bind(1, Value::array({{{"id", "deploy"}, {"template_id", template_}}}).dump()).bind(2, now).bind(3, now).run();
    int64_t workflow = c.last_insert_id();
    c.prepare("INSERT INTO schedules (name, target_kind, workflow_id, cron, time_zone, overrides, owner_id, next_run, "
              "created, updated) VALUES ('wf', 'workflow', ?, '0 * * * *', 'UTC', ?, ?, ?, ?, ?)")
        .bind(1, workflow).bind(2, std::string(R"({"extra_vars": {"release": "r42"}})")).bind(3, owner_)
        .bind(4, stored_time(at("2026-12-06T13:00:00Z"))).bind(5, now).bind(6, now).run();
    return c.last_insert_id();
  });
  ManualClock clock(at("2026-12-06T13:00:00Z"));
  race_two_schedulers(clock, 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM workflow_jobs WHERE created_by = " + std::to_string(owner_)), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM schedule_runs WHERE workflow_job_id IS NOT NULL AND job_id IS NULL"), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM jobs"), 0) << "the runner queues the nodes' jobs";
  EXPECT_EQ(text("SELECT last_workflow_job_id FROM schedules WHERE id = " + std::to_string(schedule)),
            text("SELECT MAX(id) FROM workflow_jobs"));
  WorkflowRunner runner(node_->ctx, clock);
  EXPECT_EQ(runner.advance_all(), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM jobs WHERE kind = 'playbook' AND created_by = " + std::to_string(owner_)), 3);
  EXPECT_NE(text("SELECT spec FROM jobs ORDER BY id LIMIT 1").find("r42"), std::string::npos)
      << "the schedule's extra_vars reach the node's job";
}

}  // namespace
}  // namespace drover::server
