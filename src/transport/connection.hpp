// How drover reaches a host: the Connection interface, its settings and its
// failures.
//
// A Connection is one persistent session to one host (for ssh: one TCP
// connection and one authenticated libssh session) that runs commands one
// after another for the whole run. It is not thread-safe: the executor uses a
// connection from one thread at a time. Commands are POSIX shell command
// lines run by the remote user's login shell, as `ssh host 'cmd'` would.
//
// Failures to reach or keep the host throw UnreachableError (its message is
// what Ansible users see after "UNREACHABLE!"); a command that runs and fails
// is not an error here, it is an ExecResult with a non-zero exit status.
// A connection given an Interrupt (set_interrupt, before first use) kills
// its running command when the interrupt fires, from whichever thread, and
// throws CancelledError from exec() from then on.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "transport/interrupt.hpp"

namespace drover {

enum class HostKeyPolicy {
  strict,      // host must be in known_hosts with the same key (Ansible's default)
  accept_new,  // unknown hosts are added to known_hosts; a changed key is refused
  off,         // no check (host_key_checking = False)
};

struct BecomeSpec {
  std::string method = "sudo";  // sudo | su
  std::string user = "root";
  std::string password;         // become password; empty when none
  std::string exe;              // become_exe; empty: the method's name
  std::string flags;            // become_flags; empty: Ansible's defaults (sudo: -H -S -n)
};

// Everything needed to open and use a connection to one host, resolved from
// inventory variables and configuration by the engine.
struct ConnectionSpec {
  std::string name;        // inventory_hostname, for messages
  std::string type = "ssh";  // ssh | local
  std::string host;        // address or DNS name (ansible_host)
  int port = 0;            // 0: ~/.ssh/config or 22
  std::string user;        // empty: ~/.ssh/config or the local user
  std::vector<std::string> identity_files;  // private keys to try, in order
  std::string password;    // ansible_password; empty when none
  std::string proxy_command;
  std::string proxy_jump;  // [user@]host[:port][,...]
  // Options in OpenSSH's "-o Key=Value" / "-F file" form taken from
  // ansible_ssh_common_args / ansible_ssh_extra_args.
  std::vector<std::string> ssh_args;
  HostKeyPolicy host_key_policy = HostKeyPolicy::strict;
  std::string known_hosts_file;  // empty: ~/.ssh/known_hosts
  std::string ssh_config_file;   // empty: ~/.ssh/config; "none": read none
  int connect_timeout_s = 10;
  int command_timeout_s = 0;     // 0: none
  bool use_agent = true;         // try ssh-agent identities (SSH_AUTH_SOCK)
};

class UnreachableError : public Error {
 public:
  using Error::Error;
};

struct ExecOptions {
  // Bytes written to the command's standard input, then EOF. When
  // stdin_source is set it is used instead: it fills `chunk` and returns
  // false when there is nothing more.
  std::string stdin_data;
  std::function<bool(std::string& chunk)> stdin_source;
  const BecomeSpec* become = nullptr;  // run the command as another user
  int timeout_s = 0;                   // 0: the connection's command_timeout_s
  // Called with output as it arrives (live output); the result still holds
  // all of it.
  std::function<void(std::string_view)> on_stdout;
  std::function<void(std::string_view)> on_stderr;
  // drover's own script, which starts no process that outlives it: the
  // connection may run it in its persistent shell (SshConnection) instead of
  // a fresh exec channel, when there is no become, no stdin_source and the
  // stdin_data fits a frame (transport/shell_frame.hpp). Never set for a
  // user's command: a background process it leaves could write into the
  // answers of later commands.
  bool own_script = false;
};

struct ExecResult {
  int exit_status = -1;     // -1 when the command did not exit normally
  std::string exit_signal;  // "KILL", "TERM", ... when it died by a signal
  bool timed_out = false;   // the command timeout killed it
  std::string out;
  std::string err;
  // Non-empty when become failed before the command ran ("Incorrect sudo
  // password", "Missing sudo password"): Ansible reports this as the task's
  // msg.
  std::string become_error;
};

class Connection {
 public:
  virtual ~Connection() = default;

  // Opens and authenticates the session; throws UnreachableError. Called
  // once; exec() calls it when it has not been.
  virtual void connect() = 0;
  virtual bool connected() const = 0;

  virtual ExecResult exec(const std::string& command, const ExecOptions& opts = {}) = 0;

  // Copies a local file to `remote_path` (binary-safe, written to a
  // temporary name and renamed), with `mode` (e.g. 0644) or, when mode < 0,
  // the local file's mode.
  virtual void put_file(const std::string& local_path, const std::string& remote_path,
                        int mode = -1);
  // Copies a remote file to `local_path`, keeping its mode.
  virtual void fetch_file(const std::string& remote_path, const std::string& local_path);

  virtual void close() = 0;

  const ConnectionSpec& spec() const { return spec_; }

  // Called once, before the connection is used (the pool does it).
  void set_interrupt(std::shared_ptr<const Interrupt> interrupt) { interrupt_ = std::move(interrupt); }
  bool interrupted() const { return interrupt_ && interrupt_->fired(); }

 protected:
  explicit Connection(ConnectionSpec spec) : spec_(std::move(spec)) {}
  // Throws CancelledError when the interrupt has fired.
  void throw_if_interrupted() const;
  ConnectionSpec spec_;
  std::shared_ptr<const Interrupt> interrupt_;
};

// Creates an unconnected Connection of spec.type ("ssh" or "local");
// throws Error for an unknown type.
std::unique_ptr<Connection> make_connection(const ConnectionSpec& spec);

}  // namespace drover
