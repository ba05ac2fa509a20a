#include "inventory/host_pattern.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "support.hpp"

namespace drover::inventory {
namespace {

using Names = std::vector<std::string>;

class HostPatterns : public ::testing::Test {
 protected:
  void SetUp() override {
    inv_ = std::make_unique<Inventory>(load_text(dir_, "hosts", R"(
solo
[web]
web1
web2
web3
[db]
db1
db2
web1
[edge]
e[1:4]
[line_ct]
e2
e4
db2
[cdn:children]
edge
)"));
  }
  Names sel(std::string_view p, std::string_view limit = {}) { return select_names(*inv_, p, limit); }
  test::TempDir dir_;
  std::unique_ptr<Inventory> inv_;
};

TEST_F(HostPatterns, AllAndStarInInventoryOrder) {
  Names all{"solo", "web1", "web2", "web3", "db1", "db2", "e2", "e4", "e1", "e3"};
  // all: ungrouped, then top-level groups in order (web, db, line_ct, cdn),
  // then deeper groups.
  EXPECT_EQ(sel("all"), all);
  EXPECT_EQ(sel("*"), all);
}

TEST_F(HostPatterns, GroupsAndHostsByName) {
  EXPECT_EQ(sel("web"), (Names{"web1", "web2", "web3"}));
  EXPECT_EQ(sel("cdn"), (Names{"e1", "e2", "e3", "e4"}));
  EXPECT_EQ(sel("db2"), Names{"db2"});
}

TEST_F(HostPatterns, UnionKeepsFirstOccurrence) {
  EXPECT_EQ(sel("db:web"), (Names{"db1", "db2", "web1", "web2", "web3"}));
  EXPECT_EQ(sel("db,web"), (Names{"db1", "db2", "web1", "web2", "web3"}));
}

TEST_F(HostPatterns, IntersectionAndExclusion) {
  EXPECT_EQ(sel("edge:&line_ct"), (Names{"e2", "e4"}));
  EXPECT_EQ(sel("web:!db"), (Names{"web2", "web3"}));
  EXPECT_EQ(sel("!db:web"), (Names{"web2", "web3"})) << "exclusions apply last wherever they are written";
  EXPECT_EQ(sel("&web"), (Names{"web1", "web2", "web3"})) << "a pattern without a union starts from all";
}

TEST_F(HostPatterns, GlobsMatchGroupsAndHosts) {
  EXPECT_EQ(sel("web*"), (Names{"web1", "web2", "web3"}));
  EXPECT_EQ(sel("e[!24]"), (Names{"e1", "e3"}));
  EXPECT_EQ(sel("e[13]"), Names{}) << "a trailing [N] is a subscript, not a glob set";
  EXPECT_EQ(sel("d?1"), Names{"db1"});
  EXPECT_EQ(sel("WEB*"), Names{}) << "globs are case-sensitive";
}

TEST_F(HostPatterns, RegexIsAnchoredAtTheStartOnly) {
  EXPECT_EQ(sel("~e[12]"), (Names{"e1", "e2"}));
  EXPECT_EQ(sel("~eb"), Names{});
  EXPECT_EQ(sel("~(web|db)1"), (Names{"web1", "db1"}));
}

TEST_F(HostPatterns, SubscriptsAreInclusive) {
  EXPECT_EQ(sel("web[0]"), Names{"web1"});
  EXPECT_EQ(sel("web[-1]"), Names{"web3"});
  EXPECT_EQ(sel("web[0:1]"), (Names{"web1", "web2"}));
  EXPECT_EQ(sel("web[1:]"), (Names{"web2", "web3"}));
  EXPECT_EQ(sel("cdn[1:2]:db[0]"), (Names{"e2", "e3", "db1"}));
  EXPECT_THROW(sel("web[7]"), Error);
  // Subscripts past any integer select as Python slices do, never abort.
  const std::string huge(30, '9');
  EXPECT_THROW(sel("web[" + huge + "]"), Error);
  EXPECT_THROW(sel("web[-" + huge + "]"), Error);
  EXPECT_EQ(sel("web[1:" + huge + "]"), (Names{"web2", "web3"}));
  EXPECT_EQ(sel("web[" + huge + ":]"), Names{});
}

TEST_F(HostPatterns, LimitIntersectsThePattern) {
  EXPECT_EQ(sel("all", "edge:&line_ct"), (Names{"e2", "e4"}));
  EXPECT_EQ(sel("web", "db"), Names{"web1"});
  EXPECT_EQ(sel("web", "!web2"), (Names{"web1", "web3"}));
}

TEST_F(HostPatterns, LimitFromFileOnePatternPerLine) {
  std::string file = dir_.write("limit.txt", "web2\n\ndb*\n");
  EXPECT_EQ(sel("all", "@" + file), (Names{"web1", "web2", "db1", "db2"}));
  EXPECT_THROW(sel("all", "@/nonexistent/limit"), Error);
}

TEST_F(HostPatterns, UnmatchedPatternsGiveAnsiblesWarning) {
  std::vector<std::string> warnings;
  auto hosts = inv_->select("web:nothere:&zz", {}, &warnings);
  EXPECT_TRUE(hosts.empty());
  EXPECT_EQ(warnings, (Names{"Could not match supplied host pattern, ignoring: nothere",
                             "Could not match supplied host pattern, ignoring: zz"}));
}

TEST_F(HostPatterns, ImplicitLocalhostOnlyByName) {
  EXPECT_EQ(sel("localhost"), Names{"localhost"});
  EXPECT_EQ(sel("127.0.0.1"), Names{"127.0.0.1"});
  const Host* lh = inv_->select("localhost")[0];
  EXPECT_TRUE(lh->implicit);
  EXPECT_EQ(lh->vars["ansible_connection"], "local");
  EXPECT_EQ(sel("all").size(), 10u);
}

TEST(HostPatternSplit, ColonsCommasAndAddresses) {
  EXPECT_EQ(split_host_pattern("a:b:&c:!d"), (Names{"a", "b", "&c", "!d"}));
  EXPECT_EQ(split_host_pattern("a, b[1], c[2:3] , d"), (Names{"a", "b[1]", "c[2:3]", "d"}));
  EXPECT_EQ(split_host_pattern("web[0:9]:db"), (Names{"web[0:9]", "db"}));
  EXPECT_EQ(split_host_pattern("fe80::1"), Names{"fe80::1"});
}

TEST(Fnmatch, PythonSemantics) {
  EXPECT_TRUE(fnmatch_case("a*", "a/b"));
  EXPECT_TRUE(fnmatch_case("[!x]y", "zy"));
  EXPECT_FALSE(fnmatch_case("[!x]y", "xy"));
  EXPECT_TRUE(fnmatch_case("[a-c]1", "b1"));
  EXPECT_TRUE(fnmatch_case("a[", "a["));
  EXPECT_TRUE(fnmatch_case("*.net", "x.cdn.net"));
  EXPECT_FALSE(fnmatch_case("*.net", "x.cdn.ne"));
}

}  // namespace
}  // namespace drover::inventory
