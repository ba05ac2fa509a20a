#include "inventory/ini_parser.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "support.hpp"

namespace drover::inventory {
namespace {

using Names = std::vector<std::string>;

TEST(IniInventory, HostsBeforeAnySectionAreUngrouped) {
  test::TempDir d;
  auto inv = load_text(d, "hosts", "alpha\nbeta\n[web]\nw1\n");
  EXPECT_EQ(names(inv.hosts_of(*inv.find_group("ungrouped"))), (Names{"alpha", "beta"}));
  EXPECT_EQ(names(inv.hosts_of(*inv.find_group("web"))), Names{"w1"});
}

TEST(IniInventory, HostVarsFollowPythonLiteralRules) {
  test::TempDir d;
  auto inv = load_text(d, "hosts", "[web]\nw1 a=1 b=\"x y\" c=[1,2] d=True e=\"1\" f=hello g= h='a#b'\n");
  const Value& v = inv.find_host("w1")->vars;
  EXPECT_EQ(v["a"], 1);
  EXPECT_EQ(v["b"], "x y");
  EXPECT_EQ(v["c"], Value::parse("[1,2]"));
  EXPECT_EQ(v["d"], true);
  EXPECT_EQ(v["e"], 1) << "shlex removes the quotes before literal_eval sees the value";
  EXPECT_EQ(v["f"], "hello");
  EXPECT_EQ(v["g"], "");
  EXPECT_EQ(v["h"], "a#b");
}

TEST(IniInventory, GroupVarsKeepTheirQuotesAndRestOfLine) {
  test::TempDir d;
  auto inv = load_text(d, "hosts", "[web]\nw1\n[web:vars]\na = \"1\"\nb=two words\nc = 0x10 # hex\nd=x=y\n");
  const Value& v = inv.find_group("web")->vars;
  EXPECT_EQ(v["a"], "1");
  EXPECT_EQ(v["b"], "two words");
  EXPECT_EQ(v["c"], 16);
  EXPECT_EQ(v["d"], "x=y");
}

TEST(IniInventory, CommentsWithHashAndSemicolon) {
  test::TempDir d;
  auto inv = load_text(d, "hosts", "# c\n; c\n[web] # trailing\nw1 # inline\nw2#glued\n  ; indented\n");
  EXPECT_EQ(names(inv.hosts_of(*inv.find_group("web"))), (Names{"w1", "w2"}));
  EXPECT_TRUE(inv.find_host("w1")->vars.contains("inventory_file"));
}

TEST(IniInventory, ChildrenMayBeDeclaredBeforeTheirGroups) {
  test::TempDir d;
  auto inv = load_text(d, "hosts", "[cdn:children]\nedge\nmid\n[edge]\ne1\n[mid]\nm1\n");
  const Group* cdn = inv.find_group("cdn");
  ASSERT_TRUE(cdn);
  EXPECT_EQ(names(inv.hosts_of(*cdn)), (Names{"e1", "m1"}));
  EXPECT_EQ(inv.find_group("edge")->depth, 2);
}

TEST(IniInventory, RangesAndPortsOnHostLines) {
  test::TempDir d;
  auto inv = load_text(d, "hosts", "[web]\nweb[01:03].cdn.net:2222 x=1\n");
  EXPECT_EQ(names(inv.hosts_of(*inv.find_group("web"))), (Names{"web01.cdn.net", "web02.cdn.net", "web03.cdn.net"}));
  EXPECT_EQ(inv.find_host("web02.cdn.net")->vars["ansible_port"], 2222);
  EXPECT_EQ(inv.find_host("web03.cdn.net")->vars["x"], 1);
}

TEST(IniInventory, GroupPriorityIsNotAVariable) {
  test::TempDir d;
  auto inv = load_text(d, "hosts", "[a]\nh\n[a:vars]\nansible_group_priority=10\n");
  EXPECT_EQ(inv.find_group("a")->priority, 10);
  EXPECT_FALSE(inv.find_group("a")->vars.contains("ansible_group_priority"));
}

// Each malformed input: the message Ansible gives, at file:line.
struct BadIni {
  const char* text;
  int line;
  const char* message;
};

class IniErrors : public ::testing::TestWithParam<BadIni> {};

TEST_P(IniErrors, NameTheFileLineAndWhatWasExpected) {
  test::TempDir d;
  std::string path = d.write("hosts", GetParam().text);
  try {
    Inventory::load({path});
    FAIL() << "no error for: " << GetParam().text;
  } catch (const Error& e) {
    EXPECT_EQ(e.where().file, path);
    EXPECT_EQ(e.where().line, GetParam().line);
    EXPECT_NE(std::string(e.what()).find(GetParam().message), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path + ":" + std::to_string(GetParam().line) + ": "), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Ansible, IniErrors,
    ::testing::Values(
        BadIni{"[web]\nweb1 foo\n", 2, "Expected key=value host variable assignment, got: foo"},
        BadIni{"[web]\nw\n[web:child]\nx\n", 3, "Section [web:child] has unknown type: child"},
        BadIni{"[web]\nw\n[web:vars]\nnovalue\n", 4, "Expected key=value, got: novalue"},
        BadIni{"[a:children]\nb c\n", 2, "Expected group name, got: b c"},
        BadIni{"[my group]\n", 1, "Invalid section entry: '[my group]'"},
        BadIni{"[web]\nw1 x=\"open\n", 2, "Error parsing host definition 'w1 x=\"open': No closing quotation"},
        BadIni{"\n[a:vars]\nx=1\n", 2, "Section [a:vars] not valid for undefined group: a"},
        BadIni{"[a:children]\nmissing\n", 2, "Section [a:children] includes undefined group: missing"},
        BadIni{"[web]\nhost:\n", 2, "ending in ':' is not allowed"},
        BadIni{"[a]\nh[1:2:3:4]\n", 2, "host range must be begin:end or begin:end:step"},
        BadIni{"[a:children]\nb\n[b:children]\na\n", 4, "creates a recursive dependency loop"}));

TEST(Shlex, SplitsLikePythonShlexWithComments) {
  EXPECT_EQ(shlex_split("a x=\"a b\" y='c d' z=a\\ b"), (Names{"a", "x=a b", "y=c d", "z=a b"}));
  EXPECT_EQ(shlex_split("h x=\"a\\\"b\" y=\"a\\nb\""), (Names{"h", "x=a\"b", "y=a\\nb"}));
  EXPECT_EQ(shlex_split("h x=\"\""), (Names{"h", "x="}));
  EXPECT_EQ(shlex_split("web1#foo x=1"), (Names{"web1"}));
  EXPECT_THROW(shlex_split("a 'b"), Error);
}

}  // namespace
}  // namespace drover::inventory
