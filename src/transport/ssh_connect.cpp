// SshConnection::connect(): options, TCP connect, key exchange, host key
// check and authentication, each failure with its own message.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "core/strings.hpp"
#include "transport/ssh_args.hpp"
#include "transport/ssh_session.hpp"

namespace drover {

namespace {

using Clock = std::chrono::steady_clock;

const char* const kPrefix = "Failed to connect to the host via ssh: ";

[[noreturn]] void unreachable(const std::string& msg) { throw UnreachableError(kPrefix + msg); }

// getpwuid_r: connections are opened from many threads at once.
std::string local_account(bool want_home) {
  passwd pw{};
  passwd* found = nullptr;
  char buf[4096];
  if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &found) != 0 || !found) return {};
  return want_home ? pw.pw_dir : pw.pw_name;
}

std::string home_dir() {
  if (const char* h = std::getenv("HOME"); h && *h) return h;
  std::string home = local_account(true);
  return home.empty() ? "/" : home;
}

std::string expand_tilde(const std::string& path) {
  if (path == "~") return home_dir();
  if (starts_with(path, "~/")) return home_dir() + path.substr(1);
  return path;
}

struct Deadline {
  Clock::time_point end;
  explicit Deadline(int seconds) : end(Clock::now() + std::chrono::seconds(seconds > 0 ? seconds : 10)) {}
  long left_ms() const {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
    return ms > 0 ? static_cast<long>(ms) : 0;
  }
  bool expired() const { return left_ms() <= 0; }
};

// libssh's blocking calls wait at most the session timeout: keep it equal to
// what is left of the connect budget.
void set_timeout_ms(ssh_session ssh, long ms) {
  if (ms < 1) ms = 1;
  long sec = ms / 1000;
  long usec = (ms % 1000) * 1000;
  ssh_options_set(ssh, SSH_OPTIONS_TIMEOUT, &sec);
  ssh_options_set(ssh, SSH_OPTIONS_TIMEOUT_USEC, &usec);
}

std::string get_option(ssh_session ssh, ssh_options_e which) {
  char* value = nullptr;
  if (ssh_options_get(ssh, which, &value) != SSH_OK || !value) return {};
  std::string out = value;
  ssh_string_free_char(value);
  return out;
}

// "a,b,c" -> a ProxyCommand running the system ssh: libssh 0.10 has no
// native ProxyJump (0.11 has), and OpenSSH's own jump logic (-J for the
// earlier hops, -W for the last) is what users expect.
std::string proxy_jump_command(const std::string& jumps, const std::string& config_file) {
  std::string rest, last = jumps;
  if (size_t comma = jumps.rfind(','); comma != std::string::npos) {
    rest = jumps.substr(0, comma);
    last = jumps.substr(comma + 1);
  }
  std::string port;
  // [user@]host[:port] with an optional [v6] host
  size_t at = last.find('@');
  size_t host_start = at == std::string::npos ? 0 : at + 1;
  size_t colon = last.rfind(':');
  size_t bracket = last.rfind(']');
  if (colon != std::string::npos && colon > host_start &&
      (bracket == std::string::npos || colon > bracket) &&
      last.find(':', host_start) == colon) {
    port = last.substr(colon + 1);
    last = last.substr(0, colon);
  }
  std::string cmd = "ssh -o BatchMode=yes";
  if (!config_file.empty() && config_file != "none") cmd += " -F " + shell_quote(config_file);
  if (!rest.empty()) cmd += " -J " + shell_quote(rest);
  if (!port.empty()) cmd += " -p " + shell_quote(port);
  return cmd + " -W '[%h]:%p' " + shell_quote(last);
}

std::string host_display(const std::string& host, int port) {
  return port == 22 ? host : "[" + host + "]:" + std::to_string(port);
}

