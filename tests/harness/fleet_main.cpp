// drover-test-fleet: starts and stops a detached sshd fleet for shell
// benchmarks.
//
//   drover-test-fleet start N DIR [HOSTS_PER_SSHD]
//       starts N hosts; writes DIR/inventory.ini, DIR/known_hosts,
//       DIR/client_key and DIR/fleet.pids, prints the inventory path
//   drover-test-fleet stop DIR
//       kills the fleet's sshds (and their sessions) by pid
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "harness/sshd_fleet.hpp"

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  try {
    if (cmd == "start" && (argc == 4 || argc == 5)) {
      drover::test::FleetOptions opts;
      opts.dir = argv[3];
      opts.detached = true;
      if (argc == 5) opts.hosts_per_sshd = std::atoi(argv[4]);
      drover::test::SshdFleet fleet(std::atoi(argv[2]), opts);
      fleet.write_inventory(fleet.dir() + "/inventory.ini");
      std::printf("%s/inventory.ini\n", fleet.dir().c_str());
      return 0;
    }
    if (cmd == "stop" && argc == 3) {
      drover::test::SshdFleet::stop_dir(argv[2]);
      return 0;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "drover-test-fleet: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr,
               "usage: drover-test-fleet start N DIR [HOSTS_PER_SSHD]\n"
               "       drover-test-fleet stop DIR\n");
  return 2;
}
