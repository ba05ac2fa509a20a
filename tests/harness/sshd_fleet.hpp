// A fleet of private OpenSSH servers on loopback for tests and benchmarks.
//
// SshdFleet starts N hosts, each on its own loopback address (127.0.1.1,
// 127.0.1.2, ... then 127.0.2.1 after 254 hosts) and on one port chosen per
// fleet, so that every host is its own TCP connection as on a real network.
// One `/usr/sbin/sshd -D` serves up to `hosts_per_sshd` addresses (16 by
// default). Every sshd has its own ed25519 host key; the fleet has one client
// key pair that all hosts accept for root. The sshd_config carries the fixes
// this machine needs (SetEnv SHLVL=1 so root's .bashrc does not run pyenv on
// every command; see DESIGN.md).
//
// The constructor returns when every address accepts connections and shows
// an SSH banner. The destructor (and stop()) kills every sshd the fleet
// started and all their session processes, by pid; no sshd outlives a test,
// even a failing one. If the test process itself dies, the sshd listeners get
// SIGTERM from the kernel (PR_SET_PDEATHSIG), unless the fleet was detached
// for `drover-test-fleet`.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace drover::test {

struct FleetHost {
  std::string name;     // host001, host002, ...
  std::string address;  // 127.0.1.1, ...
  int port = 0;
};

struct FleetOptions {
  // Where keys, configs, logs and the inventory go. Empty: a fresh temporary
  // directory removed with the fleet.
  std::string dir;
  // Addresses per sshd process. kill_host(i) stops the sshd serving host i,
  // which takes down the other hosts of that sshd too; use 1 to be able to
  // kill hosts one by one.
  int hosts_per_sshd = 16;
  // Detached fleets (drover-test-fleet) survive the process that started
  // them and are stopped with SshdFleet::stop_dir().
  bool detached = false;
  // When set, root may also log in with this password: sshd runs in a
  // private mount namespace where a copy of /etc/shadow with this password
  // is bound over the real one (the machine's users are never changed).
  std::string root_password;
  // Throw-away systems for tests of modules that change users, packages,
  // services, cron, hostname and sysctls: each sshd (use hosts_per_sshd = 1
  // for one system per host) runs in its own mount, UTS and IPC namespaces
  // with private copies bound over /etc, /var, /home and /root (built under
  // sandbox_root(i)), so useradd, crontab, hostname and IPC sysctls
  // (kernel.msgmax, kernel.shmmax, ...) change only the sandbox. The
  // machine's own files and settings are never touched.
  bool sandbox = false;
  // With sandbox: copy the machine's dpkg database (/var/lib/dpkg) and apt
  // state into the sandbox so that dpkg and apt-get work there (slower: the
  // copy is ~40 MB).
  bool sandbox_packages = false;
};

class SshdFleet {
 public:
  explicit SshdFleet(int hosts, FleetOptions opts = {});
  ~SshdFleet();
  SshdFleet(const SshdFleet&) = delete;
  SshdFleet& operator=(const SshdFleet&) = delete;

  const std::vector<FleetHost>& hosts() const { return hosts_; }
  const std::string& dir() const { return dir_; }
  int port() const { return port_; }
  // known_hosts with every host's key as "[127.0.1.x]:port ssh-ed25519 ...".
  std::string known_hosts_path() const { return dir_ + "/known_hosts"; }
  // The client private key every host accepts (public key beside it, .pub).
  std::string client_key_path() const { return dir_ + "/client_key"; }
  // The public host key line ("ssh-ed25519 AAAA...") of host i.
  std::string host_public_key(int i) const;

  // Writes an INI inventory usable by drover and by ansible alike: one line
  // per host with ansible_host/ansible_port, and [all:vars] with root, the
  // client key, strict host key checking against known_hosts_path() and
  // /usr/bin/python3. `extra_vars` are added to [all:vars]. When `group` is
  // not empty the hosts are listed under [group].
  void write_inventory(const std::string& path,
                       const std::map<std::string, std::string>& extra_vars = {},
                       const std::string& group = "") const;

  // Kills (SIGKILL) the sshd serving host i and its open sessions: every
  // host of that sshd becomes unreachable (connection refused) and their
  // running commands lose their connection.
  void kill_host(int i);

  // With FleetOptions::sandbox: the directory whose etc/, var/, home/ and
  // root/ host i sees as /etc, /var, /home and /root.
  std::string sandbox_root(int i) const;
  // Runs `script` with /bin/sh inside host i's sandbox namespaces (nsenter
  // into its sshd), e.g. to read its hostname or sysctls from outside.
  struct SandboxResult {
    int exit_code = -1;
    std::string out;
    std::string err;
  };
  SandboxResult run_in_sandbox(int i, const std::string& script) const;

  // Stops every sshd of the fleet and their sessions. Idempotent.
  void stop();

  // Stops a detached fleet started in `dir` (reads dir/fleet.pids).
  static void stop_dir(const std::string& dir);

 private:
  struct Daemon {
    int pid = -1;
    int first_host = 0;
    int host_count = 0;
  };
  void prepare_keys();
  void start_daemons();
  bool wait_ready(std::string& why);
  void write_known_hosts() const;
  void write_pid_file() const;
  void prepare_sandbox(int daemon);

  FleetOptions opts_;
  std::string dir_;
  bool own_dir_ = false;
  int port_ = 0;
  std::vector<FleetHost> hosts_;
  std::vector<Daemon> daemons_;
  std::vector<std::string> host_keys_;  // public key line per daemon
};

// The loopback address of the i-th (0-based) fleet host.
std::string fleet_address(int i);

}  // namespace drover::test
