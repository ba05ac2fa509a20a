// Jobs as records (issue 14, section 5): delete (admin or the job's
// creator, not while it runs, events gone with it), relaunch, list filters
// by creator and date, retention (--keep-jobs-days); and every list route
// pages in SQL with limit, offset and total.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "server/server_fixture.hpp"

namespace drover::test {
namespace {

using Clock = std::chrono::steady_clock;

const Value kLocalInventory = "localhost ansible_connection=local\n";

Value job_of(const ApiClient& api, int64_t id) { return api.get("/api/v1/jobs/" + std::to_string(id)).json(); }

Value wait_for_end(const ApiClient& api, int64_t id, int timeout_s = 60) {
  auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  Value job;
  while (Clock::now() < deadline) {
    job = job_of(api, id);
    std::string state = job.value("state", "");
    if (state != "pending" && state != "running") return job;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "job " << id << " never ended; last: " << job.dump();
  return job;
}

int64_t submit(const ApiClient& api, const std::string& args = "true") {
  auto r = api.post("/api/v1/jobs", {{"module", "command"}, {"args", args}, {"inventory_text", kLocalInventory}});
  EXPECT_EQ(r.status, 202) << r.body;
  return r.status == 202 ? r.json().value("id", int64_t{0}) : 0;
}

std::string login(const ServerProcess& srv, const std::string& user, const std::string& password) {
  auto r = ApiClient(srv.url()).post("/api/v1/login", {{"username", user}, {"password", password}});
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200 ? r.json()["token"].get<std::string>() : "";
}

// Two operators and the admin on one server.
struct Team {
  ServerProcess srv;
  ApiClient admin{srv.url(), srv.admin_token()};
  ApiClient op1{srv.url()}, op2{srv.url()};
  int64_t op1_id = 0;
  explicit Team(ServerProcessOptions o = {}) : srv(std::move(o)) {
    for (const char* name : {"op1", "op2"}) {
      auto r = admin.post("/api/v1/users", {{"username", name}, {"password", "password-of-" + std::string(name)},
                                            {"role", "operator"}});
      EXPECT_EQ(r.status, 201) << r.body;
      if (std::string(name) == "op1") op1_id = r.json()["id"].get<int64_t>();
    }
    op1.set_token(login(srv, "op1", "password-of-op1"));
    op2.set_token(login(srv, "op2", "password-of-op2"));
  }
};

TEST(JobDelete, TheCreatorOrAnAdminDeletesAFinishedJobWithItsEventsOthersAre403) {
  Team t;
  int64_t mine = submit(t.op1);
  int64_t other = submit(t.op1);
  ASSERT_EQ(wait_for_end(t.op1, mine)["state"], "successful");
  ASSERT_EQ(wait_for_end(t.op1, other)["state"], "successful");
  ASSERT_GT(t.admin.get("/api/v1/jobs/" + std::to_string(mine) + "/events").json()["items"].size(), 0u);

  EXPECT_EQ(t.op2.del("/api/v1/jobs/" + std::to_string(mine)).status, 403);
  EXPECT_EQ(t.op1.del("/api/v1/jobs/" + std::to_string(mine)).status, 204);
  EXPECT_EQ(t.admin.get("/api/v1/jobs/" + std::to_string(mine)).status, 404);
  EXPECT_EQ(t.admin.get("/api/v1/jobs/" + std::to_string(mine) + "/events").status, 404);
  EXPECT_EQ(t.admin.del("/api/v1/jobs/" + std::to_string(other)).status, 204);
  EXPECT_EQ(t.admin.del("/api/v1/jobs/" + std::to_string(other)).status, 404);
  // No event of a deleted job is left behind (checked in the database).
  ProcessOptions o;
  o.stdin_data = "SELECT COUNT(*) FROM job_events WHERE job_id IN (" + std::to_string(mine) + ", " +
                 std::to_string(other) + ");\n";
  auto left = run_process({"sqlite3", t.srv.data_dir() + "/drover.db"}, o);
  EXPECT_EQ(left.out, "0\n") << left.err;
  auto audit = t.admin.get("/api/v1/audit?resource=jobs&action=delete").json();
  EXPECT_EQ(audit["total"], 2);
}

TEST(JobDelete, ARunningJobIs409UntilItEnds) {
  Team t;
  int64_t id = submit(t.op1, "sleep 30");
  auto deadline = Clock::now() + std::chrono::seconds(20);
  while (job_of(t.op1, id).value("state", "") != "running" && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto r = t.admin.del("/api/v1/jobs/" + std::to_string(id));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json()["error"]["details"]["state"], "running");
  EXPECT_EQ(t.op1.post("/api/v1/jobs/" + std::to_string(id) + "/cancel", Value::object()).status, 202);
  wait_for_end(t.op1, id);
  EXPECT_EQ(t.op1.del("/api/v1/jobs/" + std::to_string(id)).status, 204);
}

TEST(JobRelaunch, RunsTheSameSpecAsANewJobOfTheCaller) {
  Team t;
  int64_t first = submit(t.op1, "echo again");
  Value done = wait_for_end(t.op1, first);
  ASSERT_EQ(done["state"], "successful");
  auto r = t.op2.post("/api/v1/jobs/" + std::to_string(first) + "/relaunch", Value::object());
  ASSERT_EQ(r.status, 202) << r.body;
  Value again = r.json();
  EXPECT_NE(again["id"], first);
  EXPECT_EQ(again["spec"], done["spec"]);
  EXPECT_NE(again["created_by"], done["created_by"]);
  EXPECT_EQ(wait_for_end(t.op2, again["id"].get<int64_t>())["state"], "successful");
  EXPECT_EQ(t.op1.post("/api/v1/jobs/999999/relaunch", Value::object()).status, 404);
  ApiClient viewer(t.srv.url());
  ASSERT_EQ(t.admin.post("/api/v1/users", {{"username", "v1"}, {"password", "password-of-v1"}}).status, 201);
  viewer.set_token(login(t.srv, "v1", "password-of-v1"));
  EXPECT_EQ(viewer.post("/api/v1/jobs/" + std::to_string(first) + "/relaunch", Value::object()).status, 403);
}

TEST(JobList, FiltersByCreatorAndCreationDate) {
  Team t;
  int64_t a = submit(t.op1);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // distinct creation times
  int64_t b = submit(t.op2);
  wait_for_end(t.admin, a);
  wait_for_end(t.admin, b);
  auto mine = t.admin.get("/api/v1/jobs?created_by=" + std::to_string(t.op1_id)).json();
  ASSERT_EQ(mine["total"], 1) << mine.dump();
  EXPECT_EQ(mine["items"][0]["id"], a);
  std::string created = job_of(t.admin, b)["created"];
  EXPECT_EQ(t.admin.get("/api/v1/jobs?created_after=" + created).json()["total"], 1);
  EXPECT_EQ(t.admin.get("/api/v1/jobs?created_before=" + created).json()["total"], 1);
  EXPECT_EQ(t.admin.get("/api/v1/jobs?created_after=2000-01-01&created_before=2100-01-01").json()["total"], 2);
  EXPECT_EQ(t.admin.get("/api/v1/jobs?created_before=2000-01-01").json()["total"], 0);
  auto bad = t.admin.get("/api/v1/jobs?created_after=last-tuesday");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.json()["error"]["details"]["parameter"], "created_after");
  EXPECT_EQ(bad.json()["error"]["code"], "bad_query");
  auto by_name = t.admin.get("/api/v1/jobs?created_by=op2").json();
  ASSERT_EQ(by_name["total"], 1) << by_name.dump();
  EXPECT_EQ(by_name["items"][0]["id"], b);
  EXPECT_EQ(t.admin.get("/api/v1/jobs?created_by=nobody").json()["total"], 0);
  EXPECT_EQ(t.admin.get("/api/v1/jobs?created_by=0").status, 400);
}

TEST(JobRetention, FinishedJobsOlderThanKeepJobsDaysAreDeletedWithTheirEvents) {
  ServerProcessOptions o;
  o.extra_args = {"--keep-jobs-days", "30"};
  ServerProcess srv(o);
  ApiClient api(srv.url(), srv.admin_token());
  int64_t old_job = submit(api);
  int64_t new_job = submit(api);
  wait_for_end(api, old_job);
  wait_for_end(api, new_job);
  srv.stop();
  // The first job finished 40 days ago.
  ProcessOptions sql;
  sql.stdin_data = "UPDATE jobs SET created = '2000-01-01T00:00:00.000Z', finished = '2000-01-01T00:00:01.000Z' "
                   "WHERE id = " + std::to_string(old_job) + ";\n";
  ASSERT_EQ(run_process({"sqlite3", srv.data_dir() + "/drover.db"}, sql).exit_code, 0);
  srv.start();
  ApiClient again(srv.url(), srv.admin_token());
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (again.get("/api/v1/jobs/" + std::to_string(old_job)).status != 404 && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(again.get("/api/v1/jobs/" + std::to_string(old_job)).status, 404);
  EXPECT_EQ(again.get("/api/v1/jobs/" + std::to_string(new_job)).status, 200);
  sql.stdin_data = "SELECT COUNT(*) FROM job_events WHERE job_id = " + std::to_string(old_job) + ";\n";
  EXPECT_EQ(run_process({"sqlite3", srv.data_dir() + "/drover.db"}, sql).out, "0\n");
}

TEST(Pagination, EveryListRouteAnswersItsPageAndTheTotal) {
  ServerProcess srv;
  ApiClient api(srv.url(), srv.admin_token());
  int64_t tokens_before = api.get("/api/v1/tokens").json()["total"].get<int64_t>();
  for (int i = 0; i < 3; ++i) {
    std::string n = std::to_string(i);
    ASSERT_EQ(api.post("/api/v1/hosts", {{"hostname", "h" + n}, {"role", "r"}}).status, 201);
    ASSERT_EQ(api.post("/api/v1/groups", {{"name", "g" + n}, {"hosts", {"h" + n}}}).status, 201);
    ASSERT_EQ(api.post("/api/v1/tokens", {{"name", "t" + n}}).status, 201);
  }
  auto q = api.post("/api/v1/groups", {{"name", "by_role"}, {"query", {{"role", "r"}}}});
  ASSERT_EQ(q.status, 201);
  std::string group_hosts = "/api/v1/groups/" + std::to_string(q.json()["id"].get<int64_t>()) + "/hosts";
  for (const std::string& path : {std::string("/api/v1/groups"), group_hosts, std::string("/api/v1/tokens"),
                                  std::string("/api/v1/hosts"), std::string("/api/v1/users"),
                                  std::string("/api/v1/audit"), std::string("/api/v1/jobs"),
                                  std::string("/api/v1/projects"), std::string("/api/v1/templates"),
                                  std::string("/api/v1/credentials")}) {
    auto all = api.get(path);
    ASSERT_EQ(all.status, 200) << path << ": " << all.body;
    Value body = all.json();
    ASSERT_TRUE(body.contains("total") && body.contains("limit") && body.contains("offset")) << path << body.dump();
    int64_t total = body["total"].get<int64_t>();
    auto page = api.get(path + "?limit=1&offset=1");
    ASSERT_EQ(page.status, 200) << path << ": " << page.body;
    Value p = page.json();
    EXPECT_EQ(p["total"], total) << path;
    EXPECT_EQ(p["limit"], 1) << path;
    EXPECT_EQ(p["offset"], 1) << path;
    EXPECT_EQ(p["items"].size(), total > 1 ? 1u : 0u) << path;
    if (total > 1) {
      EXPECT_EQ(p["items"][0], body["items"][1]) << path;
    }
  }
  EXPECT_EQ(api.get(group_hosts).json()["total"], 3);
  EXPECT_EQ(api.get("/api/v1/groups").json()["total"], 4);
  EXPECT_EQ(api.get("/api/v1/tokens").json()["total"], tokens_before + 3);
  EXPECT_EQ(api.get("/api/v1/tokens?limit=2").json()["items"].size(), 2u);
}

}  // namespace
}  // namespace drover::test
