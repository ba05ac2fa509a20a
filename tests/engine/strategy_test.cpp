// The free and host_pinned strategies (each host at its own pace),
// vars_prompt without a terminal, ansible_failed_task/ansible_failed_result.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "harness/process.hpp"
#include "playbook_run.hpp"

namespace drover::test {
namespace {

const char* kTwoLocalHosts = "fast ansible_connection=local\nslow ansible_connection=local\n";

TEST(FreeStrategy, AFastHostFinishesItsTasksWhileASlowHostIsStillOnItsFirst) {
  TempDir dir;
  std::string inv = dir.write("hosts", kTwoLocalHosts);
  for (const char* strategy : {"free", "host_pinned"}) {
    std::string book = dir.write("site.yml", std::string("- hosts: all\n  gather_facts: false\n  strategy: ") +
                                                 strategy +
                                                 "\n  tasks:\n"
                                                 "    - name: first\n      command: sleep {{ 2 if inventory_hostname "
                                                 "== 'slow' else 0 }}\n"
                                                 "    - name: second\n      command: date +%s.%N\n");
    auto start = std::chrono::steady_clock::now();
    PlaybookRun r = run_playbook(book, {inv});
    ASSERT_EQ(r.rc, 0) << strategy;
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 3.5);
    // Event order: the fast host's second task ends before the slow host's first.
    std::vector<std::string> order;
    for (const auto& res : r.events->results()) order.push_back(res.host + ":" + res.task);
    auto pos = [&](const std::string& s) { return std::find(order.begin(), order.end(), s) - order.begin(); };
    EXPECT_LT(pos("fast:second"), pos("slow:first")) << strategy;
    EXPECT_EQ(r.events->run_stats().by_host.at("slow").ok, 2);
  }
}

TEST(FreeStrategy, RespectsForksAndHandlers) {
  TempDir dir;
  std::string inv = dir.write("hosts", "a ansible_connection=local\nb ansible_connection=local\n"
                                       "c ansible_connection=local\n");
  std::string book = dir.write("site.yml",
                               "- hosts: all\n  gather_facts: false\n  strategy: free\n  tasks:\n"
                               "    - name: change\n      command: 'true'\n      notify: h\n"
                               "  handlers:\n    - name: h\n      debug:\n        msg: handled\n");
  RunOptions options;
  options.forks = 1;
  PlaybookRun r = run_playbook(book, {inv}, options);
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(r.events->task("h").size(), 3u);
}

TEST(VarsPrompt, ExtraVarsAnswerAndDefaultsApplyWithoutATerminal) {
  TempDir dir;
  std::string inv = dir.write("hosts", "target ansible_connection=local\n");
  std::string book = dir.write("site.yml",
                               "- hosts: all\n  gather_facts: false\n  vars_prompt:\n"
                               "    - name: given\n      prompt: Given?\n"
                               "    - name: defaulted\n      prompt: Defaulted?\n      default: dflt\n      private: no\n"
                               "    - name: secret\n      encrypt: sha512_crypt\n  tasks:\n"
                               "    - name: show\n      debug:\n        msg: '{{ given }} {{ defaulted }} [{{ secret }}]'\n");
  RunOptions options;
  options.extra_vars = Value{{"given", "yes"}};
  PlaybookRun r = run_playbook(book, {inv}, options);
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(r.events->task("show").at("target").result["msg"], "yes dflt []");
  ASSERT_FALSE(r.events->warnings().empty());
}

TEST(Rescue, SeesTheFailedTaskAndItsResult) {
  TempDir dir;
  std::string inv = dir.write("hosts", "target ansible_connection=local\n");
  std::string book = dir.write("site.yml",
                               "- hosts: all\n  gather_facts: false\n  tasks:\n"
                               "    - block:\n        - name: boom\n          command: /bin/false\n"
                               "      rescue:\n        - name: show\n          debug:\n"
                               "            msg: '{{ ansible_failed_task.name }} {{ ansible_failed_result.rc }}'\n");
  PlaybookRun r = run_playbook(book, {inv});
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(r.events->task("show").at("target").result["msg"], "boom 1");
}

}  // namespace
}  // namespace drover::test
