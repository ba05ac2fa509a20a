// Many hosts at once through the ConnectionPool, as the executor uses it.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "ssh_test_support.hpp"
#include "transport/pool.hpp"

namespace drover::test {
namespace {

// Each worker takes the next host and runs `cmd` there, as --forks workers do.
std::vector<std::string> run_everywhere(ConnectionPool& pool, const SshdFleet& fleet, int threads,
                                        const std::string& cmd) {
  int n = static_cast<int>(fleet.hosts().size());
  std::vector<std::string> out(static_cast<size_t>(n));
  std::atomic<int> next{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&] {
      for (int i; (i = next++) < n;) {
        try {
          out[static_cast<size_t>(i)] = pool.get(fleet_spec(fleet, i))->exec(cmd).out;
        } catch (const std::exception& e) {
          out[static_cast<size_t>(i)] = std::string("ERROR ") + e.what();
        }
      }
    });
  for (auto& w : workers) w.join();
  return out;
}

TEST(SshPool, FiftyHostsConnectInParallelAndEachIsItsOwnSession) {
  SshdFleet fleet(50);
  ConnectionPool pool;
  auto out = run_everywhere(pool, fleet, 50, "echo $SSH_CONNECTION");
  for (size_t i = 0; i < out.size(); ++i)
    EXPECT_NE(out[i].find(" " + fleet.hosts()[i].address + " "), std::string::npos) << out[i];
  EXPECT_EQ(pool.open_count(), 50u);
  // Second round: the same sessions, no new connections.
  auto again = run_everywhere(pool, fleet, 50, "echo $SSH_CONNECTION");
  EXPECT_EQ(again, out);
  pool.close_all();
  EXPECT_EQ(pool.open_count(), 0u);
}

TEST(SshPool, TwoHundredHostsThroughTwentyWorkers) {
  SshdFleet fleet(200);
  ConnectionPool pool;
  auto out = run_everywhere(pool, fleet, 20, "echo ok");
  int ok = 0;
  for (const auto& o : out) ok += o == "ok\n";
  EXPECT_EQ(ok, 200) << out[0];
  EXPECT_EQ(pool.open_count(), 200u);
  pool.close_all();
  EXPECT_EQ(pool.size(), 0u);
}

TEST(SshPool, GetReturnsTheSameConnectionUntilDropped) {
  SshdFleet fleet(1);
  ConnectionPool pool;
  auto spec = fleet_spec(fleet, 0);
  auto a = pool.get(spec);
  EXPECT_EQ(pool.get(spec), a);
  EXPECT_FALSE(a->connected()) << "created unconnected";
  a->exec("true");
  EXPECT_EQ(pool.open_count(), 1u);
  pool.drop(spec.name);
  auto b = pool.get(spec);
  EXPECT_NE(b, a);
  EXPECT_EQ(b->exec("echo fresh").out, "fresh\n");
}

int open_fds() {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) n += !e.path().empty();
  return n;
}

TEST(SshPool, ClosingConnectionsReleasesTheirSockets) {
  SshdFleet fleet(10);
  int before = open_fds();
  for (int round = 0; round < 3; ++round) {
    ConnectionPool pool;
    run_everywhere(pool, fleet, 10, "true");
    EXPECT_EQ(pool.open_count(), 10u);
    pool.close_all();
  }
  EXPECT_EQ(open_fds(), before);
}

}  // namespace
}  // namespace drover::test

namespace drover::test {
namespace {

TEST(ConnectionPoolKeys, AnotherRemoteUserForTheSameHostGetsItsOwnSession) {
  ConnectionPool pool;
  ConnectionSpec s;
  s.name = "web1";
  s.type = "local";
  s.user = "deploy";
  auto a = pool.get(s);
  s.connect_timeout_s = 99;  // not part of which session it is
  EXPECT_EQ(pool.get(s), a);
  s.user = "root";
  EXPECT_NE(pool.get(s), a);
  EXPECT_EQ(pool.size(), 1u);
}

}  // namespace
}  // namespace drover::test
