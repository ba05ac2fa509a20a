// The persistent shell (ExecOptions::own_script) over a real OpenSSH
// session: what a command sees and returns must be what an exec channel
// gives, byte for byte; timeouts and cancels must behave as they do there
// (a dead host: ssh_failures_test.cpp).
#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>

#include <chrono>
#include <fstream>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "harness/process.hpp"
#include "ssh_test_support.hpp"
#include "transport/ssh_connection.hpp"

namespace drover::test {
namespace {

using Clock = std::chrono::steady_clock;

ExecOptions in_shell(std::string input = {}) {
  ExecOptions o;
  o.own_script = true;
  o.stdin_data = std::move(input);
  return o;
}

class SshShell : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { fleet_ = new SshdFleet(1); }
  static void TearDownTestSuite() {
    delete fleet_;
    fleet_ = nullptr;
  }
  std::unique_ptr<Connection> connect(std::shared_ptr<const Interrupt> interrupt = nullptr) {
    auto c = make_connection(fleet_spec(*fleet_, 0));
    if (interrupt) c->set_interrupt(std::move(interrupt));
    c->connect();
    return c;
  }
  // Runs `cmd` both ways and expects the same result.
  static ExecResult same_both_ways(Connection& c, const std::string& cmd, const std::string& input = {}) {
    ExecOptions channel;
    channel.stdin_data = input;
    ExecResult want = c.exec(cmd, channel);
    ExecResult got = c.exec(cmd, in_shell(input));
    EXPECT_EQ(got.out, want.out) << cmd;
    EXPECT_EQ(got.err, want.err) << cmd;
    EXPECT_EQ(got.exit_status, want.exit_status) << cmd;
    EXPECT_EQ(got.exit_signal, want.exit_signal) << cmd;
    return got;
  }
  static SshdFleet* fleet_;
};
SshdFleet* SshShell::fleet_ = nullptr;

TEST_F(SshShell, CommandsShareOneRemoteShellButNotItsState) {
  auto c = connect();
  // $$ is the persistent shell's pid: the same for every command.
  std::string first = c->exec("echo $$", in_shell()).out;
  EXPECT_EQ(c->exec("echo $$", in_shell()).out, first);
  EXPECT_NE(c->exec("echo $$").out, first);
  c->exec("cd /tmp; x=1; umask 077; export Y=2", in_shell());
  EXPECT_EQ(c->exec("pwd; echo \"${x-unset} ${Y-unset}\"; umask", in_shell()).out,
            c->exec("pwd; echo \"${x-unset} ${Y-unset}\"; umask").out);
}

// The login shell's pid line may arrive while the shell channel is still
// being opened (seen under load with 50 hosts: the first command then never
// ended). Many fresh connections at once make that likely.
TEST_F(SshShell, FirstCommandsOfManyFreshConnectionsAllEnd) {
  std::vector<std::future<std::string>> runs;
  for (int i = 0; i < 24; ++i)
    runs.push_back(std::async(std::launch::async, [] {
      ConnectionSpec spec = fleet_spec(*fleet_, 0);
      spec.command_timeout_s = 20;
      auto c = make_connection(spec);
      ExecResult r = c->exec("echo first", in_shell());
      return r.timed_out ? std::string("timed out") : r.out + c->exec("echo second", in_shell()).out;
    }));
  for (auto& r : runs) EXPECT_EQ(r.get(), "first\nsecond\n");
}

TEST_F(SshShell, OutputAndExitStatusAreByteExact) {
  auto c = connect();
  ExecResult r = same_both_ways(*c, "echo out; echo err >&2; exit 3");
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  EXPECT_EQ(r.exit_status, 3);
  r = same_both_ways(*c, "printf 'no newline'; printf 'nor here' >&2");
  EXPECT_EQ(r.out, "no newline");
  EXPECT_EQ(r.err, "nor here");
  r = same_both_ways(*c, "printf '\\001\\036\\037\\377\\r\\n\\000x'; printf '\\000\\377' >&2; false");
  EXPECT_EQ(r.out, std::string("\x01\x1e\x1f\xff\r\n\0x", 8));
  EXPECT_EQ(r.err, std::string("\0\xff", 2));
  EXPECT_EQ(r.exit_status, 1);
  // Several megabytes on both streams at once.
  r = same_both_ways(*c, "seq 1 300000; seq 1 200000 >&2; seq 5 | tr -d '\\n'");
  EXPECT_EQ(r.out.size(), 1988895u + 5);
  EXPECT_EQ(r.out.substr(r.out.size() - 12), "300000\n12345");
  EXPECT_EQ(r.err.size(), 1288895u);
  // Quotes, here-documents, a trailing comment and functions of its own.
  same_both_ways(*c, "f() { echo \"it's $1\"; }; f 'a'\\''b'\ncat <<'EOF'\n$x '\"\nEOF\necho done # trailing");
  // The shell's own messages name /bin/sh and the line, as with sh -c.
  r = same_both_ways(*c, "true\nno_such_command_xyz\necho > /nonexistent/x");
  EXPECT_EQ(r.err, "/bin/sh: 2: no_such_command_xyz: not found\n/bin/sh: 3: cannot create /nonexistent/x: "
                   "Directory nonexistent\n");
}

TEST_F(SshShell, SyntaxErrorFailsThatCommandOnly) {
  auto c = connect();
  ExecResult r = c->exec("echo before; if then fi '", in_shell());
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("Syntax error"), std::string::npos) << r.err;
  r = c->exec("echo ')'; exit 4", in_shell());
  EXPECT_EQ(r.out, ")\n");
  EXPECT_EQ(r.exit_status, 4);
}

