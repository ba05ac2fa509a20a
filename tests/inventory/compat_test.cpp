// drover's inventory against ansible-core 2.14 itself: the same inventories
// through `drover inventory` and /usr/bin/ansible-inventory (JSON compared
// as data for --list/--host, text for --graph), and many host patterns
// through Inventory::select and ansible's InventoryManager (one Python
// process for all patterns, checked against `ansible --list-hosts` too).
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <map>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/value.hpp"
#include "core/yaml.hpp"
#include "support.hpp"

namespace drover::inventory {
namespace {

// Lines of `ansible --list-hosts` output, stripped, empty ones dropped.
std::vector<std::string> split_lines_for_test(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& l : split_lines(text)) {
    std::string t = trim(l);
    if (!t.empty()) out.push_back(t);
  }
  return out;
}

struct Fixture {
  std::string name;
  std::map<std::string, std::string> files;  // relative path -> content
  std::vector<std::string> sources;          // relative to the temp dir, or host lists
};

std::vector<Fixture> fixtures() {
  return {
      {"ini_basics",
       {{"hosts", R"(
h0 a=1
[web]
web[1:3] x=1 y="a b" z=[1,2] t=True n=None f=1.5 s='q' d="{'k': [1, 'v']}"
db1:2222 ansible_host=10.0.0.1
[web:vars]
gv = "quoted" # comment
gv2 = 0x10
gv3 = plain words
[dbs:children]
web
[g-1]
h5
)"}},
       {"hosts"}},
      {"yaml_nested",
       {{"inv.yml", R"(
all:
  vars:
    ntp: 10.0.0.1
    list: [1, 2]
  hosts:
    bastion:
      ansible_port: 2200
  children:
    cdn:
      vars: {tier: cdn}
      children:
        edge:
          hosts:
            edge[01:04].cdn.net:
              rack: a
          vars: {tier: edge}
        mid:
          hosts:
            mid-[a:c]:
    line_ct:
      hosts:
        edge02.cdn.net:
        edge04.cdn.net:
          rack: b
ungrouped:
  hosts:
    loose:
)"}},
       {"inv.yml"}},
      {"dir_with_vars",
       {{"inv/10-base", "[web]\nw[1:2]\n[db]\nd1\n[app:children]\nweb\ndb\n[all:vars]\nx=inv_all\n"},
        {"inv/20-extra.yml", "web:\n  hosts:\n    w3:\n  vars:\n    x: inv_web\n"},
        {"inv/skip.ini", "ignored_host\n"},
        {"inv/README.md", "not inventory\n"},
        {"inv/group_vars/all.yml", "x: file_all\nonly_all: 1\n"},
        {"inv/group_vars/app", "app_var: from_app\nx: file_app\n"},
        {"inv/group_vars/web/a.yml", "web_a: 1\nx: file_web_a\n"},
        {"inv/group_vars/web/b.json", "{\"web_b\": 2, \"x\": \"file_web_b\"}"},
        {"inv/host_vars/w1.yaml", "hv: w1\nx: file_w1\n"},
        {"inv/host_vars/d1", "hv: d1\n"}},
       {"inv"}},
      {"multiple_sources",
       {{"a/hosts", "[web]\nw1 x=a\n[web:vars]\ng=a\n"},
        {"b/hosts.yml", "web:\n  hosts:\n    w2:\n    w1:\n      x: b\n  vars:\n    g: b\nother:\n  hosts:\n    o1:\n"},
        {"a/host_vars/o1.yml", "from_a: 1\n"},
        {"b/group_vars/web.yml", "from_b: 2\n"}},
       {"a/hosts", "b/hosts.yml", "extra1,extra2:2022"}},
      {"precedence",
       {{"hosts", R"(
[top:children]
mid
other
[mid:children]
leaf
[leaf]
h1 hv=inline
[other]
h1
h2
[all:vars]
v=all
[top:vars]
v=top
[mid:vars]
v=mid
[leaf:vars]
v=leaf
[other:vars]
v=other
p=other
ansible_group_priority=3
)"},
        {"group_vars/top.yml", "t: file_top\nv: file_top\n"},
        {"group_vars/other.yml", "p: file_other\n"},
        {"host_vars/h1.yml", "hv: file\n"}},
       {"hosts"}},
      {"host_list", {}, {"alpha,beta:2222,10.0.0.5,"}},
      {"script",
       {{"inv.sh", R"(#!/bin/sh
case "$1" in
--list) echo '{"web": {"hosts": ["s1", "s2"], "vars": {"a": 1}, "children": ["db"]},
  "db": ["s3"], "solo": {"x": 2}, "_meta": {"hostvars": {"s1": {"hv": true}}}}' ;;
*) echo '{}' ;;
esac
)"},
        {"group_vars/web.yml", "from_file: 1\n"}},
       {"inv.sh"}},
  };
}

