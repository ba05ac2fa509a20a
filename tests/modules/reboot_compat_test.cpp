// reboot against ansible.builtin.reboot (ansible-core 2.14) on two
// sandboxed sshd hosts. Rebooting this machine is out of the question, so
// every test names its reboot command (reboot_command, or a `shutdown`
// found only in search_paths=/usr/local/sbin, the sandbox's private one)
// and its boot time command (a boot id kept in the sandbox's /etc). The
// stand-in "reboot" behaves as a going-down host does to its ssh clients:
// a second later it kills the sshd sessions it runs under, holds new
// logins for two seconds (the sshd listener stopped), then comes back with
// a new boot id. Both tools must wait for it, reconnect and report the
// same result; `elapsed` differs by nature and is compared loosely.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

// Installs NAME in /usr/local/sbin: it logs its arguments to
// /etc/fake-reboot.log and, when `boots`, reboots in the way above.
std::string fake_reboot(const std::string& name, bool boots) {
  std::string script = R"SH(#!/bin/sh
# drover test stand-in for a reboot
echo "$*" >> /etc/fake-reboot.log
)SH";
  if (boots)
    script += R"SH(listener=; sessions=
p=$PPID
while [ "$p" -gt 1 ]; do
  args=$(tr '\0' ' ' < /proc/$p/cmdline)
  case $args in
    *sshd*' -D '*) listener=$p; break ;;
    sshd*) sessions="$sessions $p" ;;
  esac
  p=$(awk '{ print $4 }' /proc/$p/stat)
done
[ -n "$listener" ] || { echo "no sshd listener above $$" >&2; exit 1; }
# its own session: Ansible runs the command on a tty, whose hangup would kill it
setsid sh -c "sleep 1; kill -STOP $listener; kill -9 $sessions; sleep 2
  date +%s%N > /etc/fake-boot-id; kill -CONT $listener" >/dev/null 2>&1 </dev/null &
)SH";
  return "cat > /usr/local/sbin/" + name + " <<'EOF'\n" + script + "EOF\nchmod 755 /usr/local/sbin/" + name;
}

class RebootCompat : public test::SandboxPairTest {
 protected:
  void SetUp() override { prepare("rm -f /etc/fake-reboot.log; echo first-boot > /etc/fake-boot-id"); }
  // Both results without their timings; ours took at least `min_elapsed`.
  static ModuleOutcome same_untimed(const std::string& args, int min_elapsed) {
    ModuleOutcome o = pair_->both("ansible.builtin.reboot", args);
    EXPECT_GE(o.ours_json.value("elapsed", -1), min_elapsed) << o.ours;
    for (Value* v : {&o.ours_json, &o.theirs_json}) {
      v->erase("elapsed");
      v->erase("start");
    }
    EXPECT_EQ(test::sorted_dump(o.ours_json), test::sorted_dump(o.theirs_json));
    return o;
  }
};

// Disabled: on a loaded machine (ctest -j2, the UI suites beside it) the
// oracle's side fails, 3 times in 4 on 2026-12-06: ansible-playbook's reboot
// leaves the stand-in's boot id unchanged and hangs to the test timeout
// (theirs: {"unparsed": ""}); drover's side passed every time. Alone it
// passes. Re-enable when the stand-in no longer races the controller.
TEST_F(RebootCompat, DISABLED_RebootsWithTheGivenCommandAndWaitsUntilTheHostIsBack) {
  prepare(fake_reboot("drover-fake-reboot", true));
  ModuleOutcome o = same_untimed("reboot_command='drover-fake-reboot now' boot_time_command='cat /etc/fake-boot-id'", 2);
  EXPECT_EQ(o.ours_json, (Value{{"changed", true}, {"rebooted", true}}));
  same_state("cat /etc/fake-reboot.log; grep -c first-boot /etc/fake-boot-id");
  EXPECT_EQ(pair_->state("cat /etc/fake-reboot.log").first, "now\n");
}

// Disabled: drover passes, but ansible-playbook's run of the same task gives
// no result before the harness gives up (300 s); not understood yet.
TEST_F(RebootCompat, DISABLED_TheDefaultCommandIsShutdownWithTheDelayInMinutesAndTheMessage) {
  prepare(fake_reboot("shutdown", true));
  same_untimed("search_paths=/usr/local/sbin pre_reboot_delay=130 msg='maintenance by drover'"
               " boot_time_command='cat /etc/fake-boot-id' test_command='test -s /etc/fake-boot-id'",
               2);
  EXPECT_EQ(same_state("cat /etc/fake-reboot.log"), "-r 2 maintenance by drover\n");
}

// Ansible's stderr here also holds its ssh client's "Shared connection to
// HOST closed." (it runs the command with a tty); drover's is the command's.
TEST_F(RebootCompat, AFailingRebootCommandFailsWithoutWaiting) {
  ModuleOutcome o = pair_->both("ansible.builtin.reboot", "reboot_command=/bin/false boot_time_command='cat /etc/fake-boot-id'");
  EXPECT_EQ(o.ours_json["msg"], "Reboot command failed. Error was: ', '");
  EXPECT_TRUE(o.theirs_json["msg"].get<std::string>().starts_with("Reboot command failed. Error was: ', ")) << o.theirs;
  for (Value* v : {&o.ours_json, &o.theirs_json}) {
    EXPECT_EQ((*v)["rebooted"], false);
    EXPECT_EQ((*v)["failed"], true);
    EXPECT_EQ((*v)["changed"], false);
  }
}

TEST_F(RebootCompat, AHostThatNeverComesBackTimesOut) {
  prepare(fake_reboot("drover-no-boot", false));
  ModuleOutcome o = same_untimed("reboot_command=drover-no-boot reboot_timeout=3 boot_time_command='cat /etc/fake-boot-id'", 3);
  EXPECT_EQ(o.ours_json["msg"], "Timed out waiting for last boot time check (timeout=3)");
  EXPECT_EQ(o.ours_json["rebooted"], true);
}

TEST_F(RebootCompat, AnUnknownCommandIsNotRunAndCheckModeRebootsNothing) {
  ModuleOutcome missing = pair_->both("ansible.builtin.reboot", "reboot_command=drover-no-such-reboot");
  EXPECT_EQ(missing.ours_json["msg"], missing.theirs_json["msg"]);
  EXPECT_NE(missing.ours_json["msg"].get<std::string>().find("Unable to find command \"drover-no-such-reboot\""),
            std::string::npos)
      << missing.ours;
  ModuleOutcome check = same_result("ansible.builtin.reboot", "", {"--check"});
  EXPECT_EQ(check.ours_json["rebooted"], true);
  EXPECT_EQ(same_state("cat /etc/fake-boot-id; cat /etc/fake-reboot.log 2>&1 | wc -l"), "first-boot\n1\n");
}

}  // namespace
}  // namespace drover
