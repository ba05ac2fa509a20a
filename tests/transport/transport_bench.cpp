// Measures the ssh transport (prints, asserts nothing):
//   transport_bench [HOSTS=50] [SESSIONS=200]
// 1. HOSTS hosts: connect + `true` in parallel (one thread per host), wall
//    and controller CPU (this process only; sshd is not counted).
// 2. 100 sequential `true` on one connection, on exec channels and in the
//    persistent shell: wall and CPU per command.
// 3. SESSIONS open sessions: resident memory of this process.
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "harness/sshd_fleet.hpp"
#include "transport/pool.hpp"

using namespace drover;
using Clock = std::chrono::steady_clock;

namespace {

double cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

long rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

ConnectionSpec spec_for(const test::SshdFleet& f, int i) {
  ConnectionSpec s;
  s.name = f.hosts()[i].name;
  s.host = f.hosts()[i].address;
  s.port = f.hosts()[i].port;
  s.user = "root";
  s.identity_files = {f.client_key_path()};
  s.known_hosts_file = f.known_hosts_path();
  s.ssh_config_file = "none";
  s.use_agent = false;
  return s;
}

void run_all(ConnectionPool& pool, const test::SshdFleet& f, int threads) {
  int n = static_cast<int>(f.hosts().size());
  std::atomic<int> next{0}, failed{0};
  std::vector<std::thread> ws;
  for (int t = 0; t < threads; ++t)
    ws.emplace_back([&] {
      for (int i; (i = next++) < n;) {
        try {
          if (pool.get(spec_for(f, i))->exec("true").exit_status != 0) ++failed;
        } catch (const std::exception& e) {
          ++failed;
          std::fprintf(stderr, "%s\n", e.what());
        }
      }
    });
  for (auto& w : ws) w.join();
  if (failed) std::printf("  %d hosts failed\n", failed.load());
}

}  // namespace

int main(int argc, char** argv) {
  int hosts = argc > 1 ? std::atoi(argv[1]) : 50;
  int sessions = argc > 2 ? std::atoi(argv[2]) : 200;
  {
    test::SshdFleet fleet(hosts);
    ConnectionPool pool;
    double c0 = cpu_s();
    auto t0 = Clock::now();
    run_all(pool, fleet, hosts);
    double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("%d hosts, connect + true in parallel: wall %.3f s, controller CPU %.3f s\n", hosts, wall,
                cpu_s() - c0);
    c0 = cpu_s();
    t0 = Clock::now();
    run_all(pool, fleet, hosts);
    std::printf("%d hosts, second `true` on open sessions: wall %.3f s, controller CPU %.3f s\n", hosts,
                std::chrono::duration<double>(Clock::now() - t0).count(), cpu_s() - c0);

    auto conn = pool.get(spec_for(fleet, 0));
    for (int i = 0; i < 5; ++i) conn->exec("true");
    c0 = cpu_s();
    t0 = Clock::now();
    for (int i = 0; i < 100; ++i) conn->exec("true");
    double w = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("100 sequential `true` on one connection: %.2f ms wall, %.3f ms controller CPU per command\n",
                w * 10, (cpu_s() - c0) * 10);
    ExecOptions in_shell;
    in_shell.own_script = true;
    conn->exec("true", in_shell);
    c0 = cpu_s();
    t0 = Clock::now();
    for (int i = 0; i < 100; ++i) conn->exec("true", in_shell);
    w = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("the same in the persistent shell: %.2f ms wall, %.3f ms controller CPU per command\n", w * 10,
                (cpu_s() - c0) * 10);
  }
  {
    test::SshdFleet fleet(sessions);
    long before = rss_kb();
    ConnectionPool pool;
    run_all(pool, fleet, 20);
    std::printf("%d open sessions: RSS %.1f MB (%.1f MB before connecting, %.0f KB per session)\n", sessions,
                rss_kb() / 1024.0, before / 1024.0, double(rss_kb() - before) / sessions);
  }
  return 0;
}
