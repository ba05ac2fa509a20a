// `drover run` against `ansible` (Debian's ansible-core) on the same private
// sshd hosts: the same command lines must print the same per-host lines and
// exit with the same code.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "core/strings.hpp"
#include "harness/process.hpp"
#include "harness/sshd_fleet.hpp"

namespace drover {
namespace {

struct Case {
  std::vector<std::string> args;  // after "PATTERN -i INV"
};

// Per-host output blocks, sorted by host, so that arrival order does not
// matter.
std::vector<std::string> host_blocks(const std::string& raw) {
  // Timings differ run to run; their presence and format still count.
  static const std::regex timing("\"(delta|start|end)\": \"[0-9:. -]+\"");
  // So do async job ids (j<digits>.<pid>), in ansible_job_id and results_file.
  static const std::regex job_id("j[0-9]+\\.[0-9]+");
  std::string out = std::regex_replace(std::regex_replace(raw, timing, "\"$1\": \"T\""), job_id, "JID");
  std::vector<std::string> blocks;
  for (auto& line : split_lines(out)) {
    bool starts_block = line.rfind("host0", 0) == 0;
    if (starts_block || blocks.empty())
      blocks.push_back(line);
    else
      blocks.back() += "\n" + line;
  }
  std::sort(blocks.begin(), blocks.end());
  return blocks;
}

class AdhocCompat : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fleet_ = new test::SshdFleet(3);
    dir_ = new test::TempDir();
    fleet_->write_inventory(dir_->path() + "/hosts");
  }
  static void TearDownTestSuite() {
    delete fleet_;
    delete dir_;
  }

  void compare(const std::vector<std::string>& args) {
    std::vector<std::string> a{"/usr/bin/ansible", "all", "-i", dir_->path() + "/hosts"};
    a.insert(a.end(), args.begin(), args.end());
    test::ProcessOptions po;
    po.env = {{"ANSIBLE_SSH_CONTROL_PATH_DIR", dir_->path() + "/cp"},
              {"ANSIBLE_NOCOLOR", "1"},
              {"ANSIBLE_LOCALHOST_WARNING", "False"}};
    auto theirs = test::run_process(a, po);
    std::vector<std::string> d{"run", "all", "-i", dir_->path() + "/hosts"};
    d.insert(d.end(), args.begin(), args.end());
    auto ours = test::run_drover(d, po);
    std::string what = join(args, " ");
    EXPECT_EQ(ours.exit_code, theirs.exit_code) << what << "\nansible:\n" << theirs.out << theirs.err
                                                << "\ndrover:\n" << ours.out << ours.err;
    EXPECT_EQ(host_blocks(ours.out), host_blocks(theirs.out)) << what << "\nansible:\n" << theirs.out
                                                              << "\ndrover:\n" << ours.out;
  }

  static test::SshdFleet* fleet_;
  static test::TempDir* dir_;
};

test::SshdFleet* AdhocCompat::fleet_ = nullptr;
test::TempDir* AdhocCompat::dir_ = nullptr;

TEST_F(AdhocCompat, CommandOneLine) { compare({"-m", "command", "-a", "echo hi there", "-o"}); }
TEST_F(AdhocCompat, ShellFailureOneLine) {
  compare({"-m", "shell", "-a", "echo out; echo err >&2; exit 3", "-o"});
}
TEST_F(AdhocCompat, MultiLineStdoutOneLine) { compare({"-m", "shell", "-a", "printf 'a\\nb\\n'", "-o"}); }
TEST_F(AdhocCompat, PingMinimal) { compare({"-m", "ping"}); }
TEST_F(AdhocCompat, PingOneLine) { compare({"-m", "ping", "-o"}); }
TEST_F(AdhocCompat, PingData) { compare({"-m", "ping", "-a", "data=hello"}); }
TEST_F(AdhocCompat, CreatesSkips) { compare({"-m", "command", "-a", "creates=/etc/passwd echo x", "-o"}); }
TEST_F(AdhocCompat, RemovesSkips) { compare({"-m", "command", "-a", "removes=/nonexistent/x echo x", "-o"}); }
TEST_F(AdhocCompat, Chdir) { compare({"-m", "command", "-a", "chdir=/tmp pwd", "-o"}); }
TEST_F(AdhocCompat, TemplatedArguments) {
  compare({"-m", "shell", "-a", "echo {{ inventory_hostname }} {{ group_names }} {{ 2 * 21 }}", "-o"});
}
TEST_F(AdhocCompat, CommandFailureMinimal) { compare({"-m", "command", "-a", "false"}); }
TEST_F(AdhocCompat, CheckModeSkipsCommand) { compare({"-C", "-m", "shell", "-a", "echo hi", "-o"}); }
TEST_F(AdhocCompat, ExtraVarsInArguments) { compare({"-e", "x=42", "-m", "command", "-a", "echo {{ x }}", "-o"}); }
TEST_F(AdhocCompat, LimitAndSlice) { compare({"-l", "all[0:1]", "-m", "command", "-a", "echo {{ inventory_hostname }}", "-o"}); }
TEST_F(AdhocCompat, BecomeUser) { compare({"-b", "--become-user", "nobody", "-m", "command", "-a", "id -un", "-o"}); }
TEST_F(AdhocCompat, ListHosts) { compare({"--list-hosts"}); }
TEST_F(AdhocCompat, BackgroundJobHandle) { compare({"-B", "20", "-P", "0", "-m", "command", "-a", "echo hi"}); }
TEST_F(AdhocCompat, BackgroundJobPolled) { compare({"-B", "20", "-P", "1", "-m", "shell", "-a", "echo polled; echo e >&2"}); }

}  // namespace
}  // namespace drover
