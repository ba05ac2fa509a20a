#include "inventory/inventory_dump.hpp"

#include <gtest/gtest.h>

#include "support.hpp"

namespace drover::inventory {
namespace {

TEST(InventoryDump, ListDropsEmptyGroupsAndInternalVars) {
  test::TempDir d;
  auto inv = load_text(d, "hosts", "h0\n[web]\nw1 x=1\n[empty]\n");
  Value doc = list_document(inv, {});
  EXPECT_EQ(doc["all"]["children"], Value::parse(R"(["ungrouped","web","empty"])"));
  EXPECT_FALSE(doc.contains("empty"));
  EXPECT_EQ(doc["web"]["hosts"], Value::parse(R"(["w1"])"));
  EXPECT_EQ(doc["_meta"]["hostvars"], Value::parse(R"({"w1": {"x": 1}})")) << "inventory_file is internal";
}

TEST(InventoryDump, LimitLeavesOtherHostsOut) {
  test::TempDir d;
  auto inv = load_text(d, "hosts", "[web]\nw1\nw2\n[db]\nd1\n");
  auto only = inv.select("all", "w2");
  DumpOptions o;
  o.only = &only;
  Value doc = list_document(inv, o);
  EXPECT_EQ(doc["web"]["hosts"], Value::parse(R"(["w2"])"));
  EXPECT_FALSE(doc.contains("db"));
  EXPECT_EQ(graph_text(inv, inv.all_group(), o), "@all:\n  |--@ungrouped:\n  |--@web:\n  |  |--w2\n  |--@db:");
}

TEST(InventoryDump, GraphShowsVarsSortedWithPythonStr) {
  test::TempDir d;
  auto inv = load_text(d, "hosts", "[g]\nh b=[1,2] a=True\n[g:vars]\nz=word\n");
  DumpOptions o;
  o.show_vars = true;
  EXPECT_EQ(graph_text(inv, *inv.find_group("g"), o), "@g:\n  |--h\n  |  |--{a = True}\n  |  |--{b = [1, 2]}\n"
                                                      "  |  |--{z = word}\n  |--{z = word}");
}

TEST(YamlDump, QuotesWhatWouldReadBackAsAnotherType) {
  Value v = Value::parse(R"({"b": ["yes", "123", "plain", "a: b", ""], "a": {"n": null, "t": true, "f": 1.5}})");
  EXPECT_EQ(yaml_dump(v),
            "a:\n  f: 1.5\n  n: null\n  t: true\nb:\n- 'yes'\n- '123'\n- plain\n- 'a: b'\n- ''\n");
}

}  // namespace
}  // namespace drover::inventory