std::vector<std::string> source_args(const test::TempDir& d, const Fixture& f) {
  std::vector<std::string> args;
  for (const auto& s : f.sources) {
    args.push_back("-i");
    args.push_back(s.find(',') != std::string::npos ? s : d.path() + "/" + s);
  }
  return args;
}

class InventoryCompat : public ::testing::TestWithParam<Fixture> {
 protected:
  void SetUp() override {
    for (const auto& [rel, content] : GetParam().files) {
      std::string path = dir_.write(rel, content);
      if (content.rfind("#!", 0) == 0) chmod(path.c_str(), 0755);
    }
  }
  // Runs both tools with the same arguments; returns {drover, ansible} stdout.
  std::pair<std::string, std::string> both(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"inventory"};
    auto src = source_args(dir_, GetParam());
    args.insert(args.end(), src.begin(), src.end());
    args.insert(args.end(), extra.begin(), extra.end());
    test::ProcessOptions opts;
    opts.cwd = dir_.path();
    opts.env["ANSIBLE_CONFIG"] = dir_.write("ansible.cfg", "");
    auto d = test::run_drover(args, opts);
    EXPECT_EQ(d.exit_code, 0) << d.err;
    std::vector<std::string> a = {"/usr/bin/ansible-inventory"};
    a.insert(a.end(), args.begin() + 1, args.end());
    auto r = test::run_process(a, opts);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return {d.out, r.out};
  }
  test::TempDir dir_;
};

TEST_P(InventoryCompat, ListMatchesAnsibleInventory) {
  auto [mine, theirs] = both({"--list"});
  EXPECT_EQ(Value::parse(mine), Value::parse(theirs)) << "drover:\n" << mine << "\nansible:\n" << theirs;
  EXPECT_EQ(mine, theirs) << "same bytes: sorted keys, indent 4";
}

TEST_P(InventoryCompat, ExportListMatchesAnsibleInventory) {
  auto [mine, theirs] = both({"--list", "--export"});
  EXPECT_EQ(Value::parse(mine), Value::parse(theirs)) << "drover:\n" << mine << "\nansible:\n" << theirs;
}

TEST_P(InventoryCompat, GraphWithVarsMatchesAnsibleInventory) {
  auto [mine, theirs] = both({"--graph", "--vars"});
  EXPECT_EQ(mine, theirs);
  auto [plain_mine, plain_theirs] = both({"--graph"});
  EXPECT_EQ(plain_mine, plain_theirs);
}

TEST_P(InventoryCompat, HostMatchesAnsibleInventory) {
  auto inv = Inventory::load([&] {
    std::vector<std::string> s;
    for (const auto& x : GetParam().sources) s.push_back(x.find(',') != std::string::npos ? x : dir_.path() + "/" + x);
    return s;
  }());
  ASSERT_FALSE(inv.hosts().empty());
  const std::string& last = inv.hosts().back().name;
  auto [mine, theirs] = both({"--host", last});
  EXPECT_EQ(Value::parse(mine), Value::parse(theirs)) << "drover:\n" << mine << "\nansible:\n" << theirs;
}

TEST_P(InventoryCompat, YamlListMatchesAnsibleInventory) {
  auto [mine, theirs] = both({"--list", "--yaml"});
  EXPECT_EQ(load_yaml_value_string(mine, "drover"), load_yaml_value_string(theirs, "ansible"))
      << "drover:\n" << mine << "\nansible:\n" << theirs;
  // PyYAML writes &id001 anchors where Python shares one list between hosts;
  // drover writes the values out. Elsewhere the text is the same.
  if (theirs.find("&id0") == std::string::npos) {
    EXPECT_EQ(mine, theirs);
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, InventoryCompat, ::testing::ValuesIn(fixtures()),
                         [](const auto& info) { return info.param.name; });

// ---- host patterns ----

const char* kPatternInventory = R"(
solo
10.1.1.1
[web]
web[1:5].example.com
[db]
db[1:3]
web1.example.com
[edge]
e[01:12]
[line_ct]
e02
e04
e10
db2
[cdn:children]
edge
mid
canary
[mid]
m[a:d]
[canary]
can1
)";
// Only one group (cdn) has children two levels down: where several do,
// ansible-core orders that level by iterating a Python set of Group objects
// (hash = id()), so its own order changes from run to run.