TEST_F(SshShell, StdinIsTheGivenBytesOrEof) {
  auto c = connect();
  ExecResult r = same_both_ways(*c, "cat; echo rc=$?");
  EXPECT_EQ(r.out, "rc=0\n");
  std::string input = "line 1\n'quoted' \"and\" $HOME `x` \\\n\xff\x01 no newline";
  r = same_both_ways(*c, "cat; echo; wc -c", input);
  EXPECT_EQ(r.out, input + "\n0\n");
  // A command that leaves its input unread, then one that reads only a line.
  same_both_ways(*c, "echo ignored", std::string(100000, 'y'));
  r = same_both_ways(*c, "read -r l; echo \"[$l]\"", "first\nsecond\n");
  EXPECT_EQ(r.out, "[first]\n");
  // Input a frame cannot carry (a NUL byte) still arrives, on an exec channel.
  r = c->exec("od -An -c | tr -s ' '", in_shell(std::string("a\0b", 3)));
  EXPECT_EQ(r.out, " a \\0 b\n");
}

TEST_F(SshShell, TimeoutKillsEverythingTheCommandStartedAndTheNextCommandRuns) {
  auto c = connect();
  ExecOptions opts = in_shell();
  opts.timeout_s = 1;
  auto t0 = Clock::now();
  // Durations no other test uses: pgrep sees every process of the machine
  // (cli's interrupt test runs `sleep 42.25` at the same time under ctest -j2).
  ExecResult r = c->exec("echo started; sleep 41.0731 & sleep 42.0731; echo never", opts);
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(3));
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit_status, -1);
  EXPECT_EQ(r.exit_signal, "KILL");
  EXPECT_EQ(r.out, "started\n");
  EXPECT_EQ(c->exec("echo next; exit 5", in_shell()).out, "next\n");
  EXPECT_EQ(c->exec("pgrep -f 'slee[p] 4[12][.]0731' >/dev/null && echo running || echo gone").out, "gone\n");
}

