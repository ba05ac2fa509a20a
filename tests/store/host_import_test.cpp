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

TEST(HostCsv, AByteOrderMarkAndSpacedHeadersAreAccepted) {
  auto hosts = parse_hosts_csv("\xEF\xBB\xBFhostname, ip , Role\nweb1, 10.0.0.1, web\n");
  ASSERT_EQ(hosts.size(), 1u);
  EXPECT_EQ(hosts[0].hostname, "web1");
  EXPECT_EQ(hosts[0].ip, "10.0.0.1");
  EXPECT_EQ(hosts[0].role, "web");
}

// OWASP's CSV injection rule: a cell a spreadsheet would run as a formula
// gets a leading ', and the import takes it off again.
TEST(HostCsv, ExportDefusesFormulasAndTheImportGivesBackTheSameValues) {
  Host h;
  h.hostname = "x";
  h.ip = "10.0.0.1";
  h.role = "=HYPERLINK(\"http://evil\",\"click\")";
  h.platform = "+1";
  h.machine_type = "-5";
  h.line = "@SUM(A1)";
  h.idc = "\tcmd";
  h.region = "'=already quoted";
  h.tags = {"-edge", "plain"};
  std::string csv = hosts_to_csv({h});
  EXPECT_NE(csv.find(",\"'=HYPERLINK("), std::string::npos) << csv;
  EXPECT_NE(csv.find(",'+1,'-5,'@SUM(A1),'\tcmd,''=already quoted,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",'-edge;plain,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("x,10.0.0.1,"), std::string::npos) << "an IP is not a formula: " << csv;
  // No cell of the data row starts with a formula character.
  size_t row = csv.find('\n') + 1;
  for (size_t i = row; i < csv.size(); ++i) {
    if (i == row || csv[i - 1] == ',') {
      EXPECT_EQ(std::string("=+-@").find(csv[i]), std::string::npos) << csv;
    }
  }
  auto back = parse_hosts_csv(csv);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].role, h.role);
  EXPECT_EQ(back[0].platform, "+1");
  EXPECT_EQ(back[0].machine_type, "-5");
  EXPECT_EQ(back[0].line, "@SUM(A1)");
  EXPECT_EQ(back[0].idc, "\tcmd");
  EXPECT_EQ(back[0].region, "'=already quoted");
  EXPECT_EQ(back[0].tags, h.tags);
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