std::vector<std::pair<std::string, std::string>> patterns() {
  return {
      {"all", ""}, {"*", ""}, {"web", ""}, {"cdn", ""}, {"edge:&line_ct", ""}, {"all", "edge:&line_ct"},
      {"web:!db", ""}, {"!db:web", ""}, {"&web", ""}, {"!web", ""}, {"db:web", ""}, {"db,web", ""},
      {"web*", ""}, {"*.example.com", ""}, {"e0?", ""}, {"e[!0]*", ""}, {"~e0[1-3]", ""},
      {"~(web|db)[12]", ""}, {"~.*\\.com$", ""}, {"web[0]", ""}, {"web[-1]", ""}, {"web[1:3]", ""},
      {"web[2:]", ""}, {"cdn[0:0]", ""}, {"cdn[3:5]:db[0]", ""}, {"edge[20:30]", ""}, {"solo", ""},
      {"10.1.1.1", ""}, {"localhost", ""}, {"127.0.0.1", ""}, {"nomatch", ""}, {"web:nomatch", ""},
      {"ungrouped", ""}, {"all:!ungrouped", ""}, {"line_ct:&cdn:!e04", ""}, {"web", "db"},
      {"cdn", "mid:e01"}, {"all", "!cdn"}, {"web,db", "db2,web2.example.com"}, {"e*:&line_ct", "e1*"},
      {"m*", ""}, {"mid[1]", ""}, {"can*:db", ""}, {"canary", "web"}, {"db[1-2]", ""},
      {"all", "e*[0:2]"}, {" web , db ", ""}, {"all:&nomatch", ""},
  };
}

TEST(PatternCompat, SelectMatchesAnsibleInventoryManager) {
  test::TempDir d;
  std::string inv_path = d.write("hosts", kPatternInventory);
  auto pats = patterns();
  // One Python process answers every pattern through ansible's own
  // InventoryManager, as `ansible PATTERN --limit L --list-hosts` does.
  std::string script = R"(
import json, sys
from ansible.parsing.dataloader import DataLoader
from ansible.inventory.manager import InventoryManager
from ansible.errors import AnsibleError
from ansible.utils.display import Display
Display().verbosity = 0
cases = json.load(open(sys.argv[2]))
out = []
for pattern, limit in cases:
    inv = InventoryManager(loader=DataLoader(), sources=[sys.argv[1]])
    try:
        inv.subset(limit or None)
        out.append([h.name for h in inv.get_hosts(pattern)])
    except AnsibleError as e:
        out.append("ERROR")
print(json.dumps(out))
)";
  std::string script_path = d.write("oracle.py", script);
  Value cases = Value::array();
  for (const auto& [p, l] : pats) cases.push_back(Value::array({p, l}));
  std::string cases_path = d.write("cases.json", cases.dump());
  test::ProcessOptions opts;
  opts.env["ANSIBLE_CONFIG"] = d.write("ansible.cfg", "");
  auto r = test::run_process({test::kSystemPython, script_path, inv_path, cases_path}, opts);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Value expected = Value::parse(r.out.substr(r.out.find('[')));
  ASSERT_EQ(expected.size(), pats.size());

  auto inv = Inventory::load({inv_path});
  for (size_t i = 0; i < pats.size(); ++i) {
    Value mine;
    try {
      mine = Value(select_names(inv, pats[i].first, pats[i].second));
    } catch (const Error&) {
      mine = "ERROR";
    }
    EXPECT_EQ(mine, expected[i]) << "pattern '" << pats[i].first << "' limit '" << pats[i].second << "'";
  }
}

TEST(PatternCompat, OracleAgreesWithAnsibleListHosts) {
  // The batch oracle above uses InventoryManager directly; check a few
  // patterns through the real command line too.
  test::TempDir d;
  std::string inv_path = d.write("hosts", kPatternInventory);
  auto inv = Inventory::load({inv_path});
  for (auto [pattern, limit] : std::vector<std::pair<std::string, std::string>>{
           {"edge:&line_ct", ""}, {"web[1:3]:!db", ""}, {"all", "cdn:&line_ct"}}) {
    std::vector<std::string> argv = {"/usr/bin/ansible", pattern, "-i", inv_path, "--list-hosts"};
    if (!limit.empty()) {
      argv.push_back("-l");
      argv.push_back(limit);
    }
    test::ProcessOptions opts;
    opts.env["ANSIBLE_CONFIG"] = d.write("ansible.cfg", "");
    auto r = test::run_process(argv, opts);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> listed;
    auto lines = split_lines_for_test(r.out);
    for (size_t i = 1; i < lines.size(); ++i) listed.push_back(lines[i]);
    EXPECT_EQ(select_names(inv, pattern, limit), listed) << pattern << " -l " << limit;
  }
}

}  // namespace
}  // namespace drover::inventory
