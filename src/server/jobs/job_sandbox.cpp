#include "server/jobs/job_sandbox.hpp"

#include <algorithm>
#include <filesystem>

#include "server/jobs/job_spec.hpp"

namespace drover::server {
namespace fs = std::filesystem;

namespace {

// System directories a job needs (its programs and libraries); symlinks
// (merged /usr: /bin -> usr/bin) are recreated as symlinks.
const char* const kSystemDirs[] = {"/usr",   "/bin",   "/sbin",   "/lib",
                                   "/lib32", "/lib64", "/libx32", "/etc"};

// Files and directories of /etc a job must not read, even as root: the
// password hashes and this machine's SSH host keys (a job could impersonate
// the server's host) and TLS private keys.
const char* const kEtcSecretFiles[] = {"/etc/shadow",   "/etc/shadow-",          "/etc/gshadow",
                                       "/etc/gshadow-", "/etc/security/opasswd", "/etc/sudoers"};
const char* const kEtcSecretDirs[] = {"/etc/ssl/private", "/etc/sudoers.d"};

std::string canonical_or_same(const std::string& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  return ec ? p : c.string();
}

// Whether `path` lies inside `dir` (or is it).
bool inside(const std::string& path, const std::string& dir) {
  if (dir.empty()) return false;
  if (dir == "/") return true;
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                         path[dir.size()] == '/');
}

void add(std::vector<std::string>& argv, std::initializer_list<std::string> items) {
  argv.insert(argv.end(), items);
}

// `--bind-fd N path` (or --ro-bind-fd) with N the descriptor the server
// will open for `path`. bwrap would create the missing directories above
// `path` 0700 root, which the job user could not pass: they are made 0711
// first (existing ones, from an earlier bind, stay as they are).
void bind_fd(SandboxCommand& cmd, const char* option, const std::string& path) {
  std::vector<std::string> above;
  for (fs::path d = fs::path(path).parent_path(); d != d.root_path() && !d.empty();
       d = d.parent_path())
    above.insert(above.begin(), d.string());
  for (const auto& d : above) add(cmd.argv, {"--perms", "0711", "--dir", d});
  add(cmd.argv,
      {option, std::to_string(kFirstPathFd + static_cast<int>(cmd.fd_paths.size())), path});
  cmd.fd_paths.push_back(path);
}

}  // namespace

std::vector<std::string> job_readonly_paths(const std::string& project_dir,
                                            const std::string& playbook,
                                            const std::vector<std::string>& inventory) {
  std::vector<std::string> out;
  auto absolute = [&](const std::string& p) {
    if (p.empty() || p[0] == '/' || project_dir.empty()) return p;
    return (fs::path(project_dir) / p).string();
  };
  if (!project_dir.empty()) out.push_back(project_dir);
  if (!playbook.empty()) out.push_back(fs::path(absolute(playbook)).parent_path().string());
  for (const auto& src : inventory) {
    if (!is_inventory_path(src)) continue;
    std::string path = absolute(src);
    std::error_code ec;
    out.push_back(fs::is_directory(path, ec) ? path : fs::path(path).parent_path().string());
  }
  return out;
}

SandboxCommand sandbox_command(const SandboxSettings& s, const SandboxJob& job) {
  std::map<std::string, std::string> env = s.env;
  env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  env["HOME"] = job.work_dir + "/home";
  env["LANG"] = "C.UTF-8";
  if (!job.user_name.empty()) env["LOGNAME"] = env["USER"] = job.user_name;

  SandboxCommand cmd;
  if (s.kind == "none") {
    cmd.argv.push_back(job.program);
    cmd.argv.insert(cmd.argv.end(), job.args.begin(), job.args.end());
    for (const auto& [k, v] : env) cmd.envp.push_back(k + "=" + v);
    return cmd;
  }

  std::vector<std::string>& a = cmd.argv;
  a.push_back(s.bwrap);
  add(a, {"--unshare-pid", "--unshare-ipc", "--unshare-cgroup-try"});
  if (!s.as_root)
    a.push_back("--unshare-user");
  else
    add(a, {"--cap-drop", "ALL"});
  if (s.as_root && s.switch_user) add(a, {"--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"});
  // job-exec is the PID namespace's init: when it dies, however, the
  // kernel kills every process left in the sandbox (bwrap's own init would
  // wait for them, holding the job's pipes open).
  add(a, {"--as-pid-1", "--new-session", "--info-fd", "3"});
  cmd.info_fd = true;

  std::error_code ec;
  for (const char* dir : kSystemDirs) {
    if (fs::is_symlink(dir, ec))
      add(a, {"--symlink", fs::read_symlink(dir, ec).string(), dir});
    else if (fs::is_directory(dir, ec))
      add(a, {"--ro-bind", dir, dir});
  }
  for (const char* f : kEtcSecretFiles)
    if (fs::exists(f, ec)) add(a, {"--ro-bind", "/dev/null", f});
  for (const char* d : kEtcSecretDirs)
    if (fs::is_directory(d, ec)) add(a, {"--tmpfs", d});
  if (fs::is_directory("/etc/ssh", ec))
    for (const auto& e : fs::directory_iterator("/etc/ssh", ec)) {
      std::string name = e.path().filename().string();
      if (name.rfind("ssh_host_", 0) == 0 && name.size() > 4 &&
          name.compare(name.size() - 4, 4, "_key") == 0)
        add(a, {"--ro-bind", "/dev/null", e.path().string()});
    }
  add(a, {"--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/var/tmp"});
  // /etc/resolv.conf may point there (systemd-resolved): names must resolve.
  add(a, {"--ro-bind-try", "/run/systemd/resolve", "/run/systemd/resolve"});

  // Shown paths, shortest first so that a deeper one is mounted on top.
  std::string data = canonical_or_same(s.data_dir);
  std::string work = canonical_or_same(job.work_dir);
  std::vector<std::string> shown;
  for (const auto& p : s.show_paths) shown.push_back(canonical_or_same(p));
  for (const auto& p : job.readonly_paths) shown.push_back(canonical_or_same(p));
  shown.push_back(canonical_or_same(job.program));
  std::sort(shown.begin(), shown.end(), [](const std::string& x, const std::string& y) {
    return x.size() != y.size() ? x.size() < y.size() : x < y;
  });
  shown.erase(std::unique(shown.begin(), shown.end()), shown.end());
  // A data directory under /usr or /etc (/usr/local/var/drover) would be
  // shown with the system.
  bool data_shown = false;
  for (const char* dir : kSystemDirs) data_shown = data_shown || inside(data, dir);
  std::vector<std::string> inside_data;  // a git project's checkout under <data>/projects
  for (const auto& p : shown) {
    if (p.empty() || p == "/" || !fs::exists(p, ec)) continue;  // never the whole machine
    if (inside(p, data)) {
      inside_data.push_back(p);
      continue;
    }
    bind_fd(cmd, "--ro-bind-fd", p);
    data_shown = data_shown || inside(data, p);
  }
  if (data_shown) add(a, {"--perms", "0711", "--tmpfs", data});
  for (const auto& p : inside_data)
    if (inside(p, data + "/projects")) bind_fd(cmd, "--ro-bind-fd", p);
  bind_fd(cmd, "--bind-fd", work);  // job-exec enters it once it is the job user

  a.push_back("--clearenv");
  for (const auto& [k, v] : env) add(a, {"--setenv", k, v});
  a.push_back("--");
  a.push_back(job.program);
  a.insert(a.end(), job.args.begin(), job.args.end());
  return cmd;
}

}  // namespace drover::server
