// script and wait_for_connection on the local connection (the ssh side of
// script is the same round trip; wait_for_connection's reconnect is
// exercised against a private sshd in async_test's fleet file).
#include <gtest/gtest.h>

#include "harness/process.hpp"
#include "playbook_run.hpp"

namespace drover::test {
namespace {

const char* kLocalInventory = "target ansible_connection=local\n";

class Script : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("files/hello.sh", "#!/bin/sh\necho \"hello $1 from $(pwd)\"\necho warn >&2\nexit ${2:-0}\n");
    inv_ = dir_.write("hosts", kLocalInventory);
  }
  PlaybookRun run(const std::string& tasks, RunOptions options = {}) {
    return run_playbook(dir_.write("site.yml", "- hosts: all\n  gather_facts: false\n  tasks:\n" + tasks), {inv_},
                        options);
  }
  Value result(const PlaybookRun& r, const std::string& task) { return r.events->task(task).at("target").result; }
  TempDir dir_;
  std::string inv_;
};

TEST_F(Script, RunsAControllerScriptWithItsArgumentsInChdir) {
  PlaybookRun r = run("    - name: s\n      script: hello.sh 'big world'\n      args:\n        chdir: /tmp\n");
  ASSERT_EQ(r.rc, 0);
  Value s = result(r, "s");
  EXPECT_EQ(s["stdout"], "hello big world from /tmp\n");
  EXPECT_EQ(s["stderr"], "warn\n");
  EXPECT_EQ(s["rc"], 0);
  EXPECT_EQ(s["changed"], true);
}

TEST_F(Script, AQuotedPathWithASpaceRunsThatScript) {
  dir_.write("files/space path/hi.sh", "#!/bin/sh\necho \"spaced $1\"\n");
  PlaybookRun r = run("    - name: s\n      script: \"'space path/hi.sh' 'an arg'\"\n");
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(result(r, "s")["stdout"], "spaced an arg\n");
}

TEST_F(Script, ANonZeroExitFailsAndExecutableRunsTheScript) {
  PlaybookRun r = run("    - name: s\n      script: hello.sh x 3\n      args:\n        executable: /bin/bash\n");
  Value s = result(r, "s");
  EXPECT_EQ(s["rc"], 3);
  EXPECT_EQ(s["msg"], "non-zero return code");
  EXPECT_EQ(r.rc, 2);
}

TEST_F(Script, CreatesAndRemovesSkipLikeAnsible) {
  PlaybookRun r = run("    - name: c\n      script: hello.sh\n      args:\n        creates: /\n"
                      "    - name: r\n      script: hello.sh\n      args:\n        removes: /nonexistent\n");
  EXPECT_EQ(r.events->task("c").at("target").status, HostStatus::skipped);
  EXPECT_EQ(result(r, "c")["msg"], "/ exists, matching creates option");
  EXPECT_EQ(result(r, "r")["msg"], "/nonexistent does not exist, matching removes option");
}

TEST_F(Script, AMissingScriptFails) {
  PlaybookRun r = run("    - name: s\n      script: nosuch.sh\n");
  std::string msg = result(r, "s")["msg"].get<std::string>();
  EXPECT_EQ(msg.rfind("Could not find or access 'nosuch.sh'\nSearched in:\n\t", 0), 0u) << msg;
  EXPECT_NE(msg.find("/files/nosuch.sh\n\t"), std::string::npos) << msg;
  EXPECT_NE(msg.find(" on the Ansible Controller.\nIf you are using a module and expect the file to exist on the "
                     "remote, see the remote_src option"),
            std::string::npos)
      << msg;
}

TEST(WaitForConnection, ReturnsOnceTheHostAnswers) {
  TempDir dir;
  std::string inv = dir.write("hosts", kLocalInventory);
  PlaybookRun r = run_playbook(dir.write("site.yml", "- hosts: all\n  gather_facts: false\n  tasks:\n"
                                                     "    - name: w\n      wait_for_connection:\n        timeout: 5\n"),
                               {inv});
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(r.events->task("w").at("target").result["elapsed"], 0);
}

TEST(WaitForConnection, TimesOutOnAHostThatNeverAnswers) {
  TempDir dir;
  std::string inv = dir.write("hosts", "down ansible_host=127.0.0.1 ansible_port=1 ansible_user=root\n");
  PlaybookRun r = run_playbook(
      dir.write("site.yml", "- hosts: all\n  gather_facts: false\n  tasks:\n"
                            "    - name: w\n      wait_for_connection:\n        timeout: 2\n        sleep: 1\n"),
      {inv});
  auto w = r.events->task("w").at("down");
  EXPECT_EQ(w.status, HostStatus::failed);
  EXPECT_EQ(w.result["msg"].get<std::string>().rfind("timed out waiting for ping module test: ", 0), 0u);
}

// wait_for's elapsed is the whole seconds waited (Python's
// timedelta.seconds), as ansible-core's wait_for target asserts
// (`elapsed == 3` for a 3 s timeout): not a difference of two clock seconds,
// which read one more when the wait started late in a second.
TEST_F(Script, WaitForReportsTheWholeSecondsItWaited) {
  std::string tasks;
  for (int i = 0; i < 3; ++i)
    tasks += "    - name: w" + std::to_string(i) + "\n      wait_for: port=1 host=127.0.0.1 timeout=2\n"
             "      ignore_errors: true\n";
  PlaybookRun r = run(tasks);
  for (int i = 0; i < 3; ++i) {
    Value w = result(r, "w" + std::to_string(i));
    EXPECT_EQ(w["failed"], true);
    EXPECT_EQ(w["elapsed"], 2) << w.dump();
    EXPECT_EQ(w["msg"], "Timeout when waiting for 127.0.0.1:1");
  }
}

}  // namespace
}  // namespace drover::test
