#include "harness/sshd_fleet.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "harness/process.hpp"

namespace fs = std::filesystem;

namespace drover::test {

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const std::string& path, const std::string& content, mode_t mode = 0644) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) throw std::runtime_error("sshd fleet: cannot write " + path);
  }
  ::chmod(path.c_str(), mode);
}

sockaddr_in make_addr(const std::string& address, int port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
  return sa;
}

bool port_free(const std::string& address, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in sa = make_addr(address, port);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  ::close(fd);
  return ok;
}

// True when address:port accepts a connection and greets with "SSH-".
bool shows_banner(const std::string& address, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return false;
  sockaddr_in sa = make_addr(address, port);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0 || errno == EINPROGRESS) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 2000) == 1 && (p.revents & POLLIN)) {
      char buf[8] = {};
      ok = ::recv(fd, buf, 4, 0) == 4 && std::memcmp(buf, "SSH-", 4) == 0;
    }
  }
  ::close(fd);
  return ok;
}

// Every descendant of `root` (children first found by scanning /proc), so
// that killing the listener also ends its per-connection sshd processes,
// which call setsid() and so escape a process-group kill.
std::vector<int> process_tree(int root) {
  std::map<int, std::vector<int>> children;
  if (DIR* d = ::opendir("/proc")) {
    while (dirent* e = ::readdir(d)) {
      int pid = std::atoi(e->d_name);
      if (pid <= 0) continue;
      std::string stat = slurp(std::string("/proc/") + e->d_name + "/stat");
      auto close_paren = stat.rfind(')');
      if (close_paren == std::string::npos) continue;
      int ppid = 0;
      char state = 0;
      if (std::sscanf(stat.c_str() + close_paren + 1, " %c %d", &state, &ppid) == 2)
        children[ppid].push_back(pid);
    }
    ::closedir(d);
  }
  std::vector<int> tree{root};
  for (size_t i = 0; i < tree.size(); ++i)
    for (int c : children[tree[i]]) tree.push_back(c);
  return tree;
}

// The "address:port" pairs in LISTEN state, read from /proc/net/tcp: polling
// readiness there costs sshd nothing, while every probe connection makes it
// fork and re-exec itself (~15 ms of CPU each, seconds for a 200-host fleet).
std::set<std::string> listening_sockets() {
  std::set<std::string> out;
  std::istringstream lines(slurp("/proc/net/tcp"));
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line)) {
    std::istringstream f(line);
    std::string slot, local, remote, state;
    f >> slot >> local >> remote >> state;
    if (state != "0A") continue;  // TCP_LISTEN
    unsigned addr = 0, port = 0;
    if (std::sscanf(local.c_str(), "%X:%X", &addr, &port) != 2) continue;
    char buf[64];
    // the address is in network byte order, printed as a host-order integer
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u:%u", addr & 0xff, (addr >> 8) & 0xff,
                  (addr >> 16) & 0xff, addr >> 24, port);
    out.insert(buf);
  }
  return out;
}

void kill_tree(int root) {
  for (int pid : process_tree(root)) ::kill(pid, SIGKILL);
}

bool is_fleet_sshd(int pid, const std::string& dir) {
  std::string cmdline = slurp("/proc/" + std::to_string(pid) + "/cmdline");
  return cmdline.find("sshd") != std::string::npos && cmdline.find(dir) != std::string::npos;
}

std::string key_cache_dir() {
#ifdef DROVER_TEST_CACHE_DIR
  return DROVER_TEST_CACHE_DIR;
#else
  return {};
#endif
}

// Generates an ed25519 key pair at `path` (and path.pub), or copies it from
// the build directory's cache: ssh-keygen per fleet is the slowest part of
// starting a small fleet.
void obtain_key(const std::string& path, const std::string& cache_name) {
  std::string cache = key_cache_dir();
  std::string cached = cache.empty() ? std::string() : cache + "/" + cache_name;
  if (cached.empty() || !fs::exists(cached) || !fs::exists(cached + ".pub")) {
    std::string target = cached.empty() ? path : cached;
    if (!cached.empty()) fs::create_directories(cache);
    // Generate under a unique name and rename, so that parallel test
    // processes filling the cache never see half a key.
    std::string tmp = target + ".tmp" + std::to_string(::getpid());
    fs::remove(tmp);
    fs::remove(tmp + ".pub");
    auto r = run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "drover-test",
                          "-f", tmp});
    if (r.exit_code != 0) throw std::runtime_error("sshd fleet: ssh-keygen failed: " + r.err);
    fs::rename(tmp + ".pub", target + ".pub");
    fs::rename(tmp, target);
    if (cached.empty()) return;
  }
  spit(path, slurp(cached), 0600);
  spit(path + ".pub", slurp(cached + ".pub"), 0644);
}

}  // namespace

