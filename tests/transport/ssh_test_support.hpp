// Shared by the ssh transport tests: a ConnectionSpec for a fleet host that
// ignores the machine's own ~/.ssh (hermetic), and small file helpers.
#pragma once

#include <string>

#include "harness/sshd_fleet.hpp"
#include "transport/connection.hpp"

namespace drover::test {

inline ConnectionSpec fleet_spec(const SshdFleet& fleet, int i) {
  ConnectionSpec s;
  const auto& h = fleet.hosts().at(static_cast<size_t>(i));
  s.name = h.name;
  s.host = h.address;
  s.port = h.port;
  s.user = "root";
  s.identity_files = {fleet.client_key_path()};
  s.known_hosts_file = fleet.known_hosts_path();
  s.ssh_config_file = "none";
  s.use_agent = false;
  s.connect_timeout_s = 5;
  return s;
}

}  // namespace drover::test
