#include "transport/local_connection.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>

#include "fake_become.hpp"
#include "harness/process.hpp"

namespace drover {
namespace {

std::unique_ptr<Connection> local() {
  ConnectionSpec s;
  s.name = "localhost";
  s.type = "local";
  return make_connection(s);
}

TEST(LocalConnection, RunsThroughShWithSeparateStreamsAndExitStatus) {
  auto c = local();
  ExecResult r = c->exec("echo out; echo err >&2; exit 4");
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  EXPECT_EQ(r.exit_status, 4);
}

TEST(LocalConnection, ReportsTheKillingSignal) {
  ExecResult r = local()->exec("kill -KILL $$");
  EXPECT_EQ(r.exit_signal, "KILL");
  EXPECT_EQ(r.exit_status, -1);
}

TEST(LocalConnection, BinaryStdinComesBackIntact) {
  std::string data(5 * 1024 * 1024, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 13 & 0xff);
  ExecOptions opts;
  opts.stdin_data = data;
  ExecResult r = local()->exec("cat", opts);
  ASSERT_EQ(r.out.size(), data.size());
  EXPECT_TRUE(r.out == data);
}

TEST(LocalConnection, CommandThatIgnoresItsInputDoesNotHang) {
  ExecOptions opts;
  opts.stdin_data = std::string(4 * 1024 * 1024, 'x');
  ExecResult r = local()->exec("echo done", opts);
  EXPECT_EQ(r.out, "done\n");
  EXPECT_EQ(r.exit_status, 0);
}

TEST(LocalConnection, TimeoutKillsTheWholeCommand) {
  ExecOptions opts;
  opts.timeout_s = 1;
  auto t0 = std::chrono::steady_clock::now();
  ExecResult r = local()->exec("sleep 30 & sleep 30; echo never", opts);
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
  EXPECT_EQ(r.out, "");
}

TEST(LocalConnection, BecomesNobodyWithSudo) {
  BecomeSpec b;
  b.user = "nobody";
  ExecOptions opts;
  opts.become = &b;
  ExecResult r = local()->exec("id -un", opts);
  EXPECT_EQ(r.out, "nobody\n") << r.err;
}

TEST(LocalConnection, SudoPasswordDialogWorksLocally) {
  test::TempDir tmp;
  std::string fake = tmp.write("fake-sudo", test::kFakeSudo);
  ::chmod(fake.c_str(), 0755);
  BecomeSpec b;
  b.password = test::kFakePassword;
  b.exe = fake;
  ExecOptions opts;
  opts.become = &b;
  opts.stdin_data = "in";
  ExecResult r = local()->exec("cat", opts);
  EXPECT_EQ(r.out, "in");
  EXPECT_TRUE(r.become_error.empty()) << r.become_error;
  b.password = "bad";
  r = local()->exec("cat", opts);
  EXPECT_EQ(r.become_error, "Incorrect sudo password");
}

TEST(LocalConnection, SuPasswordIsTypedOnATerminal) {
  test::TempDir tmp;
  std::string fake = tmp.write("fake-su", test::kFakeSu);
  ::chmod(fake.c_str(), 0755);
  BecomeSpec b;
  b.method = "su";
  b.password = test::kFakePassword;
  b.exe = fake;
  ExecOptions opts;
  opts.become = &b;
  opts.timeout_s = 20;
  ExecResult r = local()->exec("echo as-target; tty >/dev/null && echo on-tty", opts);
  EXPECT_EQ(r.out, "as-target\non-tty\n");
  EXPECT_EQ(r.exit_status, 0) << r.err;
  b.password = "bad";
  r = local()->exec("echo no", opts);
  EXPECT_EQ(r.become_error, "Incorrect su password");
  EXPECT_FALSE(r.timed_out);
}

TEST(LocalConnection, PutAndFetchKeepContentAndMode) {
  test::TempDir tmp;
  std::string data = std::string("\0\1\2\xff binary", 11);
  std::string src = tmp.write("a", data);
  ::chmod(src.c_str(), 0751);
  auto c = local();
  c->put_file(src, tmp.path() + "/b");
  EXPECT_EQ(test::read_file(tmp.path() + "/b"), data);
  c->fetch_file(tmp.path() + "/b", tmp.path() + "/c");
  struct stat st {};
  ::stat((tmp.path() + "/c").c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0751u);
  EXPECT_EQ(test::read_file(tmp.path() + "/c"), data);
}

TEST(MakeConnection, UnknownTypeIsAnError) {
  ConnectionSpec s;
  s.name = "h";
  s.type = "winrm";
  EXPECT_THROW(make_connection(s), Error);
}

}  // namespace
}  // namespace drover
