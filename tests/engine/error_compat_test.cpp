// Errors tied to a task, compared with ansible-playbook 2.14's wording.
#include <gtest/gtest.h>

#include "harness/process.hpp"
#include "playbook_run.hpp"

namespace drover::test {
namespace {

TEST(Errors, UndefinedVariablesAreWordedAsAnsiblePlaybookWordsThem) {
  TempDir dir;
  std::string inv = dir.write("hosts", "localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n");
  std::string book = dir.write("site.yml",
                               "- hosts: all\n  gather_facts: false\n  tasks:\n"
                               "    - name: und\n      command: echo {{ nope }}\n      ignore_errors: true\n"
                               "    - name: cond\n      debug: msg=hi\n      when: nope2\n      ignore_errors: true\n");
  ProcessOptions po;
  po.env = {{"ANSIBLE_STDOUT_CALLBACK", "json"}};
  ProcessResult ansible = run_process({"/usr/bin/ansible-playbook", "-i", inv, book}, po);
  ASSERT_EQ(ansible.exit_code, 0) << ansible.err;
  PlaybookRun ours = run_playbook(book, {inv});
  for (const char* task : {"und", "cond"}) {
    std::string marker = std::string("\"name\": \"") + task + "\"";
    // The json callback's msg of this task, read from its output.
    size_t at = ansible.out.find(marker);
    ASSERT_NE(at, std::string::npos) << task;
    size_t m = ansible.out.rfind("\"msg\": \"", at);
    ASSERT_NE(m, std::string::npos);
    size_t end = ansible.out.find("\"\n", m + 8);
    std::string expected = Value::parse("\"" + ansible.out.substr(m + 8, end - m - 8) + "\"").get<std::string>();
    EXPECT_EQ(ours.events->task(task).at("localhost").result["msg"], expected) << task;
  }
}

}  // namespace
}  // namespace drover::test
