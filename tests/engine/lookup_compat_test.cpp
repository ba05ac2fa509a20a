// lookup / query / q in playbooks, compared with ansible-playbook 2.14 on
// the same files: each case's value as the json callback reports it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/process.hpp"
#include "playbook_run.hpp"

namespace drover::test {
namespace {

// name -> expression; each becomes one debug task.
const std::vector<std::pair<std::string, std::string>> kCases = {
    {"file", "lookup('file', 'a.txt')"},
    {"file_query", "query('file', 'a.txt', 'b.txt')"},
    {"file_two_joined", "lookup('file', 'a.txt', 'b.txt')"},
    {"env_default", "lookup('env', 'DROVER_SURELY_UNSET', default='dflt')"},
    {"template", "lookup('template', 't.j2')"},
    {"template_delimiters", "lookup('template', 'delims.j2', variable_start_string='[%', variable_end_string='%]', "
                            "comment_start_string='[#', comment_end_string='#]')"},
    {"template_dict_converted", "lookup('template', 'dict.j2') is mapping"},
    {"template_dict_as_text", "lookup('template', 'dict.j2', convert_data=False) is string"},
    {"pipe", "lookup('pipe', 'echo hi; echo there')"},
    {"lines", "query('lines', 'printf \"a\\nb\\n\"')"},
    {"lines_joined", "lookup('lines', 'printf \"a\\nb\\n\"')"},
    {"items_ints", "lookup('items', [1, 2], [3])"},
    {"items_strings", "lookup('items', ['a', 'b'])"},
    {"items_one_int", "lookup('items', [7])"},
    {"q_items_string", "q('items', 'x')"},
    {"list", "query('list', ['a', 'b'])"},
    {"dict", "query('dict', {'k': 1, 'j': 2})"},
    {"indexed", "lookup('indexed_items', ['a', 'b'])"},
    {"sequence", "lookup('sequence', 'start=1 end=3')"},
    {"sequence_short", "query('sequence', '1-7/3')"},
    {"sequence_format", "lookup('sequence', 'start=1 count=2 format=web%02d')"},
    {"together", "query('together', [1, 2], ['a'])"},
    {"nested", "query('nested', ['a', 'b'], [1, 2])"},
    {"subelements", "query('subelements', users, 'groups')"},
    {"first_found", "lookup('first_found', ['nope.txt', 'b.txt']) | basename"},
    {"vars", "lookup('vars', 'myvar')"},
    {"vars_default", "lookup('vars', 'nope', default=5)"},
    {"csvfile", "lookup('csvfile', 'bob file=data.csv delimiter=, col=1')"},
    {"csvfile_missing", "lookup('csvfile', 'zed file=data.csv delimiter=, default=none')"},
    {"ini", "lookup('ini', 'user section=main file=data.ini')"},
    {"ini_default", "lookup('ini', 'nokey section=main file=data.ini default=dd')"},
    {"ignored_error", "lookup('file', 'nope.txt', errors='ignore') is none"},
    {"ignored_error_list", "query('file', 'nope.txt', errors='ignore')"},
    {"random_choice", "lookup('random_choice', 'only')"},
    {"wantlist", "lookup('file', 'a.txt', wantlist=True)"},
};

class LookupCompat : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("files/a.txt", "alpha\n\n");
    dir_.write("files/b.txt", "beta");
    dir_.write("templates/t.j2", "port={{ port }}\n");
    dir_.write("templates/delims.j2", "port=[% port %][# a comment #] {{ port }}\n");
    dir_.write("templates/dict.j2", "{\"port\": {{ port }}}");
    dir_.write("files/data.csv", "alice,1,x\nbob,2,y\n");
    dir_.write("files/data.ini", "[main]\nuser = admin\n");
    std::string tasks;
    for (const auto& [name, expr] : kCases) {
      // A single-quoted YAML scalar: the expressions hold double quotes.
      std::string quoted;
      for (char ch : std::string(expr)) quoted += ch == '\'' ? std::string("''") : std::string(1, ch);
      tasks += "    - name: " + std::string(name) + "\n      debug:\n        msg: '{{ " + quoted + " }}'\n";
    }
    book_ = dir_.write("site.yml",
                       "- hosts: all\n  gather_facts: false\n  vars:\n    port: 8080\n    myvar: [1, 'two']\n"
                       "    users:\n      - {name: u1, groups: [g1, g2]}\n      - {name: u2, groups: [g3]}\n"
                       "  tasks:\n" +
                           tasks);
    inv_ = dir_.write("hosts", "localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n");
  }
  TempDir dir_;
  std::string book_, inv_;
};

