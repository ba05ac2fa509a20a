// The persistent shell (ExecOptions::own_script) over a real OpenSSH
// session: what a command sees and returns must be what an exec channel
// gives, byte for byte; timeouts and cancels must behave as they do there
// (a dead host: ssh_failures_test.cpp).
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

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
  ExecResult r = c->exec("echo started; sleep 41 & sleep 42; echo never", opts);
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(3));
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit_status, -1);
  EXPECT_EQ(r.exit_signal, "KILL");
  EXPECT_EQ(r.out, "started\n");
  EXPECT_EQ(c->exec("echo next; exit 5", in_shell()).out, "next\n");
  EXPECT_EQ(c->exec("pgrep -f 'slee[p] 4[12]' >/dev/null && echo running || echo gone").out, "gone\n");
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

}  // namespace
}  // namespace drover::test