TEST_F(SshShell, CancelKillsTheCommandAndItsChildren) {
  auto interrupt = std::make_shared<Interrupt>();
  auto c = connect(interrupt);
  ASSERT_EQ(c->exec("echo warm", in_shell()).out, "warm\n");
  auto running = std::async(std::launch::async, [&] {
    try {
      c->exec("sleep 43 & sleep 44", in_shell());
      return std::string("(finished)");
    } catch (const CancelledError&) {
      return std::string("cancelled");
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto t0 = Clock::now();
  interrupt->fire();
  ASSERT_EQ(running.wait_for(std::chrono::seconds(5)), std::future_status::ready) << "hung";
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(2));
  EXPECT_EQ(running.get(), "cancelled");
  EXPECT_EQ(connect()->exec("pgrep -f 'slee[p] 4[34]' >/dev/null && echo running || echo gone").out, "gone\n");
}

TEST_F(SshShell, AShellKilledUnderTheCommandIsReportedAndReplaced) {
  auto c = connect();
  ExecResult r = c->exec("echo partial; kill -KILL $$", in_shell());
  EXPECT_EQ(r.out, "partial\n");
  EXPECT_EQ(r.exit_status, -1);
  EXPECT_EQ(r.exit_signal, "KILL");
  EXPECT_EQ(c->exec("echo again", in_shell()).out, "again\n");
}

TEST_F(SshShell, AShellKilledWhileIdleIsReplacedBeforeTheNextCommand) {
  auto c = connect();
  std::string pid = c->exec("echo $$", in_shell()).out;
  ASSERT_FALSE(pid.empty());
  // From another connection, so that nothing polls this one meanwhile.
  connect()->exec("kill -KILL " + pid);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ExecResult r = c->exec("echo after", in_shell());
  EXPECT_EQ(r.out, "after\n");
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_EQ(r.exit_signal, "");
}

TEST_F(SshShell, ACallbackThatThrowsLeavesNoHalfFinishedFrame) {
  auto c = connect();
  ExecOptions opts = in_shell();
  opts.on_stdout = [](std::string_view) { throw std::runtime_error("callback failed"); };
  EXPECT_THROW(c->exec("echo one; sleep 1; echo two", opts), std::runtime_error);
  ExecResult r = c->exec("echo next", in_shell());
  EXPECT_EQ(r.out, "next\n");
  EXPECT_EQ(r.exit_status, 0);
}

// ---- Commands killed before the controller has read the shell's pid ----
//
// The pid line (the process group a timeout or a cancel kills, sshd
// refusing signal requests in root's sessions) reaches the controller
// late when the way back is slow. A relay delays everything the server
// sends by a number of seconds read from a file, and the sandbox's
// /root/.ssh/rc (run by sshd before the login shell) sleeps, once, as long
// as its own file says, and records its process group: the command's.
class SshShellLatePid : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    FleetOptions o;
    o.sandbox = true;
    o.hosts_per_sshd = 1;
    fleet_ = new SshdFleet(1, o);
    dir_ = new TempDir();
    root_ = fleet_->sandbox_root(0) + "/root";
    run_shell("mkdir -p '" + root_ + "/.ssh'");
    std::ofstream(root_ + "/.ssh/rc")
        << "if mv -f /root/rc-delay /root/rc-delay-taken 2>/dev/null; then\n"
           "  ps -o pgid= -p $$ | tr -d ' ' > /root/rc-group.new && mv /root/rc-group.new /root/rc-group\n"
           "  sleep \"$(cat /root/rc-delay-taken)\"\nfi\n";
    std::ofstream(dir_->path() + "/relay.py") << R"PY(
import os, queue, socket, sys, threading, time
sock = socket.create_connection((sys.argv[1], int(sys.argv[2])))
delay_file = sys.argv[3]
def up():
    while True:
        data = os.read(0, 65536)
        if not data:
            sock.shutdown(socket.SHUT_WR)
            return
        sock.sendall(data)
later = queue.Queue()
def down():
    while True:
        due, data = later.get()
        time.sleep(max(0.0, due - time.monotonic()))
        if not data:
            os._exit(0)
        while data:
            data = data[os.write(1, data):]
threading.Thread(target=up, daemon=True).start()
threading.Thread(target=down, daemon=True).start()
while True:
    data = sock.recv(65536)
    try:
        delay = float(open(delay_file).read())
    except (OSError, ValueError):
        delay = 0.0
    later.put((time.monotonic() + delay, data))
    if not data:
        threading.Event().wait()
)PY";
  }
  static void TearDownTestSuite() {
    delete fleet_;
    delete dir_;
    fleet_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override {
    std::remove((dir_->path() + "/delay").c_str());
    std::remove((root_ + "/rc-group").c_str());
  }
  // A connection through the relay, connected while it does not delay.
  static std::unique_ptr<Connection> relayed(std::shared_ptr<const Interrupt> interrupt = nullptr) {
    ConnectionSpec spec = fleet_spec(*fleet_, 0);
    spec.proxy_command =
        std::string(kSystemPython) + " " + dir_->path() + "/relay.py %h %p " + dir_->path() + "/delay";
    spec.connect_timeout_s = 30;
    auto c = make_connection(spec);
    if (interrupt) c->set_interrupt(std::move(interrupt));
    c->connect();
    return c;
  }
  // From now on the server's packets reach the controller `relay_s` late
  // and the next session's login shell starts `rc_s` late.
  static void slow_down(double relay_s, double rc_s) {
    std::ofstream(root_ + "/rc-delay") << rc_s;
    std::ofstream(dir_->path() + "/delay") << relay_s;
  }
  // The killed command's process group, once rc has recorded it.
  static long command_group() {
    for (int i = 0; i < 200; ++i) {
      std::string g = read_file(root_ + "/rc-group");
      if (!g.empty()) return std::atol(g.c_str());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return 0;
  }
  // True once no process of `group` is left (within 20 s); kills what is.
  static bool group_ends(long group) {
    for (int i = 0; i < 400; ++i) {
      if (::kill(static_cast<pid_t>(-group), 0) != 0 && errno == ESRCH) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(static_cast<pid_t>(-group), SIGKILL);
    return false;
  }
  static SshdFleet* fleet_;
  static TempDir* dir_;
  static std::string root_;
};
SshdFleet* SshShellLatePid::fleet_ = nullptr;
TempDir* SshShellLatePid::dir_ = nullptr;
std::string SshShellLatePid::root_;

// The shell's pid line comes after the command's timeout: the command must
// not have started (before, it ran and its children outlived it).
TEST_F(SshShellLatePid, ShellCommandTimingOutBeforeThePidLineLeavesNothingRunning) {
  auto c = relayed();
  slow_down(1.5, 1.5);
  ExecOptions opts = in_shell();
  opts.timeout_s = 1;
  ExecResult r = c->exec("echo started; sleep 51 & sleep 52", opts);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit_signal, "KILL");
  long group = command_group();
  ASSERT_GT(group, 1);
  EXPECT_TRUE(group_ends(group)) << "the command's processes outlived its timeout";
  slow_down(0, 0);
  EXPECT_EQ(c->exec("echo next", in_shell()).out, "next\n");
}

// On an exec channel the command starts with the shell: a pid line still
// on its way when the command times out is awaited, and the group killed.
TEST_F(SshShellLatePid, ExecChannelTimingOutBeforeThePidLineArrivedKillsTheGroup) {
  auto c = relayed();
  slow_down(1.5, 0.3);
  ExecOptions opts;
  opts.timeout_s = 1;
  ExecResult r = c->exec("sleep 53 & sleep 54", opts);
  EXPECT_TRUE(r.timed_out);
  long group = command_group();
  ASSERT_GT(group, 1);
  EXPECT_TRUE(group_ends(group)) << "the command's processes outlived its timeout";
}

// The same for a cancel, fired once the command's session exists on the
// target while the controller still waits for the exec request's answer.
TEST_F(SshShellLatePid, ExecChannelCancelledBeforeThePidLineArrivedKillsTheGroup) {
  auto interrupt = std::make_shared<Interrupt>();
  auto c = relayed(interrupt);
  slow_down(1.5, 0.3);
  auto running = std::async(std::launch::async, [&] {
    try {
      c->exec("sleep 55 & sleep 56");
      return std::string("(finished)");
    } catch (const CancelledError&) {
      return std::string("cancelled");
    }
  });
  long group = command_group();
  interrupt->fire();
  ASSERT_GT(group, 1);
  ASSERT_EQ(running.wait_for(std::chrono::seconds(30)), std::future_status::ready) << "hung";
  EXPECT_EQ(running.get(), "cancelled");
  EXPECT_TRUE(group_ends(group)) << "the command's processes outlived its cancel";
}

// ---- A shell the server refuses to start ----
//
// sshd fails an exec request when it cannot make the command's pipes: here
// its session process may open no more files (prlimit from another
// connection). The caller gets an error that says so; the session is not
// dropped, and once sshd can start commands again the same connection
// (the same sshd process) runs them.
TEST_F(SshShell, ARefusedShellFailsClearlyAndTheConnectionStaysUsable) {
  auto c = connect();
  auto other = connect();
  std::string session = c->exec("echo $PPID").out;
  ASSERT_FALSE(session.empty());
  session.pop_back();
  // RLIMIT_NOFILE at the lowest free descriptor: no new one can be made.
  // sshd may still be closing the last channel's descriptors, so until a
  // probe is refused the limit is set again.
  const std::string limit = "p=" + session +
                            "; n=0; while [ -e /proc/$p/fd/$n ]; do n=$((n+1)); done; "
                            "prlimit --pid $p --nofile=$n:$(prlimit --pid $p --nofile -o HARD --noheadings)";
  bool refused = false;
  for (int i = 0; i < 50 && !refused; ++i) {
    other->exec(limit);
    try {
      c->exec("true");
    } catch (const UnreachableError&) {
      refused = true;
    }
  }
  ASSERT_TRUE(refused) << "sshd kept starting commands";
  try {
    c->exec("echo in shell", in_shell());
    ADD_FAILURE() << "the shell started";
  } catch (const UnreachableError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("exec request failed while starting a shell"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("closed by the remote host"), std::string::npos) << msg;
  }
  EXPECT_TRUE(c->connected());
  other->exec("prlimit --pid " + session + " --nofile=1024:");
  EXPECT_EQ(c->exec("echo $PPID", in_shell()).out, session + "\n");
  EXPECT_EQ(c->exec("echo again").out, "again\n");
}

}  // namespace
}  // namespace drover::test