std::string fleet_address(int i) {
  return "127.0." + std::to_string(1 + i / 254) + "." + std::to_string(1 + i % 254);
}

SshdFleet::SshdFleet(int hosts, FleetOptions opts) : opts_(std::move(opts)) {
  if (hosts <= 0) throw std::invalid_argument("sshd fleet: need at least one host");
  if (opts_.hosts_per_sshd <= 0) opts_.hosts_per_sshd = 16;
  if (opts_.dir.empty()) {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/drover-fleet-XXXXXX";
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("sshd fleet: mkdtemp failed");
    dir_ = tmpl;
    own_dir_ = true;
  } else {
    dir_ = fs::absolute(opts_.dir).lexically_normal().string();
    if (!dir_.empty() && dir_.back() == '/') dir_.pop_back();
    fs::create_directories(dir_);
  }
  for (int i = 0; i < hosts; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "host%03d", i + 1);
    hosts_.push_back({name, fleet_address(i), 0});
  }
  // sshd refuses to start without its privilege separation directory.
  fs::create_directories("/run/sshd");
  prepare_keys();

  std::mt19937 rng(std::random_device{}());
  std::string why;
  for (int attempt = 0; attempt < 20; ++attempt) {
    port_ = std::uniform_int_distribution<int>(20000, 59999)(rng);
    bool free = true;
    for (const auto& h : hosts_) free = free && port_free(h.address, port_);
    if (!free) continue;
    for (auto& h : hosts_) h.port = port_;
    start_daemons();
    if (wait_ready(why)) {
      write_known_hosts();
      write_pid_file();
      return;
    }
    stop();  // another process took the port meanwhile: try another one
  }
  stop();
  if (own_dir_) fs::remove_all(dir_);
  throw std::runtime_error("sshd fleet: could not start: " + why);
}

SshdFleet::~SshdFleet() {
  if (opts_.detached) return;
  stop();
  if (own_dir_) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

// A copy of /etc/shadow in which root's password is `password`.
static void write_shadow(const std::string& path, const std::string& password) {
  ProcessOptions po;
  po.stdin_data = password + "\n";
  auto r = run_process({"openssl", "passwd", "-6", "-stdin"}, po);
  if (r.exit_code != 0) throw std::runtime_error("sshd fleet: openssl passwd failed: " + r.err);
  std::string hash = r.out.substr(0, r.out.find('\n'));
  std::istringstream in(slurp("/etc/shadow"));
  std::ostringstream out;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("root:", 0) == 0) {
      size_t second = line.find(':', 5);
      line = "root:" + hash + (second == std::string::npos ? "" : line.substr(second));
    }
    out << line << "\n";
  }
  spit(path, out.str(), 0600);
}

void SshdFleet::prepare_keys() {
  if (!opts_.root_password.empty()) write_shadow(dir_ + "/shadow", opts_.root_password);
  if (opts_.sandbox) {
    int daemons = (static_cast<int>(hosts_.size()) + opts_.hosts_per_sshd - 1) / opts_.hosts_per_sshd;
    for (int d = 0; d < daemons; ++d) prepare_sandbox(d);
  }
  obtain_key(client_key_path(), "client_key");
  spit(dir_ + "/authorized_keys", slurp(client_key_path() + ".pub"), 0600);
  int daemons = (static_cast<int>(hosts_.size()) + opts_.hosts_per_sshd - 1) / opts_.hosts_per_sshd;
  host_keys_.clear();
  for (int d = 0; d < daemons; ++d) {
    std::string key = dir_ + "/host_key_" + std::to_string(d);
    obtain_key(key, "host_key_" + std::to_string(d));
    std::string pub = slurp(key + ".pub");
    auto parts = std::istringstream(pub);
    std::string type, blob;
    parts >> type >> blob;
    host_keys_.push_back(type + " " + blob);
  }
}

