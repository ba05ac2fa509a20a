// Launch forms and workflows in-process (server/jobs/launch_form.hpp,
// server/automation/workflow_graph.hpp and workflow_runner.hpp) on a real
// SQLite database under a ManualClock. Node jobs are queued for real and
// finished here by hand (with the stats event a set_stats task writes), so
// the graph's rules are checked without hosts; tests/server/
// automation_workflow_ssh_test.cpp runs the same on sshd hosts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "server/api_error.hpp"
#include "server/automation/clock.hpp"
#include "server/automation_node.hpp"
#include "server/automation/notifier.hpp"
#include "server/automation/workflow_graph.hpp"
#include "server/automation/workflow_runner.hpp"
#include "server/credential_vault.hpp"
#include "server/jobs/job_launch.hpp"
#include "server/jobs/launch_form.hpp"
#include "store/job_store.hpp"
#include "store/store.hpp"
#include "store/users.hpp"

namespace drover::server {
namespace {

using namespace std::chrono;

// --- launch forms ---------------------------------------------------------

std::vector<FormQuestion> form(const Value& v) {
  return parse_launch_form(v, [](const std::string& clear) { return "sealed:" + clear; });
}

std::string field_of_error(const std::vector<FormQuestion>& f, const Value& answers) {
  try {
    answer_launch_form(f, answers, [](const std::string& p) { return p == "web1" ? "" : "no host " + p; });
  } catch (const LaunchFormError& e) {
    return e.field();
  }
  return "";
}

TEST(LaunchForm, ChecksEachAnswerAgainstItsQuestionAndNamesTheField) {
  auto f = form(Value::parse(R"([
    {"variable": "version", "type": "text", "required": true, "min": 1, "max": 8},
    {"variable": "replicas", "type": "integer", "min": 1, "max": 5, "default": 2},
    {"variable": "ratio", "type": "float", "max": 1.5},
    {"variable": "env", "type": "choice", "choices": ["staging", "prod"], "default": "staging"},
    {"variable": "zones", "type": "multichoice", "choices": ["a", "b", "c"], "max": 2},
    {"variable": "target", "type": "hosts"}
  ])"));
  EXPECT_EQ(field_of_error(f, Value::object()), "extra_vars.version") << "required";
  EXPECT_EQ(field_of_error(f, {{"version", "v123456789"}}), "extra_vars.version") << "too long";
  EXPECT_EQ(field_of_error(f, {{"version", "1"}, {"replicas", 9}}), "extra_vars.replicas");
  EXPECT_EQ(field_of_error(f, {{"version", "1"}, {"replicas", "2"}}), "extra_vars.replicas") << "a string";
  EXPECT_EQ(field_of_error(f, {{"version", "1"}, {"ratio", 2.5}}), "extra_vars.ratio");
  EXPECT_EQ(field_of_error(f, {{"version", "1"}, {"env", "dev"}}), "extra_vars.env");
  EXPECT_EQ(field_of_error(f, {{"version", "1"}, {"zones", {"a", "b", "c"}}}), "extra_vars.zones");
  EXPECT_EQ(field_of_error(f, {{"version", "1"}, {"target", "db9"}}), "extra_vars.target");
  EXPECT_EQ(field_of_error(f, {{"version", "1"}, {"target", "web1"}, {"zones", {"a"}}, {"ratio", 0.5}}), "");

  auto got = answer_launch_form(f, {{"version", "1.2"}}, nullptr);
  EXPECT_EQ(got.vars, Value::parse(R"({"version": "1.2", "replicas": 2, "env": "staging"})")) << got.vars.dump();
}

TEST(LaunchForm, APasswordDefaultIsSealedShownAsEncryptedAndKeptByEncrypted) {
  auto f = form(Value::parse(R"([{"variable": "db_password", "type": "password", "default": "s3cret"}])"));
  EXPECT_EQ(f[0].default_value, "sealed:s3cret");
  EXPECT_EQ(shown_form(f)[0]["default"], kEncryptedPlaceholder);
  auto kept = parse_launch_form(shown_form(f), [](const std::string&) -> std::string { return "resealed"; }, f);
  EXPECT_EQ(kept[0].default_value, "sealed:s3cret") << "$encrypted$ keeps the stored default";
  auto unanswered = answer_launch_form(f, Value::object(), nullptr);
  EXPECT_EQ(unanswered.sealed["db_password"], "sealed:s3cret");
  EXPECT_TRUE(unanswered.vars.empty());
  auto answered = answer_launch_form(f, {{"db_password", "other"}}, nullptr);
  EXPECT_EQ(answered.passwords["db_password"], "other") << "given apart, for the caller to seal";
}

TEST(LaunchForm, RefusesAMalformedFormNamingTheQuestion) {
  auto field = [](const char* json) {
    try {
      form(Value::parse(json));
    } catch (const LaunchFormError& e) {
      return e.field();
    }
    return std::string();
  };
  EXPECT_EQ(field(R"([{"variable": "x", "type": "choice"}])"), "launch_form[0].choices");
  EXPECT_EQ(field(R"([{"variable": "x"}, {"variable": "x"}])"), "launch_form[1].variable");
  EXPECT_EQ(field(R"([{"variable": "1x"}])"), "launch_form[0].variable");
  EXPECT_EQ(field(R"([{"variable": "x", "type": "date"}])"), "launch_form[0].type");
  EXPECT_EQ(field(R"([{"variable": "x", "type": "integer", "default": 9, "max": 3}])"), "launch_form[0].default");
  EXPECT_EQ(field(R"([{"variable": "x", "typ": "text"}])"), "launch_form[0].typ");
}

// --- the graph --------------------------------------------------------------

TEST(WorkflowGraph, RefusesCyclesAndEdgesToNowhere) {
  auto field = [](const char* json) {
    try {
      parse_workflow_graph(Value::parse(json));
    } catch (const WorkflowError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(field(R"([{"id": "a", "template_id": 1, "on_success": ["b"]},
                      {"id": "b", "template_id": 1, "on_failure": ["a"]}])")
                .find("cycle"),
            std::string::npos);
  EXPECT_EQ(field(R"([{"id": "a", "template_id": 1, "always": ["zz"]}])"), "nodes[0].always: no node 'zz'");
  EXPECT_EQ(field(R"([{"id": "a", "template_id": 1, "approval": {}}])"),
            "nodes[0]: give exactly one of template_id and approval");
  EXPECT_EQ(field(R"([{"id": "a", "template_id": 1, "rolling": {"hosts": ["h"], "batch_size": 1, "batch_percent": 5}}])"),
            "nodes[0].rolling: give exactly one of batch_size, batch_percent, batches");
}

TEST(WorkflowGraph, ANodeRunsWhenAParentsEdgeFiredAndIsSkippedWhenNoneDid) {
  auto g = parse_workflow_graph(Value::parse(R"([
    {"id": "deploy", "template_id": 1, "on_success": ["smoke"], "on_failure": ["rollback"], "always": ["report"]},
    {"id": "smoke", "template_id": 1}, {"id": "rollback", "template_id": 1}, {"id": "report", "template_id": 1}])"));
  EXPECT_EQ(pending_node_decision(g, "deploy", {}), "run");
  EXPECT_EQ(pending_node_decision(g, "smoke", {{"deploy", "running"}}), "wait");
  EXPECT_EQ(pending_node_decision(g, "smoke", {{"deploy", "failed"}}), "skip");
  EXPECT_EQ(pending_node_decision(g, "rollback", {{"deploy", "failed"}}), "run");
  EXPECT_EQ(pending_node_decision(g, "report", {{"deploy", "successful"}}), "run");
  EXPECT_EQ(pending_node_decision(g, "report", {{"deploy", "skipped"}}), "skip");
}

TEST(WorkflowGraph, RollingBatchesByCountPercentOrList) {
  std::vector<std::string> hosts = {"h1", "h2", "h3", "h4", "h5"};
  RollingPolicy p;
  p.batch_size = 2;
  EXPECT_EQ(rolling_batches(p, hosts), (std::vector<std::vector<std::string>>{{"h1", "h2"}, {"h3", "h4"}, {"h5"}}));
  p.batch_size = 0;
  p.batch_percent = 40;
  EXPECT_EQ(rolling_batches(p, hosts).size(), 3u) << "40% of 5 is 2 per batch";
  p.batches = {{"h5"}, {"h1", "h2"}};
  EXPECT_EQ(rolling_batches(p, hosts), p.batches);
  RollingPolicy one_each;
  one_each.batch_size = 1;
  EXPECT_THROW(rolling_batches(one_each, {}), WorkflowError);
}

// --- the runner ---------------------------------------------------------------

using Node = AutomationNode;

class WorkflowRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = ::testing::TempDir() + "/wip-automation-workflow-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(data_);
    std::filesystem::create_directories(data_ + "/projects/site");
    std::ofstream(data_ + "/projects/site/site.yml") << "- hosts: all\n  tasks: []\n";
    node_ = std::make_unique<Node>(data_);
    node_->store.db().write([&](store::Connection& c) {
      auto u = store::insert_user(c, "ops", "x", "operator");
      ops_.user_id = u.id;
      ops_.username = "ops";
      ops_.role = Role::Operator;
      std::string now = store::now_timestamp();
      c.prepare("INSERT INTO projects (name, kind, path, created, updated) VALUES ('site', 'local', ?, ?, ?)")
          .bind(1, data_ + "/projects/site").bind(2, now).bind(3, now).run();
      project_ = c.last_insert_id();
    });
    for (const char* name : {"build", "deploy", "rollback"}) templates_[name] = add_template(name);
  }