TEST_F(LookupCompat, ValuesMatchAnsiblePlaybook) {
  ProcessOptions po;
  po.cwd = dir_.path();
  po.env = {{"ANSIBLE_STDOUT_CALLBACK", "json"}, {"ANSIBLE_NOCOLOR", "1"}, {"ANSIBLE_DEPRECATION_WARNINGS", "0"}};
  ProcessResult ansible = run_process({"/usr/bin/ansible-playbook", "-i", inv_, book_}, po);
  ASSERT_EQ(ansible.exit_code, 0) << ansible.out << ansible.err;
  nlohmann::json doc = nlohmann::json::parse(ansible.out);
  std::map<std::string, nlohmann::json> expected;
  for (const auto& t : doc["plays"][0]["tasks"])
    expected[t["task"]["name"].get<std::string>()] = t["hosts"]["localhost"]["msg"];

  PlaybookRun ours = run_playbook(book_, {inv_});
  ASSERT_EQ(ours.rc, 0);
  for (const auto& [name, expr] : kCases) {
    auto res = ours.events->task(name);
    ASSERT_TRUE(res.count("localhost")) << name;
    nlohmann::json got = nlohmann::json::parse(res.at("localhost").result["msg"].dump());
    EXPECT_EQ(got, expected[name]) << name << ": " << expr;
  }
}

TEST_F(LookupCompat, PasswordIsGeneratedOnceAndStoredOnTheController) {
  std::string book = dir_.write("pw.yml",
                                "- hosts: all\n  gather_facts: false\n  tasks:\n"
                                "    - name: pw\n      debug:\n        msg: \"{{ lookup('password', 'creds/pw length=12 "
                                "chars=digits') }}\"\n");
  PlaybookRun first = run_playbook(book, {inv_});
  std::string pw = first.events->task("pw").at("localhost").result["msg"].get<std::string>();
  EXPECT_EQ(pw.size(), 12u);
  EXPECT_EQ(pw.find_first_not_of("0123456789"), std::string::npos);
  EXPECT_EQ(read_file(dir_.path() + "/creds/pw"), pw + "\n");
  PlaybookRun second = run_playbook(book, {inv_});
  EXPECT_EQ(second.events->task("pw").at("localhost").result["msg"], pw);
}

TEST_F(LookupCompat, AMissingFileFailsTheTaskWithAnsiblesWords) {
  std::string book = dir_.write("bad.yml",
                                "- hosts: all\n  gather_facts: false\n  tasks:\n"
                                "    - name: bad\n      debug:\n        msg: \"{{ lookup('file', 'nope.txt') }}\"\n");
  PlaybookRun r = run_playbook(book, {inv_});
  auto bad = r.events->task("bad").at("localhost");
  EXPECT_EQ(bad.status, HostStatus::failed);
  EXPECT_NE(bad.result["msg"].get<std::string>().find(
                "An unhandled exception occurred while running the lookup plugin 'file'. Error was a <class "
                "'ansible.errors.AnsibleError'>, original message: could not locate file in lookup: nope.txt"),
            std::string::npos)
      << bad.result["msg"];
}

}  // namespace
}  // namespace drover::test
