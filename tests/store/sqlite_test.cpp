// The SQLite layer under outside writers (issue 14, section 2): statements
// never pin a snapshot, the write lock is waited for a bounded time, and
// user timestamps are normalised for comparison.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "harness/process.hpp"
#include "store/hosts.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"

namespace drover::store {
namespace {

using Clock = std::chrono::steady_clock;

Host named(const std::string& name) {
  Host h;
  h.hostname = name;
  return h;
}

TEST(SqliteWriter, AStatementLeftMidResultDoesNotPinTheWritersSnapshot) {
  test::TempDir dir;
  Store server(dir.path() + "/var");
  Store outside(dir.path() + "/var");  // another process, as far as SQLite cares
  server.db().write([](Connection& c) {
    insert_host(c, named("a"));
    insert_host(c, named("b"));
    auto s = c.prepare("SELECT hostname FROM hosts ORDER BY hostname");
    ASSERT_TRUE(s.step());  // one row of two: the statement is still running
  });
  // A lookup that returns at its first row, as find_host does.
  server.db().write([](Connection& c) { ASSERT_TRUE(find_host_by_name(c, "a")); });
  outside.db().write([](Connection& c) { insert_host(c, named("from_outside")); });
  auto t0 = Clock::now();
  server.db().write([](Connection& c) { insert_host(c, named("c")); });
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(1));
  auto total = server.db().read([](Connection& c) { return list_hosts(c, HostFilter{}).second; });
  EXPECT_EQ(total, 4);
}

TEST(SqliteWriter, AWriteWaitsForABriefOutsideLockAndGivesUpAfterItsBudget) {
  test::TempDir dir;
  Store server(dir.path() + "/var");
  Store outside(dir.path() + "/var");
  std::thread holder([&] {
    outside.db().write([](Connection& c) {
      insert_host(c, named("outside"));
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // 300 ms of budget against a 1.5 s lock: BusyError, in about the budget.
  server.db().set_write_budget(std::chrono::milliseconds(300));
  auto t0 = Clock::now();
  EXPECT_THROW(server.db().write([](Connection& c) { insert_host(c, named("too_soon")); }), BusyError);
  auto waited = Clock::now() - t0;
  EXPECT_GE(waited, std::chrono::milliseconds(250));
  EXPECT_LT(waited, std::chrono::milliseconds(1200));
  // The default budget outlasts the lock: the write waits and succeeds.
  server.db().set_write_budget(std::chrono::seconds(15));
  server.db().write([](Connection& c) { insert_host(c, named("patient")); });
  holder.join();
  auto total = server.db().read([](Connection& c) { return list_hosts(c, HostFilter{}).second; });
  EXPECT_EQ(total, 2);
}

TEST(SqliteWriter, TheSameSqlUsedTwiceAtOnceGetsTwoStatements) {
  test::TempDir dir;
  Store s(dir.path() + "/var");
  s.db().write([](Connection& c) {
    insert_host(c, named("a"));
    insert_host(c, named("b"));
  });
  std::vector<std::string> pairs;
  s.db().read([&](Connection& c) {
    const std::string sql = "SELECT hostname FROM hosts ORDER BY hostname";
    auto outer = c.prepare(sql);
    while (outer.step()) {
      auto inner = c.prepare(sql);
      while (inner.step()) pairs.push_back(outer.text(0) + inner.text(0));
    }
  });
  EXPECT_EQ(pairs, (std::vector<std::string>{"aa", "ab", "ba", "bb"}));
}

// Parallel branches number their migrations in separate ranges: one that
// is missing below the highest applied version is applied, not skipped.
TEST(Migrations, AMissingVersionBelowTheHighestIsAppliedAtTheNextOpen) {
  test::TempDir dir;
  {
    Store s(dir.path() + "/var");
    s.db().write([](Connection& c) {
      c.exec("DROP TABLE heartbeat");
      c.exec("DELETE FROM schema_migrations WHERE version = 30");
    });
    EXPECT_EQ(pending_migrations(s.db()), 1);
  }
  Store again(dir.path() + "/var");
  EXPECT_EQ(again.migrations_applied(), 1);
  EXPECT_EQ(pending_migrations(again.db()), 0);
  again.db().write([](Connection& c) { c.exec("INSERT INTO heartbeat (id, beat, pid) VALUES (1, 'now', 1)"); });
}

TEST(Migrations, AStoreThatMayNotMigrateRefusesAnOldDatabaseWithTheReason) {
  test::TempDir dir;
  StoreOptions o;
  o.migrate = false;
  o.migrate_refusal = "drover server pid 42 runs on it";
  try {
    Store s(dir.path() + "/var", o);
    FAIL() << "a new database was migrated";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("drover server pid 42 runs on it"), std::string::npos) << e.what();
  }
  Store migrated(dir.path() + "/var");
  EXPECT_NO_THROW(Store(dir.path() + "/var", o));
}

TEST(Timestamps, UserDatesAreNormalisedToTheStoredUtcForm) {
  EXPECT_EQ(normalize_timestamp("2026-11-25"), "2026-11-25T00:00:00.000Z");
  EXPECT_EQ(normalize_timestamp("2026-11-25T07:30"), "2026-11-25T07:30:00.000Z");
  EXPECT_EQ(normalize_timestamp("2026-11-25T07:30:05Z"), "2026-11-25T07:30:05.000Z");
  EXPECT_EQ(normalize_timestamp("2026-11-25T07:30:05.5+02:00"), "2026-11-25T05:30:05.500Z");
  EXPECT_EQ(normalize_timestamp("2026-01-01T01:00:00-0130"), "2026-01-01T02:30:00.000Z");
  EXPECT_EQ(normalize_timestamp("2026-11-25 07:30:05.123Z"), "2026-11-25T07:30:05.123Z");
  for (const char* bad : {"", "yesterday", "2026-13-01", "2026-02-30", "2026-11-25T25:00", "2026-11-25T07:30Zjunk",
                          "1e9", "2026-11-25T07:30:05+2"})
    EXPECT_FALSE(normalize_timestamp(bad)) << bad;
}

}  // namespace
}  // namespace drover::store
