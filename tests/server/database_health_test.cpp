// The database never wedges and health tells the truth (issue 14, section 2):
// outside writers on the server's data directory (`drover hosts`, the
// sqlite3 shell) while the real server runs, /healthz /readyz /livez, and
// one server per data directory.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "server/server_fixture.hpp"

namespace drover::test {
namespace {

using Clock = std::chrono::steady_clock;

Value wait_for_end(const ApiClient& api, int64_t id, int timeout_s = 60) {
  auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  Value job;
  while (Clock::now() < deadline) {
    auto r = api.get("/api/v1/jobs/" + std::to_string(id));
    if (r.status == 200) {
      job = r.json();
      std::string state = job.value("state", "");
      if (state != "pending" && state != "running") return job;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "job " << id << " never ended; last: " << job.dump();
  return job;
}

int64_t submit_local_job(const ApiClient& api) {
  auto r = api.post("/api/v1/jobs", {{"module", "command"},
                                      {"args", "true"},
                                      {"inventory_text", "localhost ansible_connection=local\n"}});
  EXPECT_EQ(r.status, 202) << r.body;
  return r.status == 202 ? r.json().value("id", int64_t{0}) : 0;
}

std::string db_path(const ServerProcess& srv) { return srv.data_dir() + "/drover.db"; }

// The sqlite3 shell on the server's database, with `script` on its stdin.
ProcessResult sqlite3(const ServerProcess& srv, const std::string& script) {
  ProcessOptions o;
  o.stdin_data = ".timeout 5000\n" + script;
  o.timeout_s = 60;
  return run_process({"sqlite3", db_path(srv)}, o);
}

TEST(DatabaseNeverWedges, TheCliWritesWhileTheServerRunsAndTheServerKeepsWriting) {
  ServerProcess srv;
  ApiClient api(srv.url(), srv.admin_token());
  // The server writes first (its writer connection has been used)...
  ASSERT_EQ(api.post("/api/v1/hosts", {{"hostname", "api1"}}).status, 201);
  // ...then the CLI writes on the same data directory, as docs/SERVER.md shows.
  for (int i = 0; i < 3; ++i) {
    auto r = run_drover({"hosts", "--data", srv.data_dir(), "add", "cli" + std::to_string(i), "--role", "cache"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Every later write of the server still works, at once.
    auto t0 = Clock::now();
    auto created = api.post("/api/v1/hosts", {{"hostname", "api" + std::to_string(i + 2)}});
    EXPECT_EQ(created.status, 201) << created.body;
    EXPECT_LT(Clock::now() - t0, std::chrono::seconds(3));
  }
  auto list = api.get("/api/v1/hosts?role=cache").json();
  EXPECT_EQ(list["total"], 3);
  EXPECT_EQ(api.get("/healthz").status, 200);
  // Jobs are claimed, run and finish.
  int64_t id = submit_local_job(api);
  ASSERT_GT(id, 0);
  EXPECT_EQ(wait_for_end(api, id)["state"], "successful");
  // The CLI's import and the server's changes all landed.
  auto ls = run_drover({"hosts", "--data", srv.data_dir(), "ls", "--json"});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  EXPECT_EQ(Value::parse(ls.out).size(), 7u) << ls.out;
}

TEST(DatabaseNeverWedges, AnOutsideReadTransactionAndABriefOutsideWriteDoNotStopTheServer) {
  ServerProcess srv;
  ApiClient api(srv.url(), srv.admin_token());
  ASSERT_EQ(api.post("/api/v1/hosts", {{"hostname", "before"}}).status, 201);
  // sqlite3 writes one host, then holds a read transaction open for 4 s.
  std::thread shell([&] {
    auto r = sqlite3(srv,
                     "INSERT INTO hosts (hostname, status, tags, vars, created, updated) VALUES "
                     "('shell1', 'online', '[]', '{}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');\n"
                     "BEGIN;\nSELECT COUNT(*) FROM hosts;\n.shell sleep 4\nCOMMIT;\n");
    EXPECT_EQ(r.exit_code, 0) << r.err;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto t0 = Clock::now();
  auto created = api.post("/api/v1/hosts", {{"hostname", "during_read"}});
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(2));
  EXPECT_EQ(api.get("/healthz").status, 200);
  shell.join();

  // A brief outside write lock (1.5 s): the server's writes wait and succeed.
  std::thread writer([&] {
    auto r = sqlite3(srv, "BEGIN IMMEDIATE;\nUPDATE hosts SET role = 'x' WHERE hostname = 'shell1';\n"
                          ".shell sleep 1.5\nCOMMIT;\n");
    EXPECT_EQ(r.exit_code, 0) << r.err;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(api.post("/api/v1/hosts", {{"hostname", "during_write"}}).status, 201);
  writer.join();
  EXPECT_EQ(api.post("/api/v1/hosts", {{"hostname", "after"}}).status, 201);
  int64_t id = submit_local_job(api);
  ASSERT_GT(id, 0);
  EXPECT_EQ(wait_for_end(api, id)["state"], "successful");
  EXPECT_EQ(api.get("/api/v1/hosts").json()["total"], 5);
}

TEST(HealthTellsTheTruth, HealthzAndReadyzAnswer503WhileTheDatabaseCannotBeWrittenAndRecover) {
  ServerProcess srv;
  ApiClient api(srv.url());
  EXPECT_EQ(api.get("/healthz").status, 200);
  auto ready = api.get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json()["checks"]["workers"], "ok") << ready.body;
  EXPECT_EQ(ready.json()["checks"]["migrations"], "ok") << ready.body;
  // Another process holds the write lock for 7 s.
  std::thread holder([&] {
    auto r = sqlite3(srv, "BEGIN IMMEDIATE;\nUPDATE settings SET value = value;\n.shell sleep 7\nCOMMIT;\n");
    EXPECT_EQ(r.exit_code, 0) << r.err;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // past the 1 s shared answer
  auto t0 = Clock::now();
  auto health = api.get("/healthz");
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(4));
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_NE(health.body.find("database locked"), std::string::npos) << health.body;
  EXPECT_EQ(health.body.find("drover.db"), std::string::npos) << "a public answer names a path: " << health.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto not_ready = api.get("/readyz");
  EXPECT_EQ(not_ready.status, 503) << not_ready.body;
  // Liveness does not touch the database: the process is alive.
  EXPECT_EQ(api.get("/livez").status, 200);
  auto metrics = api.get("/metrics").body;
  EXPECT_EQ(metrics.find("\ndrover_db_busy_failures_total 0\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\ndrover_db_busy_failures_total "), std::string::npos) << metrics;
  holder.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(api.get("/healthz").status, 200);
  EXPECT_EQ(api.get("/readyz").status, 200);
}

// The final state of a job that ends while another process holds the write
// lock longer than one write budget (15 s) is written once the lock goes:
// the job does not stay `running`. Reads go on meanwhile.
TEST(DatabaseNeverWedges, AJobThatEndsWhileTheDatabaseIsLockedStillGetsItsFinalState) {
  ServerProcess srv;
  ApiClient api(srv.url(), srv.admin_token());
  auto r = api.post("/api/v1/jobs", {{"module", "command"},
                                      {"args", "sleep 1"},
                                      {"inventory_text", "localhost ansible_connection=local\n"}});
  ASSERT_EQ(r.status, 202) << r.body;
  int64_t id = r.json()["id"].get<int64_t>();
  auto deadline = Clock::now() + std::chrono::seconds(20);
  while (api.get("/api/v1/jobs/" + std::to_string(id)).json().value("state", "") == "pending" &&
         Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::thread holder([&] {
    auto held = sqlite3(srv, "BEGIN IMMEDIATE;\nUPDATE settings SET value = value;\n.shell sleep 20\nCOMMIT;\n");
    EXPECT_EQ(held.exit_code, 0) << held.err;
  });
  std::this_thread::sleep_for(std::chrono::seconds(4));
  auto during = api.get("/api/v1/jobs/" + std::to_string(id));
  EXPECT_EQ(during.status, 200) << during.body;
  EXPECT_EQ(during.json()["state"], "running") << "its end cannot be written yet";
  EXPECT_EQ(api.get("/healthz").status, 503);
  holder.join();
  Value job = wait_for_end(api, id, 40);
  EXPECT_EQ(job["state"], "successful") << job.dump();
  EXPECT_EQ(api.get("/healthz").status, 200);
}

// The CLI waits politely for a lock held by another process, then gives up
// with a message that names the server running on the directory.
TEST(DatabaseNeverWedges, TheCliGivesUpOnALockHeldTooLongNamingTheServer) {
  ServerProcess srv;
  std::thread holder([&] {
    auto held = sqlite3(srv, "BEGIN IMMEDIATE;\nUPDATE settings SET value = value;\n.shell sleep 18\nCOMMIT;\n");
    EXPECT_EQ(held.exit_code, 0) << held.err;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto t0 = Clock::now();
  auto r = run_drover({"hosts", "--data", srv.data_dir(), "add", "late"});
  auto waited = Clock::now() - t0;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_GE(waited, std::chrono::seconds(14));
  EXPECT_NE(r.err.find("stayed locked"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("drover server pid " + std::to_string(srv.pid())), std::string::npos) << r.err;
  holder.join();
  // Once the lock is gone the same command works, and so does the server.
  EXPECT_EQ(run_drover({"hosts", "--data", srv.data_dir(), "add", "late"}).exit_code, 0);
  ApiClient api(srv.url(), srv.admin_token());
  EXPECT_EQ(api.post("/api/v1/hosts", {{"hostname", "api_after"}}).status, 201);
}

// A newer CLI beside an older running server: it does not migrate the
// schema under the server, and says which server to upgrade.
TEST(DatabaseNeverWedges, TheCliNeverMigratesTheSchemaUnderARunningServer) {
  ServerProcess srv;
  // The database as migration 30 left it: without 31's indexes.
  auto older = sqlite3(srv,
                       "DROP INDEX jobs_finished;\nDROP INDEX jobs_created;\nDROP INDEX jobs_created_by;\n"
                       "DELETE FROM schema_migrations WHERE version = 31;\n");
  ASSERT_EQ(older.exit_code, 0) << older.err;
  auto r = run_drover({"hosts", "--data", srv.data_dir(), "add", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("drover server pid " + std::to_string(srv.pid()) + " runs on it with the older schema"),
            std::string::npos)
      << r.err;
  auto version = sqlite3(srv, "SELECT COUNT(*) FROM schema_migrations WHERE version = 31;\n");
  EXPECT_EQ(version.out, "0\n");
  // Without a server the same command migrates and writes.
  srv.stop();
  EXPECT_EQ(run_drover({"hosts", "--data", srv.data_dir(), "add", "x"}).exit_code, 0);
  EXPECT_EQ(sqlite3(srv, "SELECT COUNT(*) FROM schema_migrations WHERE version = 31;\n").out, "1\n");
}

TEST(OneServerPerDataDirectory, ASecondServerOnTheSameDataDirectoryRefusesToStartNamingTheFirst) {
  ServerProcess srv;
  ProcessOptions o;
  o.timeout_s = 20;
  o.env = {{"DROVER_ADMIN_TOKEN", kAdminToken}, {"DROVER_ADMIN_PASSWORD", kAdminPassword}};
  auto second = run_drover({"server", "--listen", "127.0.0.1:0", "--data", srv.data_dir()}, o);
  EXPECT_EQ(second.exit_code, 1) << second.out << second.err;
  EXPECT_NE(second.err.find("in use by drover server pid " + std::to_string(srv.pid())), std::string::npos)
      << second.err;
  EXPECT_NE(second.err.find(srv.url()), std::string::npos) << second.err;
  // The first one is unharmed; once it stops, a new one starts there.
  ApiClient api(srv.url(), srv.admin_token());
  EXPECT_EQ(api.post("/api/v1/hosts", {{"hostname", "still_here"}}).status, 201);
  srv.restart();
  ApiClient again(srv.url(), srv.admin_token());
  EXPECT_EQ(again.get("/api/v1/hosts").json()["total"], 1);
}

TEST(OneServerPerDataDirectory, TheLockIsReleasedWhenTheServerIsKilled) {
  ServerProcess srv;
  srv.kill9();
  srv.start();
  ApiClient api(srv.url(), srv.admin_token());
  EXPECT_EQ(api.get("/healthz").status, 200);
}

}  // namespace
}  // namespace drover::test
