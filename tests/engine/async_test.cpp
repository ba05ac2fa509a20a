// async / poll and async_status over a private sshd: jobs run detached on
// the target with Ansible's job file, poll 0 returns the handle at once,
// polling returns the command's own result, the time limit kills the job.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "harness/process.hpp"
#include "harness/sshd_fleet.hpp"
#include "playbook_run.hpp"

namespace drover::test {
namespace {

class Async : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { fleet_ = new SshdFleet(1); }
  static void TearDownTestSuite() {
    delete fleet_;
    fleet_ = nullptr;
  }
  PlaybookRun run(const std::string& tasks) {
    std::string inv = dir_.path() + "/hosts";
    fleet_->write_inventory(inv);
    std::string book = dir_.write("site.yml", "- hosts: all\n  gather_facts: false\n  tasks:\n" + tasks);
    return run_playbook(book, {inv});
  }
  Value registered(const PlaybookRun& r, const std::string& task) {
    return r.events->task(task).at("host001").result;
  }
  static SshdFleet* fleet_;
  TempDir dir_;
};
SshdFleet* Async::fleet_ = nullptr;

TEST_F(Async, PollZeroReturnsTheJobHandleAndAsyncStatusCollectsTheResult) {
  PlaybookRun r = run(
      "    - name: start\n      shell: sleep 1; echo hi; echo err >&2\n      async: 30\n      poll: 0\n"
      "      register: job\n"
      "    - name: wait\n      async_status:\n        jid: '{{ job.ansible_job_id }}'\n      register: s\n"
      "      until: s.finished\n      retries: 20\n      delay: 1\n"
      "    - name: clean\n      async_status:\n        jid: '{{ job.ansible_job_id }}'\n        mode: cleanup\n");
  ASSERT_EQ(r.rc, 0);
  Value start = registered(r, "start");
  EXPECT_EQ(start["started"], 1);
  EXPECT_EQ(start["finished"], 0);
  EXPECT_EQ(start["changed"], true);
  std::string jid = start["ansible_job_id"].get<std::string>();
  EXPECT_EQ(jid[0], 'j');
  EXPECT_EQ(start["results_file"], "/root/.ansible_async/" + jid);

  Value done = registered(r, "wait");
  EXPECT_EQ(done["finished"], 1);
  EXPECT_EQ(done["rc"], 0);
  EXPECT_EQ(done["stdout"], "hi");
  EXPECT_EQ(done["stderr"], "err");
  EXPECT_EQ(done["stdout_lines"], Value::array({"hi"}));
  EXPECT_EQ(done["cmd"], "sleep 1; echo hi; echo err >&2");
  EXPECT_EQ(done["changed"], true);
  EXPECT_EQ(done["ansible_job_id"], jid);

  Value clean = registered(r, "clean");
  EXPECT_EQ(clean["erased"], "/root/.ansible_async/" + jid);
  EXPECT_FALSE(std::ifstream("/root/.ansible_async/" + jid).good());
}

TEST_F(Async, PollingReturnsTheModulesOwnResultAndRemovesTheJobFile) {
  PlaybookRun r = run(
      "    - name: fg\n      command: echo fg\n      async: 10\n      poll: 1\n"
      "    - name: fails\n      shell: exit 3\n      async: 10\n      poll: 1\n      ignore_errors: true\n");
  Value fg = registered(r, "fg");
  EXPECT_EQ(fg["stdout"], "fg");
  EXPECT_EQ(fg["rc"], 0);
  EXPECT_EQ(fg["cmd"], Value::array({"echo", "fg"}));
  EXPECT_EQ(fg["finished"], 1);
  EXPECT_EQ(fg["started"], 1);
  EXPECT_FALSE(std::ifstream(fg["results_file"].get<std::string>()).good());
  Value fails = registered(r, "fails");
  EXPECT_EQ(fails["rc"], 3);
  EXPECT_EQ(fails["failed"], true);
}

TEST_F(Async, TheTimeLimitFailsTheTaskAndKillsTheJobsProcesses) {
  std::string pidfile = dir_.path() + "/pid";
  PlaybookRun r = run("    - name: slow\n      shell: echo $$ > " + pidfile + "; sleep 25; sleep 25\n"
                      "      async: 2\n      poll: 1\n");
  EXPECT_EQ(r.rc, 2);
  auto slow = r.events->task("slow").at("host001");
  EXPECT_EQ(slow.status, HostStatus::failed);
  EXPECT_EQ(slow.result["msg"], "async task did not complete within the requested time - 2s");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::ifstream in(pidfile);
  long pid = 0;
  in >> pid;
  ASSERT_GT(pid, 1);
  EXPECT_NE(::kill(static_cast<pid_t>(pid), 0), 0) << "the job's shell still runs";
}

TEST_F(Async, AsyncStatusOfAnUnknownJobFails) {
  PlaybookRun r = run("    - name: nojob\n      async_status:\n        jid: j000.1\n");
  auto nojob = r.events->task("nojob").at("host001");
  EXPECT_EQ(nojob.status, HostStatus::failed);
  EXPECT_EQ(nojob.result["msg"], "could not find job");
}

// Ansible's async_wrapper stands between a Python module and the task's
// result: a module that raises gives the wrapper's own failure (its stderr
// kept, no MODULE FAILURE), and a module's stderr reaches the result as it
// was printed, last newline included.
TEST_F(Async, APythonModuleThatRaisesGivesTheAsyncWrappersFailure) {
  dir_.write("library/async_probe.py",
             "#!/usr/bin/python\n"
             "import sys\n"
             "from ansible.module_utils.basic import AnsibleModule\n"
             "m = AnsibleModule(argument_spec=dict(mode=dict(type='str')))\n"
             "if m.params['mode'] == 'raise':\n"
             "    raise Exception('async probe raised')\n"
             "sys.stderr.write('probe stderr\\n')\n"
             "m.exit_json(changed=True)\n");
  PlaybookRun r = run(
      "    - name: raises\n      async_probe:\n        mode: raise\n      async: 20\n      poll: 1\n"
      "      ignore_errors: true\n"
      "    - name: stderr\n      async_probe:\n        mode: stderr\n      async: 20\n      poll: 1\n");
  Value raised = registered(r, "raises");
  EXPECT_EQ(raised["failed"], true) << raised.dump();
  EXPECT_EQ(raised["finished"], 1);
  EXPECT_EQ(raised["data"], "");
  EXPECT_EQ(raised["msg"], "No start of json char found");
  EXPECT_NE(raised["stderr"].get<std::string>().find("Exception: async probe raised"), std::string::npos);
  EXPECT_FALSE(raised.contains("module_stderr"));
  Value printed = registered(r, "stderr");
  EXPECT_EQ(printed["changed"], true) << printed.dump();
  EXPECT_EQ(printed["stderr"], "probe stderr\n");
}

// ansible_async_dir moves the job files, for the task and for async_status.
TEST_F(Async, AnsibleAsyncDirHoldsTheJobFiles) {
  std::string jobs = dir_.path() + "/jobs";
  PlaybookRun r = run(
      "    - name: start\n      command: echo moo\n      async: 20\n      poll: 0\n      register: job\n"
      "      vars:\n        ansible_async_dir: " + jobs + "\n"
      "    - name: default dir\n      async_status:\n        jid: '{{ job.ansible_job_id }}'\n"
      "      ignore_errors: true\n"
      "    - name: wait\n      async_status:\n        jid: '{{ job.ansible_job_id }}'\n      register: s\n"
      "      until: s.finished\n      retries: 20\n      delay: 1\n"
      "      vars:\n        ansible_async_dir: " + jobs + "\n");
  ASSERT_EQ(r.rc, 0);
  Value start = registered(r, "start");
  std::string jid = start["ansible_job_id"].get<std::string>();
  EXPECT_EQ(start["results_file"], jobs + "/" + jid);
  EXPECT_EQ(registered(r, "default dir")["msg"], "could not find job");
  Value done = registered(r, "wait");
  EXPECT_EQ(done["stdout"], "moo");
  EXPECT_TRUE(std::ifstream(jobs + "/" + jid).good());
}

}  // namespace
}  // namespace drover::test