// Connects to host:port within the deadline; returns the socket (non-blocking,
// TCP_NODELAY) or throws the message OpenSSH would print.
int tcp_connect(const std::string& host, int port, const Deadline& deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port_str = std::to_string(port);
  int gai = getaddrinfo(host.c_str(), port_str.c_str(), &hints, &res);
  if (gai != 0) {
    unreachable("ssh: Could not resolve hostname " + host + ": " +
                (gai == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(gai)));
  }
  std::string last_error = "Connection refused";
  int fd = -1;
  for (addrinfo* ai = res; ai && fd < 0; ai = ai->ai_next) {
    int s = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (s < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    int rc = ::connect(s, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{s, POLLOUT, 0};
      int n;
      do {
        n = poll(&p, 1, static_cast<int>(deadline.left_ms()));
      } while (n < 0 && errno == EINTR);
      if (n == 0) {
        last_error = "Connection timed out";
        ::close(s);
        break;  // the budget is spent
      }
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
      rc = err == 0 ? 0 : -1;
      errno = err;
    }
    if (rc != 0) {
      last_error = std::strerror(errno);
      ::close(s);
      continue;
    }
    fd = s;
  }
  freeaddrinfo(res);
  if (fd < 0) unreachable("ssh: connect to host " + host + " port " + port_str + ": " + last_error);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // A host that vanishes without a reset (power loss, network cut) would
  // leave a command waiting forever: TCP keepalive and a user timeout turn
  // that into an error after about 30 s of silence from the peer's kernel.
  int idle = 15, interval = 5, count = 3;
  unsigned user_timeout_ms = 30000;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
  setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms, sizeof user_timeout_ms);
  return fd;
}

std::string key_type_label(ssh_key key) {
  std::string t = ssh_key_type_to_char(ssh_key_type(key));
  if (t == "ssh-ed25519") return "ED25519";
  if (t == "ssh-rsa") return "RSA";
  if (starts_with(t, "ecdsa")) return "ECDSA";
  return t;
}

std::string fingerprint(ssh_key key) {
  unsigned char* hash = nullptr;
  size_t len = 0;
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len) != 0) return {};
  char* fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, len);
  std::string out = fp ? fp : "";
  ssh_string_free_char(fp);
  ssh_clean_pubkey_hash(&hash);
  return out;
}

// accept_new appends to a file shared by every connection of the run.
std::mutex& known_hosts_mutex() {
  static std::mutex m;
  return m;
}

void check_host_key(ssh_session ssh, HostKeyPolicy policy, const std::string& known_hosts,
                    const std::string& host, int port) {
  if (policy == HostKeyPolicy::off) return;
  ssh_key key = nullptr;
  if (ssh_get_server_publickey(ssh, &key) != SSH_OK) unreachable("no host key from the server");
  std::string type = key_type_label(key);
  std::string fp = fingerprint(key);
  ssh_key_free(key);
  std::string who = host_display(host, port);

  std::unique_lock lock(known_hosts_mutex(), std::defer_lock);
  if (policy == HostKeyPolicy::accept_new) lock.lock();
  switch (ssh_session_is_known_server(ssh)) {
    case SSH_KNOWN_HOSTS_OK:
      return;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      unreachable("WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! The " + type + " host key of " +
                  who + " (" + fp + ") does not match the key recorded in " + known_hosts +
                  ". Someone could be eavesdropping on you right now (man-in-the-middle attack), "
                  "or the host key has just been changed. If the change is expected, remove the "
                  "old entry from " + known_hosts + ". Host key verification failed.");
    case SSH_KNOWN_HOSTS_NOT_FOUND:
    case SSH_KNOWN_HOSTS_UNKNOWN:
      if (policy == HostKeyPolicy::accept_new) {
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(known_hosts).parent_path(), ec);
        if (ssh_session_update_known_hosts(ssh) != SSH_OK)
          unreachable("cannot add the host key of " + who + " to " + known_hosts + ": " +
                      ssh_get_error(ssh));
        return;
      }
      unreachable("No " + type + " host key is known for " + who + " in " + known_hosts +
                  " and strict host key checking is on (" + fp +
                  "). Host key verification failed. Add the key to known_hosts, or choose "
                  "host_key_checking = False or StrictHostKeyChecking=accept-new.");
    case SSH_KNOWN_HOSTS_ERROR:
      break;
  }
  unreachable("cannot check the host key of " + who + " against " + known_hosts + ": " +
              ssh_get_error(ssh));
}

