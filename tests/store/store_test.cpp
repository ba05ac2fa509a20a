// The store on a real SQLite file: migrations, transactions, host queries.
#include <gtest/gtest.h>

#include "harness/process.hpp"
#include "store/host_import.hpp"
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

// The list endpoint writes its page as text straight from the rows: the
// bytes must be what the records' JSON would dump, whatever the strings hold.
TEST(Store, TheHostPageAsTextIsTheDumpOfItsRecords) {
  test::TempDir dir;
  Store s(dir.path() + "/var");
  std::vector<Host> hosts(4);
  hosts[0].hostname = "plain1";
  hosts[0].role = "cache";
  hosts[1].hostname = "quoted2";
  hosts[1].role = "cache";
  hosts[1].platform = "say \"hi\" \\ back\tslash\x01\x1f";
  hosts[1].tags = {"edge", "a\"b"};
  hosts[1].vars = {{"port", 8080}, {"nested", {{"list", {1, "two", nullptr}}}}, {"text", "line1\nline2"}};
  hosts[2].hostname = "unicode3";
  hosts[2].role = "cache";
  hosts[2].line = "电信 telecom";
  hosts[2].vars = {{"city", "北京"}};
  hosts[3].hostname = "other4";
  hosts[3].role = "web";
  s.db().write([&](Connection& c) {
    for (auto& h : hosts) insert_host(c, h);
  });
  for (const char* role : {"cache", "web", "none"}) {
    HostFilter f;
    f.role = role;
    f.limit = 2;
    for (int64_t offset : {0, 1, 2, 5}) {
      f.offset = offset;
      auto [records, total] = s.db().read([&](Connection& c) { return list_hosts(c, f); });
      auto [text, text_total] = s.db().read([&](Connection& c) { return list_hosts_json(c, f); });
      EXPECT_EQ(text_total, total);
      EXPECT_EQ(text, hosts_to_json(records).dump()) << role << " offset " << offset;
    }
  }
  // The total follows every write (the count is memoised per reader until
  // the database changes).
  HostFilter caches;
  caches.role = "cache";
  auto total = [&] { return s.db().read([&](Connection& c) { return list_hosts_json(c, caches).second; }); };
  EXPECT_EQ(total(), 3);
  Host more;
  more.hostname = "late5";
  more.role = "cache";
  s.db().write([&](Connection& c) { insert_host(c, more); });
  for (int i = 0; i < 8; ++i) EXPECT_EQ(total(), 4);  // every reader connection
  s.db().write([&](Connection& c) { c.prepare("DELETE FROM hosts WHERE hostname = 'plain1'").run(); });
  for (int i = 0; i < 8; ++i) EXPECT_EQ(total(), 3);
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
