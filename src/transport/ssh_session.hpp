// Private to the ssh transport: the libssh state behind an SshConnection,
// shared by ssh_connect.cpp (opening) and ssh_connection.cpp (exec).
#pragma once

#include <libssh/libssh.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "transport/ssh_connection.hpp"
#include "transport/ssh_stats.hpp"

namespace drover {

// Counts a session into ssh_connections_open() (SshConnection::close counts it out).
void note_ssh_session_opened();

struct SshConnection::Session {
  ssh_session ssh = nullptr;
  ssh_event event = nullptr;   // poll set holding the session's socket
  std::string host;            // where we connected (after ~/.ssh/config HostName)
  int port = 22;
  std::string user;
  int op_timeout_s = 10;       // bound on single protocol round trips
  // The socket we connected ourselves (SSH_OPTIONS_FD). libssh 0.10 does not
  // close a socket it was given (measured: one leaked fd per session), so we
  // do, after checking by inode that the number still names our socket.
  int fd = -1;
  ino_t fd_inode = 0;

  Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session() { reset(); }

  void reset() {
    if (event && ssh) ssh_event_remove_session(event, ssh);
    if (event) ssh_event_free(event);
    event = nullptr;
    if (ssh) {
      // Always: it closes the socket even when the peer is already gone.
      ssh_disconnect(ssh);
      ssh_free(ssh);
    }
    ssh = nullptr;
    struct stat st {};
    if (fd >= 0 && ::fstat(fd, &st) == 0 && st.st_ino == fd_inode) ::close(fd);
    fd = -1;
  }
};

}  // namespace drover
