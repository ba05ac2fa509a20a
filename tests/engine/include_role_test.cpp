// include_role at run time (with tasks_from, vars_from, defaults_from,
// handlers_from, apply, loops and when) and include_tasks with a loop.
#include <gtest/gtest.h>

#include "harness/process.hpp"
#include "playbook_run.hpp"

namespace drover::test {
namespace {

const char* kLocalInventory = "target ansible_connection=local\n";

class IncludeRole : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("roles/web/tasks/main.yml", "- name: web main\n  debug:\n    msg: 'main {{ port }} {{ colour }}'\n");
    dir_.write("roles/web/tasks/extra.yml",
               "- name: web extra\n  command: echo extra {{ port }}\n  notify: restart web\n");
    dir_.write("roles/web/defaults/main.yml", "port: 80\ncolour: red\n");
    dir_.write("roles/web/defaults/alt.yml", "port: 8080\ncolour: green\n");
    dir_.write("roles/web/vars/blue.yml", "colour: blue\n");
    dir_.write("roles/web/handlers/main.yml", "- name: restart web\n  debug:\n    msg: restarted\n");
    inv_ = dir_.write("hosts", kLocalInventory);
  }
  PlaybookRun run(const std::string& tasks) {
    return run_playbook(dir_.write("site.yml", "- hosts: all\n  gather_facts: false\n  tasks:\n" + tasks), {inv_});
  }
  std::string msg(const PlaybookRun& r, const std::string& task) {
    return r.events->task(task).at("target").result["msg"].get<std::string>();
  }
  TempDir dir_;
  std::string inv_;
};

TEST_F(IncludeRole, RunsTheRolesMainTasksWithItsDefaults) {
  PlaybookRun r = run("    - include_role:\n        name: web\n");
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(msg(r, "web : web main"), "main 80 red");
}

TEST_F(IncludeRole, TakesTasksVarsAndDefaultsFromOtherFilesAndNotifiesTheRolesHandlers) {
  PlaybookRun r = run(
      "    - include_role:\n        name: web\n        tasks_from: extra\n        defaults_from: alt\n"
      "    - include_role:\n        name: web\n        vars_from: blue\n");
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(r.events->task("web : web extra").at("target").result["stdout"], "extra 8080");
  EXPECT_EQ(msg(r, "web : web main"), "main 80 blue");
  EXPECT_EQ(msg(r, "web : restart web"), "restarted");
}

TEST_F(IncludeRole, LoopsAndConditionsApplyPerItem) {
  PlaybookRun r = run(
      "    - include_role:\n        name: web\n      vars:\n        port: '{{ item }}'\n"
      "      loop: [1, 2, 3]\n      when: item != 2\n");
  ASSERT_EQ(r.rc, 0);
  std::vector<std::string> msgs;
  for (const auto& res : r.events->results())
    if (res.task == "web : web main") msgs.push_back(res.result["msg"].get<std::string>());
  EXPECT_EQ(msgs, (std::vector<std::string>{"main 1 red", "main 3 red"}));
}

TEST_F(IncludeRole, ApplyGivesKeywordsToTheRolesTasks) {
  PlaybookRun r = run(
      "    - include_role:\n        name: web\n        apply:\n          ignore_errors: true\n"
      "          vars:\n            colour: applied\n");
  EXPECT_EQ(msg(r, "web : web main"), "main 80 applied");
}

TEST_F(IncludeRole, AMissingRoleFailsTheHost) {
  PlaybookRun r = run("    - name: inc\n      include_role:\n        name: nosuchrole\n");
  EXPECT_EQ(r.rc, 2);
  EXPECT_EQ(r.events->task("inc").at("target").status, HostStatus::failed);
}

TEST(IncludeTasks, LoopsIncludeTheFileOncePerItemWithTheLoopVariable) {
  TempDir dir;
  dir.write("each.yml", "- name: each\n  debug:\n    msg: 'item {{ item }}'\n");
  std::string inv = dir.write("hosts", kLocalInventory);
  PlaybookRun r = run_playbook(dir.write("site.yml", "- hosts: all\n  gather_facts: false\n  tasks:\n"
                                                     "    - include_tasks: each.yml\n      loop: [a, b]\n"),
                               {inv});
  ASSERT_EQ(r.rc, 0);
  std::vector<std::string> msgs;
  for (const auto& res : r.events->results())
    if (res.task == "each") msgs.push_back(res.result["msg"].get<std::string>());
  EXPECT_EQ(msgs, (std::vector<std::string>{"item a", "item b"}));
}

}  // namespace
}  // namespace drover::test