std::string method_names(int methods) {
  std::vector<std::string> names;
  if (methods & SSH_AUTH_METHOD_PUBLICKEY) names.push_back("publickey");
  if (methods & SSH_AUTH_METHOD_PASSWORD) names.push_back("password");
  if (methods & SSH_AUTH_METHOD_INTERACTIVE) names.push_back("keyboard-interactive");
  if (methods & SSH_AUTH_METHOD_GSSAPI_MIC) names.push_back("gssapi-with-mic");
  if (methods & SSH_AUTH_METHOD_HOSTBASED) names.push_back("hostbased");
  return join(names, ",");
}

struct AuthPlan {
  std::vector<std::string> identity_files;  // explicit ones, expanded
  bool identities_only = false;
  bool use_agent = true;
  bool pubkey = true;
  bool password_auth = true;
  bool kbdint_auth = true;
  std::string password;
};

int kbdint_with_password(ssh_session ssh, const std::string& password) {
  int rc = ssh_userauth_kbdint(ssh, nullptr, nullptr);
  for (int rounds = 0; rc == SSH_AUTH_INFO && rounds < 8; ++rounds) {
    int n = ssh_userauth_kbdint_getnprompts(ssh);
    for (int i = 0; i < n; ++i) {
      char echo = 0;
      ssh_userauth_kbdint_getprompt(ssh, static_cast<unsigned>(i), &echo);
      // Answer the hidden (password) prompts; a visible prompt is a question
      // we cannot answer.
      ssh_userauth_kbdint_setanswer(ssh, static_cast<unsigned>(i), echo ? "" : password.c_str());
    }
    rc = ssh_userauth_kbdint(ssh, nullptr, nullptr);
  }
  return rc;
}

void authenticate(ssh_session ssh, const AuthPlan& plan, const std::string& user,
                  const std::string& host, const Deadline& deadline) {
  auto check = [&](int rc, const char* doing) {
    if (rc == SSH_AUTH_SUCCESS) return true;
    if (rc == SSH_AUTH_ERROR) {
      if (deadline.expired()) unreachable(std::string("Connection timed out during ") + doing);
      unreachable(std::string(doing) + " failed: " + ssh_get_error(ssh));
    }
    set_timeout_ms(ssh, deadline.left_ms());
    return false;
  };
  set_timeout_ms(ssh, deadline.left_ms());
  if (check(ssh_userauth_none(ssh, nullptr), "authentication")) return;
  int methods = ssh_userauth_list(ssh, nullptr);
  std::vector<std::string> tried;

  if (plan.pubkey && (methods & SSH_AUTH_METHOD_PUBLICKEY)) {
    for (const auto& file : plan.identity_files) {
      ssh_key key = nullptr;
      if (ssh_pki_import_privkey_file(file.c_str(), nullptr, nullptr, nullptr, &key) != SSH_OK) {
        tried.push_back("key " + file + (std::filesystem::exists(file) ? " (unreadable or has a passphrase)"
                                                                    : " (no such file)"));
        continue;
      }
      tried.push_back("key " + file);
      int rc = ssh_userauth_publickey(ssh, nullptr, key);
      ssh_key_free(key);
      if (check(rc, "public key authentication")) return;
    }
    bool more_keys = plan.identity_files.empty() || !plan.identities_only;
    if (more_keys && plan.identity_files.empty()) {
      // libssh's automatic mode: ssh-agent, then ~/.ssh/config IdentityFile
      // and the default ~/.ssh/id_* keys.
      tried.push_back(plan.use_agent && std::getenv("SSH_AUTH_SOCK") ? "ssh-agent and default keys"
                                                                     : "default keys");
      if (check(ssh_userauth_publickey_auto(ssh, nullptr, nullptr), "public key authentication"))
        return;
    } else if (more_keys && plan.use_agent && std::getenv("SSH_AUTH_SOCK")) {
      tried.push_back("ssh-agent");
      if (check(ssh_userauth_agent(ssh, nullptr), "ssh-agent authentication")) return;
    }
    methods = ssh_userauth_list(ssh, nullptr);
  }
  if (!plan.password.empty()) {
    if (plan.password_auth && (methods & SSH_AUTH_METHOD_PASSWORD)) {
      tried.push_back("password");
      if (check(ssh_userauth_password(ssh, nullptr, plan.password.c_str()), "password authentication"))
        return;
      methods = ssh_userauth_list(ssh, nullptr);
    }
    if (plan.kbdint_auth && (methods & SSH_AUTH_METHOD_INTERACTIVE)) {
      tried.push_back("keyboard-interactive");
      if (check(kbdint_with_password(ssh, plan.password), "keyboard-interactive authentication"))
        return;
    }
  }
  std::string msg = user + "@" + host + ": Permission denied (" + method_names(methods) + ").";
  msg += tried.empty() ? " No usable authentication method was tried"
                       : " Tried: " + join(tried, ", ");
  if (plan.password.empty() && (methods & (SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_INTERACTIVE)))
    msg += "; no password was given";
  unreachable(msg + ".");
}

