// CSV and JSON host import: what parses, and where a bad row is reported.
#include <gtest/gtest.h>

#include "store/host_import.hpp"

namespace drover::store {
namespace {

TEST(HostCsv, ParsesQuotedFieldsTagsAndVars) {
  auto hosts = parse_hosts_csv(
      "hostname,role,tags,vars\r\n"
      "a,cache,edge; ssd,\"{\"\"port\"\": 80}\"\r\n"
      "\"b-1\",web,,\n");
  ASSERT_EQ(hosts.size(), 2u);
  EXPECT_EQ(hosts[0].tags, (std::vector<std::string>{"edge", "ssd"}));
  EXPECT_EQ(hosts[0].vars["port"], 80);
  EXPECT_EQ(hosts[1].role, "web");
}

TEST(HostCsv, ReportsTheRowAndColumnOfTheFirstBadCell) {
  try {
    parse_hosts_csv("hostname,status\na,online\nb,online\nc,asleep\n");
    FAIL() << "no error";
  } catch (const ImportError& e) {
    EXPECT_EQ(e.row(), 4);
    EXPECT_EQ(e.column(), "status");
  }
}

TEST(HostCsv, ReportsUnknownColumnsWrongFieldCountsAndDuplicates) {
  EXPECT_THROW(parse_hosts_csv("hostname,colour\na,red\n"), ImportError);
  EXPECT_THROW(parse_hosts_csv("role\ncache\n"), ImportError);
  try {
    parse_hosts_csv("hostname,role\na,cache\nb\n");
    FAIL();
  } catch (const ImportError& e) {
    EXPECT_EQ(e.row(), 3);
  }
  try {
    parse_hosts_csv("hostname\na\na\n");
    FAIL();
  } catch (const ImportError& e) {
    EXPECT_EQ(e.row(), 3);
    EXPECT_EQ(e.column(), "hostname");
  }
}

TEST(HostCsv, ExportParsesBackToTheSameHosts) {
  Host h;
  h.hostname = "x";
  h.tags = {"a", "b"};
  h.vars = {{"q", "say \"hi\", then\nleave"}};
  auto back = parse_hosts_csv(hosts_to_csv({h}));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].tags, h.tags);
  EXPECT_EQ(back[0].vars, h.vars);
}

TEST(HostJson, ReportsTheItemIndexAndField) {
  try {
    parse_hosts_json(Value::parse(R"([{"hostname": "a"}, {"hostname": "b", "tags": 3}])"));
    FAIL();
  } catch (const ImportError& e) {
    EXPECT_EQ(e.row(), 1);
    EXPECT_EQ(e.column(), "tags");
  }
}

}  // namespace
}  // namespace drover::store
