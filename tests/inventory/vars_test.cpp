#include <gtest/gtest.h>

#include "core/error.hpp"
#include "inventory/vars_directory.hpp"
#include "support.hpp"

namespace drover::inventory {
namespace {

using Names = std::vector<std::string>;

TEST(InventoryVars, ChildGroupsOverrideParentsAndAll) {
  test::TempDir d;
  auto inv = load_text(d, "hosts", R"(
[top:children]
mid
[mid:children]
leaf
[leaf]
h1
[all:vars]
v=all
a=all
[top:vars]
v=top
t=top
[mid:vars]
v=mid
[leaf:vars]
v=leaf
)");
  Value v = inv.vars_for(*inv.find_host("h1"));
  EXPECT_EQ(v["v"], "leaf");
  EXPECT_EQ(v["t"], "top");
  EXPECT_EQ(v["a"], "all");
}

TEST(InventoryVars, SameDepthOrderedByPriorityThenName) {
  test::TempDir d;
  auto inv = load_text(d, "hosts", R"(
[b]
h1
[a]
h1
[b:vars]
x=b
[a:vars]
x=a
)");
  EXPECT_EQ(inv.vars_for(*inv.find_host("h1"))["x"], "b") << "b sorts after a, so it wins";
  auto inv2 = load_text(d, "hosts2", "[b]\nh1\n[a]\nh1\n[b:vars]\nx=b\n[a:vars]\nx=a\nansible_group_priority=5\n");
  EXPECT_EQ(inv2.vars_for(*inv2.find_host("h1"))["x"], "a");
}

TEST(InventoryVars, HostVarsBeatGroupVars) {
  test::TempDir d;
  auto inv = load_text(d, "hosts", "[g]\nh1 x=host\n[g:vars]\nx=group\n");
  EXPECT_EQ(inv.vars_for(*inv.find_host("h1"))["x"], "host");
}

TEST(InventoryVars, FilesBesideTheInventoryOverrideTheInventoryFile) {
  test::TempDir d;
  d.write("group_vars/all.yml", "a: from_all_file\nb: from_all_file\n");
  d.write("group_vars/g", "b: from_g_file\nc: from_g_file\n");
  d.write("host_vars/h1/10.yml", "d: one\ne: one\n");
  d.write("host_vars/h1/20.json", "{\"e\": \"two\"}");
  d.write("host_vars/h1/.hidden.yml", "e: hidden\n");
  d.write("host_vars/h1/notes.txt", "e: txt\n");
  auto inv = load_text(d, "hosts", "[g]\nh1 c=inline d=inline\n[g:vars]\nb=group_inline\n[all:vars]\na=all_inline\n");
  Value v = inv.vars_for(*inv.find_host("h1"));
  EXPECT_EQ(v["a"], "from_all_file");
  EXPECT_EQ(v["b"], "from_g_file");
  EXPECT_EQ(v["c"], "inline") << "inventory host vars beat group_vars files";
  EXPECT_EQ(v["d"], "one") << "host_vars files beat inventory host vars";
  EXPECT_EQ(v["e"], "two") << "files of a host_vars dir merge in sorted order, hidden and .txt skipped";
}

TEST(InventoryVars, FirstMatchingExtensionWins) {
  test::TempDir d;
  d.write("group_vars/g.yml", "x: yml\n");
  d.write("group_vars/g.yaml", "x: yaml\n");
  auto inv = load_text(d, "hosts", "[g]\nh\n");
  EXPECT_EQ(inv.vars_for(*inv.find_host("h"))["x"], "yml");
}

TEST(InventoryVars, PlaybookDirsComeAfterInventoryDirs) {
  test::TempDir d;
  d.write("inv/group_vars/g.yml", "x: inv\ny: inv\n");
  d.write("play/group_vars/all.yml", "x: play_all\n");
  d.write("play/group_vars/g.yml", "y: play_g\n");
  d.write("play/host_vars/h.yml", "z: play_h\n");
  auto inv = Inventory::load({d.write("inv/hosts", "[g]\nh z=inline\n")});
  VarsDirectory play(d.path() + "/play");
  Value v = inv.vars_for(*inv.find_host("h"), {&play});
  EXPECT_EQ(v["x"], "inv") << "group_vars/g beats group_vars/all whatever the directory";
  EXPECT_EQ(v["y"], "play_g");
  EXPECT_EQ(v["z"], "play_h");
}

TEST(InventoryVars, MalformedVarsFileIsAnErrorWithItsPath) {
  test::TempDir d;
  d.write("group_vars/g.yml", "- a\n- b\n");
  EXPECT_THROW(load_text(d, "hosts", "[g]\nh\n"), Error);
}

TEST(InventoryVars, GroupNamesAndGroupsMagicVariables) {
  test::TempDir d;
  auto inv = load_text(d, "hosts", "[z]\nh1\n[a:children]\nz\n[b]\nh2\n");
  EXPECT_EQ(inv.group_names(*inv.find_host("h1")), (Names{"a", "z"}));
  Value g = inv.groups_value();
  // b is a child of all; z only under a, one level deeper: its host comes later.
  EXPECT_EQ(g["all"], Value::parse(R"(["h2","h1"])"));
  EXPECT_EQ(g["a"], Value::parse(R"(["h1"])"));
  EXPECT_EQ(g["ungrouped"], Value::array());
}

TEST(InventoryMutation, AddHostAndGroupByAtRunTime) {
  test::TempDir d;
  auto inv = load_text(d, "hosts", "[web]\nw1\n");
  EXPECT_TRUE(inv.add_dynamic_host("new1", {"fresh"}, Value{{"k", 1}}));
  EXPECT_FALSE(inv.add_dynamic_host("new1", {"fresh"}, Value{{"k", 1}}));
  EXPECT_EQ(select_names(inv, "fresh"), Names{"new1"});
  EXPECT_EQ(inv.vars_for(*inv.find_host("new1"))["k"], 1);
  EXPECT_TRUE(inv.add_dynamic_group(*inv.find_host("w1"), "os_linux", {"os"}));
  EXPECT_EQ(select_names(inv, "os"), Names{"w1"});
  EXPECT_EQ(select_names(inv, "ungrouped"), Names{});
}

}  // namespace
}  // namespace drover::inventory
