// Cancelling a run (RunOptions::cancel) and running playbooks from threads
// of a long-lived process, as drover server's workers do.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "harness/process.hpp"
#include "playbook_run.hpp"

namespace drover::test {
namespace {

using Clock = std::chrono::steady_clock;

const char* kLocalInventory = "target ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n";

TEST(Cancel, StopsARunningCommandAndReturnsPromptlyWithTheInterruptedExitCode) {
  TempDir dir;
  std::string inv = dir.write("hosts", kLocalInventory);
  std::string marker = dir.path() + "/after";
  std::string book = dir.write("site.yml",
                               "- hosts: all\n  gather_facts: false\n  tasks:\n"
                               "    - name: long\n      shell: sleep 29.7\n"
                               "    - name: after\n      shell: touch " + marker + "\n");
  RunOptions options;
  options.cancel = std::make_shared<std::atomic<bool>>(false);
  std::thread canceller([flag = options.cancel] {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    flag->store(true);
  });
  auto start = Clock::now();
  PlaybookRun run = run_playbook(book, {inv}, options);
  double took = std::chrono::duration<double>(Clock::now() - start).count();
  canceller.join();

  EXPECT_EQ(run.rc, kExitInterrupted);
  EXPECT_LT(took, 2.5);
  EXPECT_TRUE(run.events->was_interrupted());
  EXPECT_FALSE(run.events->got_stats());
  EXPECT_TRUE(run.events->task("long").empty()) << "a cut-short step reports no result";
  EXPECT_TRUE(run.events->task("after").empty());
  EXPECT_FALSE(std::ifstream(marker).good()) << "no task starts after the cancel";
  // The killed command's process group is gone too.
  EXPECT_NE(run_shell("pgrep -f '^sleep 29.7$'").exit_code, 0);
}

TEST(Cancel, InterruptsAWaitBetweenRetries) {
  TempDir dir;
  std::string inv = dir.write("hosts", kLocalInventory);
  std::string book = dir.write("site.yml",
                               "- hosts: all\n  gather_facts: false\n  tasks:\n"
                               "    - shell: 'false'\n      register: r\n      until: r.rc == 0\n"
                               "      retries: 5\n      delay: 20\n");
  RunOptions options;
  options.cancel = std::make_shared<std::atomic<bool>>(false);
  std::thread canceller([flag = options.cancel] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    flag->store(true);
  });
  auto start = Clock::now();
  PlaybookRun run = run_playbook(book, {inv}, options);
  canceller.join();
  EXPECT_EQ(run.rc, kExitInterrupted);
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 2.0);
}

TEST(Cancel, AnUnsetFlagChangesNothing) {
  TempDir dir;
  std::string inv = dir.write("hosts", kLocalInventory);
  std::string book = dir.write("site.yml",
                               "- hosts: all\n  gather_facts: false\n  tasks:\n"
                               "    - name: quick\n      command: echo hi\n");
  RunOptions options;
  options.cancel = std::make_shared<std::atomic<bool>>(false);
  PlaybookRun run = run_playbook(book, {inv}, options);
  EXPECT_EQ(run.rc, 0);
  EXPECT_TRUE(run.events->got_stats());
  EXPECT_FALSE(run.events->was_interrupted());
  EXPECT_EQ(run.events->task("quick").at("target").result["stdout"], "hi");
}

TEST(RunnerInAProcess, RunsManyTimesFromSeveralThreadsWithSeparateResults) {
  TempDir dir;
  std::string inv = dir.write("hosts", kLocalInventory);
  std::string book = dir.write("site.yml",
                               "- hosts: all\n  gather_facts: false\n  tasks:\n"
                               "    - name: echo\n      command: echo {{ n }}\n      register: out\n"
                               "    - name: fail on odd\n      fail:\n      when: n | int is odd\n");
  std::vector<int> rcs(6, -1);
  std::vector<std::string> outs(6);
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&, i] {
      RunOptions options;
      options.extra_vars = Value{{"n", i}};
      PlaybookRun run = run_playbook(book, {inv}, options);
      rcs[i] = run.rc;
      outs[i] = run.events->task("echo").at("target").result["stdout"].get<std::string>();
    });
  for (auto& t : threads) t.join();
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(rcs[i], i % 2 ? 2 : 0) << i;
    EXPECT_EQ(outs[i], std::to_string(i));
  }
}

}  // namespace
}  // namespace drover::test
