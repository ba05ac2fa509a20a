// How a host that cannot be reached is reported: each cause its own
// UnreachableError message, quickly, without disturbing the other hosts.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include "harness/process.hpp"
#include "ssh_test_support.hpp"

namespace drover::test {
namespace {

using Clock = std::chrono::steady_clock;

std::string unreachable_message(const ConnectionSpec& spec) {
  auto c = make_connection(spec);
  try {
    c->connect();
    c->exec("true");
  } catch (const UnreachableError& e) {
    return e.what();
  }
  return "(connected)";
}

// A port on a loopback address where nothing listens.
int closed_port(const std::string& address) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  ::close(fd);
  return ntohs(sa.sin_port);
}

class SshFailures : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { fleet_ = new SshdFleet(4); }
  static void TearDownTestSuite() {
    delete fleet_;
    fleet_ = nullptr;
  }
  static SshdFleet* fleet_;
};
SshdFleet* SshFailures::fleet_ = nullptr;

TEST_F(SshFailures, ClosedPortAndWrongKeyFailWithTheirOwnMessagesWhileHealthyHostsRun) {
  TempDir tmp;
  ASSERT_EQ(run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", tmp.path() + "/wrong"}).exit_code, 0);
  std::vector<ConnectionSpec> specs;
  for (int i = 0; i < 4; ++i) specs.push_back(fleet_spec(*fleet_, i));
  specs[1].port = closed_port(specs[1].host);
  specs[2].identity_files = {tmp.path() + "/wrong"};
  std::vector<std::future<std::string>> results;
  for (const auto& s : specs)
    results.push_back(std::async(std::launch::async, [s] {
      auto c = make_connection(s);
      try {
        return c->exec("echo ok").out;
      } catch (const UnreachableError& e) {
        return std::string(e.what());
      }
    }));
  EXPECT_EQ(results[0].get(), "ok\n");
  std::string refused = results[1].get();
  std::string denied = results[2].get();
  EXPECT_EQ(results[3].get(), "ok\n");
  EXPECT_NE(refused.find("Connection refused"), std::string::npos) << refused;
  EXPECT_NE(refused.find("port " + std::to_string(specs[1].port)), std::string::npos) << refused;
  EXPECT_NE(denied.find("Permission denied (publickey)"), std::string::npos) << denied;
  EXPECT_NE(denied.find(tmp.path() + "/wrong"), std::string::npos) << "names the key tried: " << denied;
}

TEST_F(SshFailures, UnresolvableHostNameIsReported) {
  ConnectionSpec s = fleet_spec(*fleet_, 0);
  s.host = "nohost.invalid";
  std::string msg = unreachable_message(s);
  EXPECT_NE(msg.find("Could not resolve hostname nohost.invalid"), std::string::npos) << msg;
}

TEST_F(SshFailures, SilentServerTimesOutAfterTheConnectTimeout) {
  // Accepts TCP connections (the kernel completes them) but never speaks.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(::listen(fd, 8), 0);
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  ConnectionSpec s = fleet_spec(*fleet_, 0);
  s.host = "127.0.0.1";
  s.port = ntohs(sa.sin_port);
  s.connect_timeout_s = 1;
  auto t0 = Clock::now();
  std::string msg = unreachable_message(s);
  auto took = Clock::now() - t0;
  ::close(fd);
  EXPECT_NE(msg.find("timed out during banner exchange"), std::string::npos) << msg;
  EXPECT_GE(took, std::chrono::milliseconds(900));
  EXPECT_LT(took, std::chrono::milliseconds(2500));
}

TEST_F(SshFailures, ChangedHostKeyIsRefusedAsAPossibleAttack) {
  TempDir tmp;
  ConnectionSpec s = fleet_spec(*fleet_, 0);
  // host 0's address with another host key (the fleet's client key will do)
  std::string other = read_file(fleet_->client_key_path() + ".pub");
  s.known_hosts_file = tmp.write("known_hosts", "[" + s.host + "]:" + std::to_string(s.port) + " " + other);
  std::string msg = unreachable_message(s);
  EXPECT_NE(msg.find("HOST IDENTIFICATION HAS CHANGED"), std::string::npos) << msg;
  EXPECT_NE(msg.find("man-in-the-middle"), std::string::npos) << msg;
  EXPECT_NE(msg.find(s.known_hosts_file), std::string::npos) << msg;
}

TEST_F(SshFailures, ChangedHostKeyIsAcceptedWhenCheckingIsOff) {
  TempDir tmp;
  ConnectionSpec s = fleet_spec(*fleet_, 0);
  std::string other = read_file(fleet_->client_key_path() + ".pub");
  s.known_hosts_file = tmp.write("known_hosts", "[" + s.host + "]:" + std::to_string(s.port) + " " + other);
  s.host_key_policy = HostKeyPolicy::off;
  EXPECT_EQ(make_connection(s)->exec("echo in").out, "in\n");
}

TEST_F(SshFailures, UnknownHostIsRefusedUnderStrictChecking) {
  TempDir tmp;
  ConnectionSpec s = fleet_spec(*fleet_, 0);
  s.known_hosts_file = tmp.write("known_hosts", "");
  std::string msg = unreachable_message(s);
  EXPECT_NE(msg.find("No ED25519 host key is known for [" + s.host + "]:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Host key verification failed"), std::string::npos) << msg;
}

TEST_F(SshFailures, AcceptNewRecordsAnUnknownHostKey) {
  TempDir tmp;
  ConnectionSpec s = fleet_spec(*fleet_, 1);
  s.known_hosts_file = tmp.path() + "/sub/known_hosts";  // neither file nor directory exists yet
  s.host_key_policy = HostKeyPolicy::accept_new;
  EXPECT_EQ(make_connection(s)->exec("echo in").out, "in\n");
  std::string recorded = read_file(s.known_hosts_file);
  EXPECT_NE(recorded.find("[" + s.host + "]:" + std::to_string(s.port) + " ssh-ed25519"), std::string::npos)
      << recorded;
  // ...and now strict checking accepts it.
  s.host_key_policy = HostKeyPolicy::strict;
  EXPECT_EQ(make_connection(s)->exec("echo again").out, "again\n");
}

TEST_F(SshFailures, AcceptNewStillRefusesAChangedKey) {
  TempDir tmp;
  ConnectionSpec s = fleet_spec(*fleet_, 0);
  std::string other = read_file(fleet_->client_key_path() + ".pub");
  s.known_hosts_file = tmp.write("known_hosts", "[" + s.host + "]:" + std::to_string(s.port) + " " + other);
  s.host_key_policy = HostKeyPolicy::accept_new;
  EXPECT_NE(unreachable_message(s).find("HOST IDENTIFICATION HAS CHANGED"), std::string::npos);
}

TEST_F(SshFailures, HashedKnownHostsEntriesAreRecognised) {
  TempDir tmp;
  ConnectionSpec s = fleet_spec(*fleet_, 2);
  s.known_hosts_file = tmp.write("known_hosts", read_file(fleet_->known_hosts_path()));
  ASSERT_EQ(run_process({"ssh-keygen", "-q", "-H", "-f", s.known_hosts_file}).exit_code, 0);
  ASSERT_EQ(read_file(s.known_hosts_file).find(s.host), std::string::npos) << "hashed";
  EXPECT_EQ(make_connection(s)->exec("echo hashed").out, "hashed\n");
}

// A host whose sshd dies under a running command (through an exec channel,
// or the persistent shell when `own_script`).
void expect_killed_host_reported_quickly(bool own_script) {
  FleetOptions one_per_sshd;
  one_per_sshd.hosts_per_sshd = 1;  // kill one host without the other
  SshdFleet fleet(2, one_per_sshd);
  auto victim = make_connection(fleet_spec(fleet, 0));
  auto other = make_connection(fleet_spec(fleet, 1));
  victim->connect();
  other->connect();
  ExecOptions opts;
  opts.own_script = own_script;
  if (own_script) {
    ASSERT_EQ(victim->exec("echo $$", opts).out, victim->exec("echo $$", opts).out) << "one shell";
  }
  auto running = std::async(std::launch::async, [&] {
    try {
      victim->exec("echo started; sleep 30", opts);
      return std::string("(finished)");
    } catch (const UnreachableError& e) {
      return std::string(e.what());
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto t0 = Clock::now();
  fleet.kill_host(0);
  ASSERT_EQ(running.wait_for(std::chrono::seconds(5)), std::future_status::ready) << "hung";
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(2));
  std::string msg = running.get();
  EXPECT_NE(msg.find("closed by the remote host"), std::string::npos) << msg;
  EXPECT_FALSE(victim->connected());
  EXPECT_EQ(other->exec("echo alive", opts).out, "alive\n");
  // A later use reconnects and reports the host as refused.
  std::string again;
  try {
    victim->exec("true", opts);
  } catch (const UnreachableError& e) {
    again = e.what();
  }
  EXPECT_NE(again.find("Connection refused"), std::string::npos) << again;
}

TEST(SshDroppedConnection, KilledSshdDuringACommandIsReportedQuicklyAndOthersContinue) {
  expect_killed_host_reported_quickly(false);
}

TEST(SshDroppedConnection, KilledSshdDuringAPersistentShellCommandIsReportedQuickly) {
  expect_killed_host_reported_quickly(true);
}

}  // namespace
}  // namespace drover::test