// etc/ is a copy of /etc (a directory, so that useradd can rename files
// in it); var/ a skeleton of /var with an empty cron spool and, when asked,
// the dpkg and apt state; home/ empty; root/ an empty home for root;
// sbin/ a copy of /usr/local/sbin, where tests put stand-ins for tools that
// must not run for real here (iptables, ufw, shutdown).
void SshdFleet::prepare_sandbox(int d) {
  std::string root = dir_ + "/sandbox_" + std::to_string(d);
  std::string script =
      "set -e; S='" + root + "'; rm -rf \"$S\"; mkdir -p \"$S\"; cp -a /etc \"$S/etc\"; "
      "echo sandbox > \"$S/etc/hostname\"; echo '127.0.1.1 sandbox' >> \"$S/etc/hosts\"; "
      "mkdir -p \"$S/home\" \"$S/root\"; chmod 700 \"$S/root\"; cp -a /usr/local/sbin \"$S/sbin\"; cd \"$S\"; mkdir var; cd var; "
      "mkdir -p backups cache/apt/archives/partial lib/misc lib/apt/lists/partial local log/apt mail opt "
      "spool/cron/crontabs tmp; ln -s /run/lock lock; ln -s /run run; ln -s ../mail spool/mail; "
      "chmod 1777 tmp; chown root:mail mail; chmod 2775 mail; "
      "chown root:crontab spool/cron/crontabs; chmod 1730 spool/cron/crontabs; ";
  if (opts_.sandbox_packages)
    script += "cp -a /var/lib/dpkg lib/; [ ! -e /var/lib/apt/extended_states ] || cp -a "
              "/var/lib/apt/extended_states lib/apt/; ";
  auto r = run_shell(script);
  if (r.exit_code != 0) throw std::runtime_error("sshd fleet: cannot build sandbox: " + r.err);
  if (!opts_.root_password.empty()) write_shadow(root + "/etc/shadow", opts_.root_password);
}

std::string SshdFleet::sandbox_root(int i) const {
  return dir_ + "/sandbox_" + std::to_string(i / opts_.hosts_per_sshd);
}

SshdFleet::SandboxResult SshdFleet::run_in_sandbox(int i, const std::string& script) const {
  int pid = -1;
  for (const auto& d : daemons_)
    if (i >= d.first_host && i < d.first_host + d.host_count) pid = d.pid;
  if (pid <= 0) throw std::runtime_error("sshd fleet: host " + std::to_string(i) + " is not running");
  auto r = run_process({"nsenter", "-t", std::to_string(pid), "-m", "-u", "-i", "/bin/sh", "-c", script});
  return {r.exit_code, r.out, r.err};
}

