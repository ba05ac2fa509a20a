// The ssh transport: one libssh session per host, kept for the whole run.
//
// connect() opens the TCP connection itself (so that refused, unresolvable
// and silent hosts each get their own message and the connect timeout covers
// everything), or lets libssh start the ProxyCommand / ProxyJump; then key
// exchange (curve25519-sha256 preferred), host key check against
// known_hosts per ConnectionSpec::host_key_policy, and authentication
// (explicit identity files, ssh-agent, default keys, password and
// keyboard-interactive). Every failure is an UnreachableError whose message
// says what happened in the words OpenSSH users know.
//
// exec() runs each command on its own exec channel of the one session,
// streams stdin while reading stdout/stderr, and waits in poll(2), never in a
// sleep loop. Commands marked ExecOptions::own_script run instead in one
// long-lived `/bin/sh` per connection (transport/shell_frame.hpp): no
// process start on the target per command but a fork. A timeout or a cancel
// there kills the shell's whole process group and drops the shell; the next
// such command starts a new one.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "transport/connection.hpp"

struct ssh_channel_struct;  // libssh's ssh_channel

namespace drover {

class InputFlow;

class SshConnection final : public Connection {
 public:
  explicit SshConnection(ConnectionSpec spec);
  ~SshConnection() override;

  void connect() override;
  bool connected() const override { return connected_.load(); }
  ExecResult exec(const std::string& command, const ExecOptions& opts = {}) override;
  void close() override;

  // The negotiated key exchange method, e.g. "curve25519-sha256".
  std::string kex_algorithm() const;

  struct Session;  // libssh state, private to the .cpp files

 private:
  // Runs one command on one channel. Given `group`, the remote shell's pid
  // (the process group sshd made for the command) is stored in *group so
  // that exec() can kill the whole group on a timeout or a cancel. An
  // interruptible run stops when the connection's interrupt fires.
  ExecResult run(const std::string& command, const ExecOptions& opts, long* group, bool interruptible);
  // Throws the "connection lost" UnreachableError; exec() closes the session
  // once the channel is gone.
  [[noreturn]] void fail_dropped(const std::string& doing);
  // A channel request (`request`: "exec", "pty") the server answered with a
  // failure: fail_dropped when the session is gone, else an UnreachableError
  // that says the server refused it (the session stays usable).
  [[noreturn]] void fail_request(const std::string& request, const std::string& doing);
  // The end of every exec loop's round: fails when the session is gone;
  // unless `progress` was made, waits for the peer (or `flow`'s pacing, or
  // the interrupt) until `deadline`. False once the deadline has passed.
  bool await_peer(bool progress, std::chrono::steady_clock::time_point deadline,
                  const InputFlow& flow);
  // Opens `ch` as a session channel; throws UnreachableError when it cannot.
  void open_session(::ssh_channel_struct* ch);
  // Kills a remote process group from a separate exec channel; no-op when
  // the session is gone.
  void kill_group(long group);
  // Runs one command in the persistent shell, starting it when needed.
  ExecResult exec_in_shell(const std::string& command, const ExecOptions& opts);
  void start_shell();

  std::unique_ptr<Session> s_;
  struct Shell;  // the persistent shell's channel, private to the .cpp
  std::unique_ptr<Shell> shell_;
  std::atomic<bool> connected_{false};
};

}  // namespace drover
