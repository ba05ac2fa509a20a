#include "inventory/yaml_parser.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "support.hpp"

namespace drover::inventory {
namespace {

using Names = std::vector<std::string>;

TEST(YamlInventory, AllChildrenHostsAndVars) {
  test::TempDir d;
  auto inv = load_text(d, "inv.yml", R"(
all:
  vars:
    ntp: 10.0.0.1
  hosts:
    bastion:
  children:
    web:
      hosts:
        web[1:2].example.com:
          http_port: 8080
      vars:
        tier: front
    db:
      hosts:
        db1:2222:
)");
  EXPECT_EQ(inv.all_group().vars["ntp"], "10.0.0.1");
  EXPECT_EQ(names(inv.hosts_of(*inv.find_group("web"))), (Names{"web1.example.com", "web2.example.com"}));
  EXPECT_EQ(inv.find_host("web2.example.com")->vars["http_port"], 8080);
  EXPECT_EQ(inv.find_group("web")->vars["tier"], "front");
  EXPECT_EQ(inv.find_host("db1")->vars["ansible_port"], 2222);
  // A host directly under all with no other group is also ungrouped.
  EXPECT_EQ(names(inv.hosts_of(*inv.find_group("ungrouped"))), Names{"bastion"});
}

TEST(YamlInventory, StringSectionIsOneName) {
  test::TempDir d;
  auto inv = load_text(d, "inv.yaml", "web:\n  hosts: w1\nall:\n  children: web\n");
  EXPECT_EQ(names(inv.hosts_of(*inv.find_group("web"))), Names{"w1"});
}

TEST(YamlInventory, UnexpectedKeysAreSkippedWithAnsiblesWarning) {
  test::TempDir d;
  auto inv = load_text(d, "inv.yml", "web:\n  host:\n    w1:\n  hosts:\n    w2:\n");
  auto w = inv.take_warnings();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], "Skipping unexpected key (host) in group (web), only \"vars\", \"children\" and \"hosts\" are valid");
  EXPECT_FALSE(inv.find_host("w1"));
}

TEST(YamlInventory, ListWhereAMappingBelongsIsAnError) {
  test::TempDir d;
  std::string path = d.write("inv.yml", "web:\n  hosts:\n    - w1\n    - w2\n");
  try {
    Inventory::load({path});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Invalid \"hosts\" entry for \"web\" group, requires a dictionary"),
              std::string::npos)
        << e.what();
    EXPECT_EQ(e.where().file, path);
  }
}

TEST(YamlInventory, SyntaxErrorsKeepLineAndColumn) {
  test::TempDir d;
  std::string path = d.write("inv.yml", "all:\n  hosts:\n    a: [\n");
  try {
    Inventory::load({path});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.where().file, path);
    EXPECT_GT(e.where().line, 0);
  }
}

TEST(YamlInventory, JsonFileIsReadToo) {
  test::TempDir d;
  auto inv = load_text(d, "inv.json", R"({"web": {"hosts": {"w1": {"x": [1, 2]}}}})");
  EXPECT_EQ(inv.find_host("w1")->vars["x"], Value::parse("[1,2]"));
}

TEST(YamlInventory, FileWithoutExtensionHoldingIniIsIni) {
  test::TempDir d;
  auto inv = load_text(d, "hosts", "[web]\nw1\n");
  EXPECT_EQ(names(inv.hosts_of(*inv.find_group("web"))), Names{"w1"});
}

}  // namespace
}  // namespace drover::inventory
