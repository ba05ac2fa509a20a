// Private to the ssh transport: the libssh state behind an SshConnection,
// shared by ssh_connect.cpp (opening) and ssh_connection.cpp (exec).
#pragma once

#include <libssh/libssh.h>

#include <string>

#include "transport/ssh_connection.hpp"

namespace drover {

struct SshConnection::Session {
  ssh_session ssh = nullptr;
  ssh_event event = nullptr;   // poll set holding the session's socket
  std::string host;            // where we connected (after ~/.ssh/config HostName)
  int port = 22;
  std::string user;
  int op_timeout_s = 10;       // bound on single protocol round trips

  Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session() { reset(); }

  void reset() {
    if (event && ssh) ssh_event_remove_session(event, ssh);
    if (event) ssh_event_free(event);
    event = nullptr;
    if (ssh) {
      if (ssh_is_connected(ssh)) ssh_disconnect(ssh);
      ssh_free(ssh);
    }
    ssh = nullptr;
  }
};

}  // namespace drover