void SshdFleet::start_daemons() {
  daemons_.clear();
  int per = opts_.hosts_per_sshd;
  for (int first = 0, d = 0; first < static_cast<int>(hosts_.size()); first += per, ++d) {
    int count = std::min(per, static_cast<int>(hosts_.size()) - first);
    std::string base = dir_ + "/sshd_" + std::to_string(d);
    std::ostringstream cfg;
    cfg << "# drover test fleet: sshd " << d << "\n";
    cfg << "Port " << port_ << "\n";
    for (int i = first; i < first + count; ++i) cfg << "ListenAddress " << hosts_[i].address << "\n";
    cfg << "HostKey " << dir_ << "/host_key_" << d << "\n"
        << "AuthorizedKeysFile " << dir_ << "/authorized_keys\n"
        << "PermitRootLogin yes\n"
        << "PubkeyAuthentication yes\n"
        << "PasswordAuthentication " << (opts_.root_password.empty() ? "no" : "yes") << "\n"
        << "KbdInteractiveAuthentication no\n"
        // Without this root's ~/.bashrc runs pyenv on every command (+355 ms).
        << "SetEnv SHLVL=1\n"
        << "StrictModes no\n"
        << "UsePAM no\n"
        << "UseDNS no\n"
        << "PidFile " << base << ".pid\n"
        << "LogLevel ERROR\n"
        << "MaxStartups 1000:30:1000\n"
        << "MaxSessions 1000\n"
        << "MaxAuthTries 20\n"
        << "X11Forwarding no\n"
        << "PrintMotd no\n"
        << "PrintLastLog no\n"
        << "Subsystem sftp /usr/lib/openssh/sftp-server\n";
    spit(base + ".config", cfg.str());
    fs::remove(base + ".log");

    std::vector<std::string> argv{"/usr/sbin/sshd", "-D", "-f", base + ".config", "-E", base + ".log"};
    if (opts_.sandbox) {
      std::string sshd_cmd;
      for (const auto& a : argv) sshd_cmd += " '" + a + "'";
      std::string s = dir_ + "/sandbox_" + std::to_string(d);
      argv = {"/usr/bin/unshare", "-m", "-u", "-i", "--propagation", "private", "/bin/sh", "-c",
              "mount --bind '" + s + "/etc' /etc && mount --bind '" + s + "/var' /var && mount --bind '" + s +
                  "/home' /home && mount --bind '" + s + "/root' /root && mount --bind '" + s +
                  "/sbin' /usr/local/sbin && hostname sandbox && exec" + sshd_cmd};
    } else if (!opts_.root_password.empty()) {
      std::string sshd_cmd;
      for (const auto& a : argv) sshd_cmd += " '" + a + "'";
      argv = {"/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
              "mount --bind '" + dir_ + "/shadow' /etc/shadow && exec" + sshd_cmd};
    }
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    bool detached = opts_.detached;
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("sshd fleet: fork failed");
    if (pid == 0) {
      if (!detached) ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      ::setsid();
      int null = ::open("/dev/null", O_RDWR);
      if (null >= 0) {
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(null, 2);
      }
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    daemons_.push_back({pid, first, count});
  }
}

bool SshdFleet::wait_ready(std::string& why) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  std::vector<bool> ready(hosts_.size(), false);
  size_t left = hosts_.size();
  while (left > 0) {
    for (size_t d = 0; d < daemons_.size(); ++d) {
      std::string log = slurp(dir_ + "/sshd_" + std::to_string(d) + ".log");
      bool exited = daemons_[d].pid > 0 && ::waitpid(daemons_[d].pid, nullptr, WNOHANG) == daemons_[d].pid;
      if (exited) daemons_[d].pid = -1;  // reaped: never kill that pid again
      if (exited || log.find("Bind to port") != std::string::npos) {
        why = "sshd " + std::to_string(d) + " failed: " + log;
        return false;
      }
    }
    auto listening = listening_sockets();
    for (size_t i = 0; i < hosts_.size(); ++i) {
      if (ready[i]) continue;
      if (listening.count(hosts_[i].address + ":" + std::to_string(port_))) {
        ready[i] = true;
        --left;
      }
    }
    if (left == 0) break;
    if (std::chrono::steady_clock::now() > deadline) {
      why = "timed out waiting for sshd on port " + std::to_string(port_);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // One greeting per sshd proves that the listener is ours and speaks SSH.
  for (const auto& d : daemons_) {
    if (!shows_banner(hosts_[d.first_host].address, port_)) {
      why = "no SSH banner on " + hosts_[d.first_host].address + ":" + std::to_string(port_);
      return false;
    }
  }
  return true;
}

void SshdFleet::write_known_hosts() const {
  std::ostringstream out;
  for (size_t i = 0; i < hosts_.size(); ++i)
    out << "[" << hosts_[i].address << "]:" << port_ << " " << host_public_key(static_cast<int>(i))
        << "\n";
  spit(known_hosts_path(), out.str());
}

void SshdFleet::write_pid_file() const {
  std::ostringstream out;
  for (const auto& d : daemons_) out << d.pid << "\n";
  spit(dir_ + "/fleet.pids", out.str());
}

std::string SshdFleet::host_public_key(int i) const {
  return host_keys_.at(static_cast<size_t>(i / opts_.hosts_per_sshd));
}

void SshdFleet::write_inventory(const std::string& path,
                                const std::map<std::string, std::string>& extra_vars,
                                const std::string& group) const {
  std::ostringstream out;
  if (!group.empty()) out << "[" << group << "]\n";
  for (const auto& h : hosts_)
    out << h.name << " ansible_host=" << h.address << " ansible_port=" << h.port << "\n";
  out << "\n[all:vars]\n"
      << "ansible_user=root\n"
      << "ansible_ssh_private_key_file=" << client_key_path() << "\n"
      << "ansible_ssh_common_args='-o UserKnownHostsFile=" << known_hosts_path()
      << " -o StrictHostKeyChecking=yes'\n"
      << "ansible_python_interpreter=/usr/bin/python3\n";
  for (const auto& [k, v] : extra_vars) out << k << "=" << v << "\n";
  spit(path, out.str());
}

void SshdFleet::kill_host(int i) {
  for (auto& d : daemons_) {
    if (i < d.first_host || i >= d.first_host + d.host_count || d.pid <= 0) continue;
    kill_tree(d.pid);
    ::waitpid(d.pid, nullptr, 0);
    d.pid = -1;
  }
}

void SshdFleet::stop() {
  for (auto& d : daemons_) {
    if (d.pid <= 0) continue;
    kill_tree(d.pid);
    ::waitpid(d.pid, nullptr, 0);
    d.pid = -1;
  }
}

void SshdFleet::stop_dir(const std::string& dir_in) {
  std::string dir = fs::absolute(dir_in).lexically_normal().string();
  if (!dir.empty() && dir.back() == '/') dir.pop_back();
  std::istringstream pids(slurp(dir + "/fleet.pids"));
  int pid = 0;
  while (pids >> pid) {
    // A pid may have been reused since the fleet started: only kill an sshd
    // whose command line names this fleet's directory.
    if (pid > 0 && is_fleet_sshd(pid, dir)) kill_tree(pid);
  }
  fs::remove(dir + "/fleet.pids");
}

}  // namespace drover::test
