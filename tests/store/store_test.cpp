// The store on a real SQLite file: migrations, transactions, host queries.
#include <gtest/gtest.h>

#include "harness/process.hpp"
#include "store/hosts.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"

namespace drover::store {
namespace {

TEST(Store, FirstOpenAppliesEveryMigrationAndTheSecondNone) {
  test::TempDir dir;
  {
    Store s(dir.path() + "/var");
    EXPECT_EQ(s.migrations_applied(), static_cast<int>(builtin_migrations().size()));
  }
  Store again(dir.path() + "/var");
  EXPECT_EQ(again.migrations_applied(), 0);
  EXPECT_EQ(schema_version(again.db()), builtin_migrations().back().version);
}

TEST(Store, AFailedWriteRollsBackEverything) {
  test::TempDir dir;
  Store s(dir.path() + "/var");
  Host a;
  a.hostname = "a";
  EXPECT_THROW(s.db().write([&](Connection& c) {
    insert_host(c, a);
    insert_host(c, a);  // duplicate: the first insert must go too
  }),
               ConstraintError);
  auto total = s.db().read([](Connection& c) { return list_hosts(c, HostFilter{}).second; });
  EXPECT_EQ(total, 0);
}

TEST(Store, ReadersSeeCommittedWrites) {
  test::TempDir dir;
  Store s(dir.path() + "/var");
  Host h;
  h.hostname = "web1";
  h.role = "web";
  h.tags = {"edge", "ssd"};
  s.db().write([&](Connection& c) { insert_host(c, h); });
  HostFilter f;
  f.tag = "ssd";
  auto [hosts, total] = s.db().read([&](Connection& c) { return list_hosts(c, f); });
  ASSERT_EQ(total, 1);
  EXPECT_EQ(hosts[0].hostname, "web1");
  EXPECT_EQ(hosts[0].tags, (std::vector<std::string>{"edge", "ssd"}));
}

TEST(Store, ADatabaseNewerThanTheBinaryIsRefused) {
  test::TempDir dir;
  {
    Store s(dir.path() + "/var");
    s.db().write([](Connection& c) {
      c.exec("INSERT INTO schema_migrations (version, name, applied) VALUES (9999, 'future', 'now')");
    });
  }
  EXPECT_THROW(Store(dir.path() + "/var"), StoreError);
}

TEST(HostValidation, RefusesUnknownFieldsBadStatusAndBadHostnames) {
  EXPECT_THROW(parse_host(Value{{"hostname", "a"}, {"colour", "red"}}), FieldError);
  EXPECT_THROW(parse_host(Value{{"hostname", "a"}, {"status", "asleep"}}), FieldError);
  EXPECT_THROW(parse_host(Value{{"hostname", "a b"}}), FieldError);
  EXPECT_THROW(parse_host(Value{{"ip", "1.2.3.4"}}), FieldError);
  EXPECT_EQ(parse_host(Value{{"hostname", "a"}, {"tags", {"x", "x"}}}).tags, std::vector<std::string>{"x"});
}

}  // namespace
}  // namespace drover::store
