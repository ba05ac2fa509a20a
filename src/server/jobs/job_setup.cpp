#include "server/jobs/job_setup.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "inventory/inventory.hpp"
#include "inventory/inventory_dump.hpp"
#include "store/cmdb_inventory.hpp"

extern char** environ;

namespace drover::server {
namespace fs = std::filesystem;

namespace {

std::string self_program() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("cannot find the drover binary (/proc/self/exe): " + ec.message());
  return p.string();
}

std::string canonical_or_same(const std::string& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  return ec ? p : c.string();
}

void choose_user(const ServerOptions& o, JobWorkerOptions& w) {
  if (::geteuid() != 0) {
    const passwd* me = ::getpwuid(::geteuid());
    w.job_user_name = me ? me->pw_name : "";
    if (!o.job_user.empty() && o.job_user != w.job_user_name)
      throw Error("--job-user " + o.job_user +
                  ": jobs can run as another user only when the server runs as root");
    return;
  }
  std::string name = o.job_user;
  if (name.empty()) name = ::getpwnam("drover") ? "drover" : "nobody";
  const passwd* pw = ::getpwnam(name.c_str());
  if (!pw) throw Error("--job-user " + name + ": no such user");
  w.job_user_name = name;
  if (pw->pw_uid != 0) {
    w.job_uid = pw->pw_uid;
    w.job_gid = pw->pw_gid;
  }
}

// The server's ANSIBLE_* settings apply to its jobs as they apply to
// `drover play` started from the same shell.
std::map<std::string, std::string> ansible_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos && kv.rfind("ANSIBLE_", 0) == 0)
      env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

// Starts `bwrap ... /usr/bin/true` once, the way jobs will be started,
// so that a machine where bwrap cannot make namespaces (unprivileged user
// namespaces disabled) is reported at start, not by every job.
void probe_bwrap(const SandboxSettings& s) {
  std::vector<std::string> args = {s.bwrap, "--unshare-pid", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev"};
  if (!s.as_root) args.push_back("--unshare-user");
  args.push_back("/usr/bin/true");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  char* no_env[] = {nullptr};
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), no_env);
  posix_spawn_file_actions_destroy(&fa);
  int status = 0;
  if (rc == 0) ::waitpid(pid, &status, 0);
  if (rc != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Error(s.bwrap + " cannot create a job sandbox on this machine (as " +
                (s.as_root ? std::string("root") : std::string("this user, which needs unprivileged user namespaces")) +
                "): run the server as root, allow user namespaces, or run with --job-sandbox none (no isolation)");
}

}  // namespace

JobWorkerOptions job_process_options(const ServerOptions& o) {
  JobWorkerOptions w;
  w.program = self_program();
  w.limits.memory_mb = o.job_memory_mb;
  w.limits.timeout_s = o.job_timeout_s;
  choose_user(o, w);

  SandboxSettings& s = w.sandbox;
  if (o.job_sandbox != "bwrap" && o.job_sandbox != "none")
    throw Error("--job-sandbox must be bwrap or none, not '" + o.job_sandbox + "'");
  s.kind = o.job_sandbox;
  std::error_code ec;
  if (s.kind == "bwrap" && !fs::exists(s.bwrap, ec))
    throw Error("jobs run under bubblewrap and " + s.bwrap +
                " is missing: install the bubblewrap package (or run with --job-sandbox none, "
                "without isolation)");
  s.data_dir = canonical_or_same(o.data_dir);
  s.show_paths = o.job_show_paths;
  s.env = ansible_environment();
  if (auto it = s.env.find("ANSIBLE_CONFIG"); it != s.env.end() && fs::exists(it->second, ec))
    s.show_paths.push_back(it->second);
  s.as_root = ::geteuid() == 0;
  s.switch_user = w.job_uid.has_value();
  if (s.kind == "bwrap") probe_bwrap(s);

  // A job checks host keys against a copy of what the server trusts.
  if (const char* home = std::getenv("HOME"); home && *home)
    w.known_hosts.push_back(std::string(home) + "/.ssh/known_hosts");
  w.known_hosts.push_back(o.data_dir + "/known_hosts");

  std::string data = s.data_dir;
  w.cmdb_inventory = [data](const std::string& source) {
    std::string dir = source.substr(std::string(store::kCmdbSourcePrefix).size());
    if (canonical_or_same(dir.empty() ? "." : dir) != data)
      throw Error("inventory " + source +
                  ": a job may only use this server's CMDB (drover:" + data + ")");
    inventory::Inventory inv = inventory::Inventory::load({store::kCmdbSourcePrefix + data});
    inventory::DumpOptions dump;
    dump.export_vars = true;
    return inventory::yaml_list_document(inv, dump).dump() + "\n";
  };
  return w;
}

}  // namespace drover::server