  int64_t add_template(const std::string& name, const std::string& form = "[]") {
    return node_->store.db().write([&](store::Connection& c) {
      std::string now = store::now_timestamp();
      c.prepare("INSERT INTO job_templates (name, project_id, playbook, inventory, launch_form, created, updated) "
                "VALUES (?, ?, 'site.yml', ?, ?, ?, ?)")
          .bind(1, name).bind(2, project_).bind(3, std::string(R"({"text": "h1\nh2\nh3\n"})")).bind(4, form)
          .bind(5, now).bind(6, now).run();
      return c.last_insert_id();
    });
  }

  int64_t add_workflow(const Value& nodes) {
    return node_->store.db().write([&](store::Connection& c) {
      std::string now = store::now_timestamp();
      c.prepare("INSERT INTO workflows (name, nodes, created, updated) VALUES ('release', ?, ?, ?)")
          .bind(1, parse_workflow_graph(nodes).to_json().dump()).bind(2, now).bind(3, now).run();
      return c.last_insert_id();
    });
  }

  std::string node_state(int64_t wj, const std::string& node) {
    return text("SELECT state FROM workflow_nodes WHERE workflow_job_id = " + std::to_string(wj) + " AND node = '" +
                node + "'");
  }
  int64_t node_job(int64_t wj, const std::string& node) {
    return count("SELECT COALESCE(job_id, 0) FROM workflow_nodes WHERE workflow_job_id = " + std::to_string(wj) +
                 " AND node = '" + node + "'");
  }
  Value job_spec(int64_t job) {
    return Value::parse(text("SELECT spec FROM jobs WHERE id = " + std::to_string(job)));
  }
  // Ends job `job` as a worker would, with the stats event of its set_stats.
  void finish_job(int64_t job, const std::string& state, const Value& stats = Value::object()) {
    store::JobEventRow ev;
    ev.seq = 1;
    ev.time = store::now_timestamp();
    ev.event = "stats";
    ev.data = Value{{"seq", 1}, {"event", "stats"}, {"hosts", Value::object()}, {"custom", {{"_run", stats}}}}.dump();
    store::JobStore(node_->store.db()).finish(job, {ev}, state, state == "successful" ? 0 : 2, "{}", "");
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

  std::string data_;
  std::unique_ptr<Node> node_;
  Principal ops_;
  int64_t project_ = 0;
  std::map<std::string, int64_t> templates_;
};

TEST_F(WorkflowRunnerTest, SetStatsOfANodeAreTheExtraVarsOfTheNextAndAFailureTakesTheRollbackBranch) {
  int64_t wf = add_workflow({{{"id", "build"}, {"template_id", templates_["build"]}, {"on_success", {"deploy"}}},
                             {{"id", "deploy"},
                              {"template_id", templates_["deploy"]},
                              {"extra_vars", {{"strategy", "fast"}}},
                              {"on_success", {"done"}},
                              {"on_failure", {"rollback"}}},
                             {{"id", "done"}, {"template_id", templates_["build"]}},
                             {{"id", "rollback"}, {"template_id", templates_["rollback"]}}});
  ManualClock clock(at("2026-12-06T12:00:00Z"));
  WorkflowRunner runner(node_->ctx, clock);
  int64_t wj = runner.launch(wf, {{"ticket", "OPS-1"}}, ops_, "127.0.0.1");
  EXPECT_EQ(node_state(wj, "build"), "running");
  EXPECT_EQ(node_state(wj, "deploy"), "pending");
  int64_t build = node_job(wj, "build");
  EXPECT_EQ(job_spec(build)["extra_vars"]["ticket"], "OPS-1");
  EXPECT_EQ(count("SELECT created_by FROM jobs WHERE id = " + std::to_string(build)), ops_.user_id);

  EXPECT_EQ(runner.advance(wj), 0) << "the build job still runs";
  finish_job(build, "successful", {{"version", "1.4.2"}});
  runner.advance(wj);
  EXPECT_EQ(node_state(wj, "build"), "successful");
  EXPECT_EQ(node_state(wj, "deploy"), "running");
  Value vars = job_spec(node_job(wj, "deploy"))["extra_vars"];
  EXPECT_EQ(vars["version"], "1.4.2") << vars.dump();
  EXPECT_EQ(vars["strategy"], "fast");
  EXPECT_EQ(vars["ticket"], "OPS-1");

  finish_job(node_job(wj, "deploy"), "failed");
  runner.advance(wj);
  EXPECT_EQ(node_state(wj, "done"), "skipped");
  EXPECT_EQ(node_state(wj, "rollback"), "running");
  EXPECT_EQ(job_spec(node_job(wj, "rollback"))["extra_vars"]["version"], "1.4.2") << "artifacts flow down";
  finish_job(node_job(wj, "rollback"), "successful");
  runner.advance(wj);
  EXPECT_EQ(text("SELECT state FROM workflow_jobs WHERE id = " + std::to_string(wj)), "failed");
  EXPECT_EQ(text("SELECT message FROM workflow_jobs WHERE id = " + std::to_string(wj)), "failed nodes: deploy");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit WHERE action = 'workflow' AND resource = 'jobs'"), 3)
      << "each node's job is launched through the one launch path";
}

TEST_F(WorkflowRunnerTest, AnApprovalThatTimesOutFailsAndTakesTheFailureBranchOnTheClock) {
  int64_t wf = add_workflow(
      {{{"id", "ok"}, {"approval", {{"timeout_s", 600}, {"message", "to production?"}}}, {"on_success", {"deploy"}},
        {"on_failure", {"rollback"}}},
       {{"id", "deploy"}, {"template_id", templates_["deploy"]}},
       {{"id", "rollback"}, {"template_id", templates_["rollback"]}}});
  // A notification for the workflow's approvals (never sent here).
  node_->store.db().write([&](store::Connection& c) {
    c.prepare("INSERT INTO notifications (name, target_kind, workflow_id, kind, url, events, created, updated) "
              "VALUES ('ask', 'workflow', ?, 'slack', 'http://127.0.0.1:9/none', '[\"needs_approval\"]', ?, ?)")
        .bind(1, wf).bind(2, stored_time(at("2026-12-06T11:00:00Z"))).bind(3, stored_time(at("2026-12-06T11:00:00Z")))
        .run();
  });
  ManualClock clock(at("2026-12-06T12:00:00Z"));
  WorkflowRunner runner(node_->ctx, clock);
  int64_t wj = runner.launch(wf, Value::object(), ops_, "127.0.0.1");
  EXPECT_EQ(node_state(wj, "ok"), "approval");
  EXPECT_EQ(text("SELECT deadline FROM workflow_nodes WHERE node = 'ok'"), "2026-12-06T12:10:00.000Z");
  Notifier notifier(node_->ctx, clock);
  EXPECT_EQ(notifier.queue_new(), 1) << "needs approval";
  EXPECT_EQ(notifier.queue_new(), 0) << "once";
  EXPECT_EQ(text("SELECT event FROM notification_deliveries"), "needs_approval");

  clock.advance(seconds(599));
  runner.advance_all();
  EXPECT_EQ(node_state(wj, "ok"), "approval");
  clock.advance(seconds(1));
  runner.advance_all();
  EXPECT_EQ(node_state(wj, "ok"), "failed");
  EXPECT_EQ(text("SELECT message FROM workflow_nodes WHERE node = 'ok'"), "approval timed out");
  EXPECT_EQ(node_state(wj, "deploy"), "skipped");
  EXPECT_EQ(node_state(wj, "rollback"), "running");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit WHERE action = 'approval_timeout'"), 1);
  EXPECT_THROW(runner.decide(wj, "ok", true, ops_, "127.0.0.1", ""), ApiError) << "too late";
}

TEST_F(WorkflowRunnerTest, AnApprovalIsDecidedByItsRoleOnly) {
  int64_t wf = add_workflow({{{"id", "ok"}, {"approval", {{"role", "admin"}}}, {"on_success", {"deploy"}}},
                             {{"id", "deploy"}, {"template_id", templates_["deploy"]}}});
  ManualClock clock(at("2026-12-06T12:00:00Z"));
  WorkflowRunner runner(node_->ctx, clock);
  int64_t wj = runner.launch(wf, Value::object(), ops_, "127.0.0.1");
  try {
    runner.decide(wj, "ok", true, ops_, "127.0.0.1", "");
    ADD_FAILURE() << "an operator approved an admin's node";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 403);
  }
  Principal admin{1, "admin", Role::Admin, 0};
  runner.decide(wj, "ok", true, admin, "127.0.0.1", "go");
  EXPECT_EQ(node_state(wj, "ok"), "successful");
  EXPECT_EQ(node_state(wj, "deploy"), "running") << "the decision moves the workflow on at once";
  EXPECT_EQ(text("SELECT decided_by FROM workflow_nodes WHERE node = 'ok'"), "admin");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit WHERE action = 'approve' AND resource = 'workflow_jobs'"), 1);
}

TEST_F(WorkflowRunnerTest, ARunnerOfARestartedServerCarriesOnAndTwoRunnersStartANodeOnce) {
  int64_t wf = add_workflow({{{"id", "build"}, {"template_id", templates_["build"]}, {"on_success", {"deploy"}}},
                             {{"id", "deploy"}, {"template_id", templates_["deploy"]}, {"on_failure", {"rollback"}}},
                             {{"id", "rollback"}, {"template_id", templates_["rollback"]}}});
  ManualClock clock(at("2026-12-06T12:00:00Z"));
  int64_t wj = 0;
  {
    WorkflowRunner first(node_->ctx, clock);
    wj = first.launch(wf, Value::object(), ops_, "127.0.0.1");
  }  // the server stops while build runs
  finish_job(node_job(wj, "build"), "successful");
  Node other(data_);
  WorkflowRunner a(node_->ctx, clock), b(other.ctx, clock);
  std::thread ta([&] { a.advance_all(); });
  std::thread tb([&] { b.advance_all(); });
  ta.join();
  tb.join();
  EXPECT_EQ(node_state(wj, "deploy"), "running");
  EXPECT_EQ(count("SELECT COUNT(*) FROM jobs WHERE template_id = " + std::to_string(templates_["deploy"])), 1)
      << "one job for the node";
  // The server dies while deploy runs: its job is marked interrupted at the
  // next start, and the workflow takes its failure branch.
  node_->store.db().write([&](store::Connection& c) {
    c.prepare("UPDATE jobs SET state = 'running' WHERE id = ?").bind(1, node_job(wj, "deploy")).run();
  });
  store::JobStore(node_->store.db()).mark_interrupted("interrupted: the server stopped");
  a.advance_all();
  EXPECT_EQ(node_state(wj, "deploy"), "failed");
  EXPECT_EQ(node_state(wj, "rollback"), "running");
}

TEST_F(WorkflowRunnerTest, ANodeLaunchFollowsTheTemplatesLaunchFormAndSealsPasswords) {
  int64_t t = add_template("secured", R"([{"variable": "replicas", "type": "integer", "max": 3, "default": 1},
                                          {"variable": "token", "type": "password", "required": true}])");
  int64_t wf = add_workflow({{{"id", "a"}, {"template_id", t}, {"extra_vars", {{"token", "tok-123"}}}}});
  ManualClock clock(at("2026-12-06T12:00:00Z"));
  WorkflowRunner runner(node_->ctx, clock);
  int64_t wj = runner.launch(wf, Value::object(), ops_, "127.0.0.1");
  Value spec = job_spec(node_job(wj, "a"));
  EXPECT_EQ(spec["extra_vars"]["replicas"], 1);
  EXPECT_FALSE(spec["extra_vars"].contains("token")) << spec.dump();
  EXPECT_EQ(node_->vault.open(spec["sealed_vars"]["token"].get<std::string>()), "tok-123");

  int64_t bad = runner.launch(wf, {{"replicas", 7}}, ops_, "127.0.0.1");
  EXPECT_EQ(node_state(bad, "a"), "failed");
  EXPECT_NE(text("SELECT message FROM workflow_nodes WHERE workflow_job_id = " + std::to_string(bad))
                .find("extra_vars.replicas"),
            std::string::npos);
}

}  // namespace
}  // namespace drover::server
