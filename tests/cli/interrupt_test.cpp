// Ctrl-C (SIGINT) and SIGTERM during `drover play` (and `drover run`) against a private sshd
// host: the run stops as ansible-playbook's does on ^C (the message, exit
// 99, no later task), and the command that was running on the host is
// killed with its children rather than left behind.
#include <gtest/gtest.h>

#include "harness/process.hpp"
#include "harness/sshd_fleet.hpp"

namespace drover::test {
namespace {

// Starts drover with the given arguments, sends `signal` once the host runs
// `sleep MARKER` (each test has its own: ctest runs them side by side), and
// prints "rc=N" plus drover's stderr. Python (Debian's) so that drover starts with default signal dispositions, which a background
// job of a non-interactive shell would not have.
const char* kDriver = R"(
import signal, subprocess, sys, time
sig = getattr(signal, sys.argv[1])
marker = sys.argv[2]
p = subprocess.Popen(sys.argv[3:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
deadline = time.time() + 20
while time.time() < deadline:
    if subprocess.run(["pgrep", "-f", "sleep " + marker], capture_output=True).returncode == 0:
        break
    time.sleep(0.05)
time.sleep(0.2)
start = time.time()
p.send_signal(sig)
out, err = p.communicate(timeout=20)
print("rc=%d took=%.1f" % (p.returncode, time.time() - start))
sys.stdout.write(out.decode())
sys.stderr.write(err.decode())
)";

class PlayInterrupt : public ::testing::TestWithParam<const char*> {};

TEST_P(PlayInterrupt, StopsTheRunExits99AndKillsTheRemoteCommand) {
  SshdFleet fleet(1);
  TempDir dir;
  std::string inventory = dir.path() + "/hosts";
  fleet.write_inventory(inventory);
  std::string marker = dir.path() + "/after";
  std::string seconds = std::string(GetParam()) == "SIGINT" ? "41.75" : "41.5";
  std::string book = dir.write("site.yml",
                               "- hosts: all\n  gather_facts: false\n  tasks:\n"
                               "    - name: long\n      shell: sleep " + seconds + "; echo done\n"
                               "    - name: after\n      file: path=" + marker + " state=touch\n");
  auto r = run_process({kSystemPython, "-c", kDriver, GetParam(), seconds, DROVER_BINARY, "play", "-i", inventory, book});
  EXPECT_EQ(r.out.substr(0, 6), "rc=99 ") << r.out << r.err;
  EXPECT_NE(r.err.find("[ERROR]: User interrupted execution"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("TASK [long]"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("TASK [after]"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("PLAY RECAP"), std::string::npos) << r.out;
  auto left = run_shell("sleep 0.3; pgrep -fx 'sleep " + seconds + "' | wc -l");
  EXPECT_EQ(left.out, "0\n") << "the remote sleep outlived the interrupted run";
  EXPECT_NE(access(marker.c_str(), F_OK), 0) << "a task ran after the interrupt";
}

INSTANTIATE_TEST_SUITE_P(Signals, PlayInterrupt, ::testing::Values("SIGINT", "SIGTERM"));

// `drover run` as `ansible` on ^C: the message, exit 99, no host result,
// and the remote command killed.
TEST(AdhocInterrupt, StopsTheRunExits99AndKillsTheRemoteCommand) {
  SshdFleet fleet(2);
  TempDir dir;
  std::string inventory = dir.path() + "/hosts";
  fleet.write_inventory(inventory);
  auto r = run_process({kSystemPython, "-c", kDriver, "SIGINT", "42.25", DROVER_BINARY, "run", "all", "-i", inventory,
                        "-m", "shell", "-a", "sleep 42.25; echo done"});
  EXPECT_EQ(r.out.substr(0, 6), "rc=99 ") << r.out << r.err;
  EXPECT_NE(r.err.find("[ERROR]: User interrupted execution"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("CHANGED"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("FAILED"), std::string::npos) << r.out;
  auto left = run_shell("sleep 0.3; pgrep -fx 'sleep 42.25' | wc -l");
  EXPECT_EQ(left.out, "0\n") << "the remote sleep outlived the interrupted run";
}

}  // namespace
}  // namespace drover::test
