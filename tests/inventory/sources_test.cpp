#include "inventory/sources.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "support.hpp"

namespace drover::inventory {
namespace {

using Names = std::vector<std::string>;

TEST(InventorySources, DirectoryReadsEveryFileSortedSkippingIgnoredNames) {
  test::TempDir d;
  d.write("inv/b.yml", "all:\n  hosts:\n    y1:\n");
  d.write("inv/a", "x1\nx2\n");
  d.write("inv/c.ini", "ini_is_ignored_in_dirs\n");
  d.write("inv/notes.txt", "ignored\n");
  d.write("inv/.hidden", "ignored\n");
  d.write("inv/old~", "ignored\n");
  d.write("inv/sub/z", "z1\n");
  d.write("inv/group_vars/all.yml", "from_dir: 1\n");
  auto inv = Inventory::load({d.path() + "/inv"});
  // y1 sits directly in `all`, whose own hosts come before its children's.
  EXPECT_EQ(select_names(inv, "all"), (Names{"y1", "x1", "x2", "z1"}));
  EXPECT_EQ(inv.vars_for(*inv.find_host("z1"))["from_dir"], 1);
}

TEST(InventorySources, SeveralSourcesMergeInOrder) {
  test::TempDir d;
  std::string a = d.write("a/hosts", "[web]\nw1 x=a\n[web:vars]\ng=a\n");
  std::string b = d.write("b/hosts.yml", "web:\n  hosts:\n    w2:\n    w1:\n      x: b\n  vars:\n    g: b\n");
  d.write("a/host_vars/w2.yml", "from_a: yes\n");
  auto inv = Inventory::load({a, b});
  EXPECT_EQ(select_names(inv, "web"), (Names{"w1", "w2"}));
  EXPECT_EQ(inv.find_host("w1")->vars["x"], "b");
  EXPECT_EQ(inv.find_host("w1")->vars["inventory_file"], a) << "the first source that names a host";
  EXPECT_EQ(inv.find_group("web")->vars["g"], "b");
  EXPECT_EQ(inv.vars_for(*inv.find_host("w2"))["from_a"], true) << "host_vars of every source apply to every host";
}

TEST(InventorySources, CommaHostList) {
  auto inv = Inventory::load({"h1,h2:2222, ,h3,"});
  EXPECT_EQ(select_names(inv, "ungrouped"), (Names{"h1", "h2", "h3"}));
  EXPECT_EQ(inv.find_host("h2")->vars["ansible_port"], 2222);
}

TEST(InventorySources, MissingSourceWarnsAndLeavesOnlyLocalhost) {
  auto inv = Inventory::load({"/nonexistent/inventory"});
  auto w = inv.take_warnings();
  EXPECT_EQ(w, (Names{"Unable to parse /nonexistent/inventory as an inventory source", kNoInventoryParsedWarning}));
  EXPECT_TRUE(inv.hosts().empty());
  EXPECT_EQ(select_names(inv, "localhost"), Names{"localhost"});
  EXPECT_EQ(select_names(inv, "all"), Names{});
}

TEST(InventorySources, ExecutableScriptIsRunWithList) {
  test::TempDir d;
  std::string script = d.write("inv.sh",
                               "#!/bin/sh\n[ \"$1\" = --list ] && echo '{\"web\": [\"s1\"], \"db\": {\"hosts\": "
                               "[\"s2\"], \"vars\": {\"v\": 1}}}' || echo '{\"hv\": \"'$2'\"}'\n");
  chmod(script.c_str(), 0755);
  auto inv = Inventory::load({script});
  EXPECT_EQ(select_names(inv, "all"), (Names{"s1", "s2"}));
  EXPECT_EQ(inv.find_group("db")->vars["v"], 1);
  EXPECT_EQ(inv.find_host("s2")->vars["hv"], "s2") << "no _meta: --host is asked per host";
}

TEST(InventorySources, ExecutableIniFileIsStillReadAsIni) {
  test::TempDir d;
  std::string path = d.write("hosts", "[web]\nw1\n");
  chmod(path.c_str(), 0755);
  auto inv = Inventory::load({path});
  EXPECT_EQ(select_names(inv, "web"), Names{"w1"});
}

TEST(InventorySources, IgnoreRules) {
  EXPECT_TRUE(ignored_in_inventory_dir("hosts.ini"));
  EXPECT_TRUE(ignored_in_inventory_dir("group_vars"));
  EXPECT_TRUE(ignored_in_inventory_dir("x.retry"));
  EXPECT_FALSE(ignored_in_inventory_dir("hosts"));
  EXPECT_FALSE(ignored_in_inventory_dir("prod.yml"));
}

TEST(InventorySources, RelativeSourcesBecomeAbsolute) {
  EXPECT_EQ(normalize_source_path("/a/b/../c/./d"), "/a/c/d");
  EXPECT_EQ(normalize_source_path("/a//b/"), "/a/b");
}

}  // namespace
}  // namespace drover::inventory