bool yes(const std::string& v) {
  std::string l = to_lower(trim(v));
  return l == "yes" || l == "true" || l == "on";
}

}  // namespace

void SshConnection::connect() {
  if (connected_) return;
  static std::once_flag init_once;
  std::call_once(init_once, [] { ssh_init(); });

  Deadline deadline(spec_.connect_timeout_s);
  auto s = std::make_unique<Session>();
  s->ssh = ssh_new();
  if (!s->ssh) throw UnreachableError("cannot create an ssh session (out of memory)");
  ssh_session ssh = s->ssh;
  SshArgs args = parse_ssh_args(spec_.ssh_args);

  std::string target = spec_.host.empty() ? spec_.name : spec_.host;
  ssh_options_set(ssh, SSH_OPTIONS_HOST, target.c_str());

  // ~/.ssh/config first, so that everything set explicitly afterwards wins
  // over it, as command-line options win over the file in OpenSSH.
  std::string config = spec_.ssh_config_file;
  if (config.empty() && args.config_file) config = *args.config_file;
  if (config == "none") {
    int no = 0;
    ssh_options_set(ssh, SSH_OPTIONS_PROCESS_CONFIG, &no);
  } else if (config.empty()) {
    ssh_options_parse_config(ssh, nullptr);
  } else {
    config = expand_tilde(config);
    if (!std::filesystem::exists(config)) unreachable("Can't open user config file " + config);
    ssh_options_parse_config(ssh, config.c_str());
  }

  // ansible_ssh_common_args / extra_args, then the ConnectionSpec fields,
  // which (as Ansible's own -o options come first on its ssh command line)
  // take precedence.
  AuthPlan auth;
  HostKeyPolicy policy = spec_.host_key_policy;
  std::string known_hosts;
  auto opt = [&](const char* key) { return args.get(key); };
  if (auto v = opt("hostname")) ssh_options_set(ssh, SSH_OPTIONS_HOST, v->c_str());
  if (auto v = opt("port")) ssh_options_set(ssh, SSH_OPTIONS_PORT_STR, v->c_str());
  if (auto v = opt("user")) ssh_options_set(ssh, SSH_OPTIONS_USER, v->c_str());
  if (auto v = opt("userknownhostsfile")) {
    auto files = split_whitespace(*v);
    if (!files.empty()) known_hosts = expand_tilde(files[0]);
  }
  if (auto v = opt("globalknownhostsfile")) {
    auto files = split_whitespace(*v);
    if (!files.empty()) ssh_options_set(ssh, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, expand_tilde(files[0]).c_str());
  }
  if (auto v = opt("stricthostkeychecking"); v && policy == HostKeyPolicy::strict) {
    std::string l = to_lower(*v);
    if (l == "no" || l == "off" || l == "false") policy = HostKeyPolicy::off;
    else if (l == "accept-new") policy = HostKeyPolicy::accept_new;
  }
  if (auto v = opt("kexalgorithms")) ssh_options_set(ssh, SSH_OPTIONS_KEY_EXCHANGE, v->c_str());
  if (auto v = opt("ciphers")) {
    ssh_options_set(ssh, SSH_OPTIONS_CIPHERS_C_S, v->c_str());
    ssh_options_set(ssh, SSH_OPTIONS_CIPHERS_S_C, v->c_str());
  }
  if (auto v = opt("macs")) {
    ssh_options_set(ssh, SSH_OPTIONS_HMAC_C_S, v->c_str());
    ssh_options_set(ssh, SSH_OPTIONS_HMAC_S_C, v->c_str());
  }
  if (auto v = opt("hostkeyalgorithms")) ssh_options_set(ssh, SSH_OPTIONS_HOSTKEYS, v->c_str());
  if (auto v = opt("pubkeyacceptedalgorithms") ? opt("pubkeyacceptedalgorithms")
                                                : opt("pubkeyacceptedkeytypes"))
    ssh_options_set(ssh, SSH_OPTIONS_PUBLICKEY_ACCEPTED_TYPES, v->c_str());
  if (auto v = opt("compression")) ssh_options_set(ssh, SSH_OPTIONS_COMPRESSION, yes(*v) ? "yes" : "no");
  if (auto v = opt("identitiesonly")) auth.identities_only = yes(*v);
  if (auto v = opt("identityagent")) {
    if (to_lower(*v) == "none") auth.use_agent = false;
    else ssh_options_set(ssh, SSH_OPTIONS_IDENTITY_AGENT, expand_tilde(*v).c_str());
  }
  if (auto v = opt("pubkeyauthentication")) auth.pubkey = yes(*v);
  if (auto v = opt("passwordauthentication")) auth.password_auth = yes(*v);
  if (auto v = opt("kbdinteractiveauthentication")) auth.kbdint_auth = yes(*v);
  std::string proxy_command = spec_.proxy_command;
  std::string proxy_jump = spec_.proxy_jump;
  if (proxy_command.empty() && proxy_jump.empty()) {
    if (auto v = opt("proxycommand")) proxy_command = *v;
    else if (auto j = opt("proxyjump")) proxy_jump = *j;
  }
  int connect_timeout = spec_.connect_timeout_s;
  if (connect_timeout <= 0) {
    if (auto v = opt("connecttimeout")) connect_timeout = std::atoi(v->c_str());
    deadline = Deadline(connect_timeout);
  }

  if (spec_.port > 0) ssh_options_set(ssh, SSH_OPTIONS_PORT, &spec_.port);
  if (!spec_.user.empty()) ssh_options_set(ssh, SSH_OPTIONS_USER, spec_.user.c_str());
  if (!spec_.known_hosts_file.empty()) known_hosts = expand_tilde(spec_.known_hosts_file);
  if (known_hosts.empty()) {
    known_hosts = get_option(ssh, SSH_OPTIONS_KNOWNHOSTS);
    // libssh's own default is the passwd entry's home, which is not $HOME
    // for a server job (HOME is in its job directory; `nobody` has none):
    // check the file that the messages name.
    if (known_hosts.empty()) {
      known_hosts = home_dir() + "/.ssh/known_hosts";
      ssh_options_set(ssh, SSH_OPTIONS_KNOWNHOSTS, known_hosts.c_str());
    }
  } else {
    ssh_options_set(ssh, SSH_OPTIONS_KNOWNHOSTS, known_hosts.c_str());
  }
  for (const auto& f : spec_.identity_files) auth.identity_files.push_back(expand_tilde(f));
  for (const auto& f : args.identity_files) auth.identity_files.push_back(expand_tilde(f));
  auth.use_agent = auth.use_agent && spec_.use_agent;
  auth.password = spec_.password;
  if (!proxy_jump.empty() && to_lower(proxy_jump) != "none")
    proxy_command = proxy_jump_command(proxy_jump, config);
  if (!proxy_command.empty()) {
    // libssh talks to the proxy command over a pipe; one that exits early
    // (a failing ProxyCommand) must make the write fail with EPIPE, not kill
    // the controller with SIGPIPE (seen once in 95 runs of
    // SshOptions.FailingProxyCommandIsUnreachable under load).
    static std::once_flag sigpipe_once;
    std::call_once(sigpipe_once, [] { std::signal(SIGPIPE, SIG_IGN); });
    ssh_options_set(ssh, SSH_OPTIONS_PROXYCOMMAND, proxy_command.c_str());
  }
  int one = 1;
  ssh_options_set(ssh, SSH_OPTIONS_NODELAY, &one);
  // Key exchange: libssh 0.10's default order already starts with
  // curve25519-sha256 (it has no sntrup761), which costs a quarter of
  // OpenSSH's default post-quantum exchange on this machine (DESIGN.md);
  // KexAlgorithms from ssh_args or ~/.ssh/config still wins.

  s->host = get_option(ssh, SSH_OPTIONS_HOST);
  unsigned int port = 22;
  ssh_options_get_port(ssh, &port);
  s->port = static_cast<int>(port);
  s->user = get_option(ssh, SSH_OPTIONS_USER);
  if (s->user.empty()) {
    s->user = local_account(false);
  }

  std::string effective_proxy = get_option(ssh, SSH_OPTIONS_PROXYCOMMAND);
  bool via_proxy = !effective_proxy.empty() && to_lower(effective_proxy) != "none";
  if (!via_proxy) {
    int fd = tcp_connect(s->host, s->port, deadline);
    struct stat st {};
    ::fstat(fd, &st);
    s->fd = fd;
    s->fd_inode = st.st_ino;
    ssh_options_set(ssh, SSH_OPTIONS_FD, &fd);
  }

  set_timeout_ms(ssh, deadline.left_ms());
  if (ssh_connect(ssh) != SSH_OK) {
    std::string err = ssh_get_error(ssh);
    std::string where = " (" + s->host + " port " + std::to_string(s->port) +
                        (via_proxy ? ", via ProxyCommand " + effective_proxy : "") + ")";
    if (deadline.left_ms() < 100 || err.find("imeout") != std::string::npos)
      unreachable("Connection timed out during banner exchange" + where);
    if (err.find("disconnected") != std::string::npos || err.find("closed") != std::string::npos)
      unreachable("Connection closed by the remote host during the handshake: " + err + where);
    unreachable(err + where);
  }
  check_host_key(ssh, policy, known_hosts, s->host, s->port);
  authenticate(ssh, auth, s->user, s->host, deadline);

  s->op_timeout_s = spec_.connect_timeout_s > 0 ? spec_.connect_timeout_s : 10;
  long op = s->op_timeout_s;
  long zero = 0;
  ssh_options_set(ssh, SSH_OPTIONS_TIMEOUT, &op);
  ssh_options_set(ssh, SSH_OPTIONS_TIMEOUT_USEC, &zero);
  s->event = ssh_event_new();
  if (!s->event || ssh_event_add_session(s->event, ssh) != SSH_OK)
    throw UnreachableError("cannot create a poll set for the ssh session");
  if (!s_) note_ssh_session_opened();
  s_ = std::move(s);
  connected_ = true;
}

std::string SshConnection::kex_algorithm() const {
  if (!s_ || !s_->ssh) return {};
  const char* k = ssh_get_kex_algo(s_->ssh);
  return k ? k : "";
}

}  // namespace drover
