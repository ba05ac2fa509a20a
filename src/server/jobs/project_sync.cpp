#include "server/jobs/project_sync.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <vector>

#include "server/jobs/job_template.hpp"
#include "server/project_paths.hpp"
#include "store/audit.hpp"

namespace drover::server {
namespace fs = std::filesystem;

namespace {

constexpr size_t kMessageTail = 2048;
constexpr size_t kMaxOutputEvents = 5000;

// Numbers the job's events and hands them to the sink.
class SyncEvents {
 public:
  explicit SyncEvents(const JsonEventSink& sink) : sink_(sink) {}
  void emit(const std::string& name, Value data) {
    data["event"] = name;
    data["seq"] = ++seq_;
    data["time"] = store::now_timestamp();
    std::string line = data.dump();
    sink_(data, std::move(line));
  }
  void display(const std::string& text) {
    if (++lines_ > kMaxOutputEvents) return;
    if (lines_ == kMaxOutputEvents)
      return emit("display", {{"msg", "(more output cut)"}, {"verbosity", 0}});
    emit("display", {{"msg", text}, {"verbosity", 0}});
  }

 private:
  const JsonEventSink& sink_;
  int64_t seq_ = 0;
  size_t lines_ = 0;
};

struct GitResult {
  bool ok = false;
  std::string tail;  // the last kMessageTail bytes of the output
};

// The whole environment git gets (see project_sync.hpp).
std::vector<std::string> git_environment(const std::string& home) {
  return {"PATH=/usr/local/bin:/usr/bin:/bin",
          "LANG=C.UTF-8",
          "HOME=" + home,
          "GIT_TERMINAL_PROMPT=0",
          "GIT_CONFIG_NOSYSTEM=1",
          "GIT_CONFIG_GLOBAL=/dev/null",
          "GIT_ALLOW_PROTOCOL=https:http:ssh:git:file",
          "GIT_SSH_COMMAND=ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new"};
}

// A project's git credential for one sync: an SSH key file or an askpass
// script in a private directory (0700) under git's HOME, removed when this
// goes out of scope; env() is what git gets on top of git_environment().
// The secret never goes into the URL, argv or the checkout.
class GitCredential {
 public:
  GitCredential(const std::string& home, const JobSecrets& secrets) {
    std::string tmpl = home + "/cred-XXXXXX";
    if (!mkdtemp(tmpl.data()))
      throw Error("cannot make a private directory for the git credential");
    dir_ = tmpl;
    if (dir_.find('\'') != std::string::npos)
      throw Error("the data directory's path must not contain a quote");
    std::string user = secrets.remote_user.value_or("");
    if (secrets.ssh_private_key) {
      std::string key = *secrets.ssh_private_key;
      if (!key.empty() && key.back() != '\n') key += '\n';
      write_private(dir_ + "/key", key, 0600);
      std::string ssh = "ssh -i '" + dir_ +
                        "/key' -o IdentitiesOnly=yes -o BatchMode=yes "
                        "-o StrictHostKeyChecking=accept-new";
      if (!user.empty() && user.find_first_of("' \\\"$`") == std::string::npos)
        ssh += " -l '" + user + "'";
      env_.push_back("GIT_SSH_COMMAND=" + ssh);
    } else if (secrets.password) {
      // git asks "Username for '...': " then "Password for '...': ".
      write_private(
          dir_ + "/askpass",
          "#!/bin/sh\ncase \"$1\" in\n  Username*) printf '%s\\n' \"$DROVER_GIT_USERNAME\" ;;\n"
          "  *) printf '%s\\n' \"$DROVER_GIT_PASSWORD\" ;;\nesac\n",
          0700);
      env_.push_back("GIT_ASKPASS=" + dir_ + "/askpass");
      env_.push_back("DROVER_GIT_USERNAME=" + user);
      env_.push_back("DROVER_GIT_PASSWORD=" + *secrets.password);
    }
  }
  ~GitCredential() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  GitCredential(const GitCredential&) = delete;
  GitCredential& operator=(const GitCredential&) = delete;
  const std::vector<std::string>& env() const { return env_; }

 private:
  static void write_private(const std::string& path, const std::string& content, mode_t mode) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) throw Error("cannot write " + path + ": " + std::strerror(errno));
    size_t done = 0;
    while (done < content.size()) {
      ssize_t n = ::write(fd, content.data() + done, content.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fd);
    if (done != content.size()) throw Error("cannot write " + path);
  }
  std::string dir_;
  std::vector<std::string> env_;
};

// The start time of process `pid` (field 22 of /proc/PID/stat, clock ticks
// since boot); "" when it does not exist. With the pid it names one process
// for good: a pid reused later has another start time.
std::string process_start_time(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return "";
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
  }
  return field;
}

// Where a running git's process group is written down, so that a server
// killed mid-sync kills it at its next start (kill_orphaned_git).
std::string pgid_file(const std::string& home, pid_t pid) {
  return home + "/git-" + std::to_string(pid) + ".pgid";
}

GitResult run_git(const std::vector<std::string>& args, const std::string& home,
                  const std::vector<std::string>& extra_env, const std::atomic<bool>& cancel,
                  SyncEvents& events) {
  GitResult result;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    result.tail = std::string("cannot make a pipe: ") + std::strerror(errno);
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);  // the server blocks SIGTERM/SIGINT in its threads
  posix_spawnattr_setsigdefault(&attr, &all);
  // -c: no credential helper, no ext::, no fsmonitor or hooks command even
  // if a config file slipped into the checkout.
  std::vector<std::string> argv_s = {"git",
                                     "-c",
                                     "credential.helper=",
                                     "-c",
                                     "protocol.ext.allow=never",
                                     "-c",
                                     "core.fsmonitor=false",
                                     "-c",
                                     "core.hooksPath=/dev/null"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s = git_environment(home);
  // A credential's variables replace the defaults of the same name.
  for (const auto& e : extra_env) {
    std::string name = e.substr(0, e.find('=') + 1);
    std::erase_if(env_s, [&](const std::string& d) { return d.rfind(name, 0) == 0; });
    env_s.push_back(e);
  }
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, "/usr/bin/git", &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    result.tail = std::string("cannot run /usr/bin/git: ") + std::strerror(rc);
    return result;
  }
  {
    std::ofstream record(pgid_file(home, pid));
    record << pid << " " << process_start_time(pid) << "\n";
  }
  auto deadline = std::chrono::steady_clock::now() + kGitTimeLimit;
  std::string output, partial;
  bool killed = false;
  std::string why_killed;
  for (;;) {
    if (!killed && (cancel.load() || std::chrono::steady_clock::now() > deadline)) {
      why_killed = cancel.load() ? "canceled"
                                 : "git took longer than " + std::to_string(kGitTimeLimit.count()) +
                                       " minutes: stopped";
      ::kill(-pid, SIGKILL);
      killed = true;
    }
    pollfd p{fds[0], POLLIN, 0};
    int n = poll(&p, 1, 100);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    char buf[4096];
    ssize_t got = read(fds[0], buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;  // every writer closed: git and its helpers are done
    output.append(buf, static_cast<size_t>(got));
    partial.append(buf, static_cast<size_t>(got));
    for (size_t nl; (nl = partial.find_first_of("\r\n")) != std::string::npos;) {
      if (nl > 0) events.display(partial.substr(0, nl));
      partial.erase(0, nl + 1);
    }
    if (output.size() > 4 * kMessageTail) output.erase(0, output.size() - kMessageTail);
  }
  close(fds[0]);
  if (!partial.empty()) events.display(partial);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::remove(pgid_file(home, pid).c_str());
  if (killed) {
    events.display(why_killed);
    output += "\n" + why_killed;
  }
  result.ok = !killed && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  result.tail = output.size() > kMessageTail ? output.substr(output.size() - kMessageTail) : output;
  return result;
}

struct ProjectRow {
  std::string kind, path, url, branch;
  std::optional<int64_t> credential_id;
};

std::optional<ProjectRow> load_project(store::Database& db, int64_t id) {
  return db.read([&](store::Connection& c) -> std::optional<ProjectRow> {
    auto s =
        c.prepare("SELECT kind, path, url, branch, credential_id FROM projects WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return ProjectRow{s.text(0), s.text(1), s.text(2), s.text(3), s.optional_integer(4)};
  });
}

void set_state(store::Database& db, int64_t id, const std::string& state,
               const std::string& message, const std::optional<std::string>& path = std::nullopt) {
  db.write([&](store::Connection& c) {
    std::string now = store::now_timestamp();
    c.prepare(
         "UPDATE projects SET sync_state = ?, sync_message = ?, path = COALESCE(?, path), "
         "synced = CASE WHEN ? IN ('ok', 'failed') THEN ? ELSE synced END, updated = ? WHERE id = "
         "?")
        .bind(1, state)
        .bind(2, message)
        .bind(3, path)
        .bind(4, state)
        .bind(5, now)
        .bind(6, now)
        .bind(7, id)
        .run();
  });
}

// Clones or updates a git project into `dir`.
GitResult sync_git(const ProjectRow& p, const std::string& dir, const std::string& home,
                   const std::vector<std::string>& env, const std::atomic<bool>& cancel,
                   SyncEvents& events) {
  if (!fs::exists(fs::path(dir) / ".git")) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    std::vector<std::string> args = {"clone", "--depth", "1"};
    if (!p.branch.empty()) args.insert(args.end(), {"--branch", p.branch});
    args.insert(args.end(), {"--", p.url, dir});
    return run_git(args, home, env, cancel, events);
  }
  auto fetch =
      run_git({"-C", dir, "fetch", "--depth", "1", "origin", p.branch.empty() ? "HEAD" : p.branch},
              home, env, cancel, events);
  if (!fetch.ok) return fetch;
  return run_git({"-C", dir, "reset", "--hard", "FETCH_HEAD"}, home, env, cancel, events);
}

}  // namespace

constexpr const char* kSecretInUrl =
    "a git URL must not carry credentials (https://user:password@host/... or "
    "https://token@host/...): git would keep the URL in the checkout's .git/config, where every "
    "job of the project reads it; give the secret as the project's credential_id (a password or "
    "ssh_key credential) instead";

std::optional<std::string> git_url_problem(const std::string& url, const ServerOptions& options) {
  if (url.empty()) return "a git project needs a 'url'";
  if (url[0] == '-') return "a git URL must not start with '-'";
  if (url.rfind("ext::", 0) == 0 || url.rfind("fd::", 0) == 0)
    return "git's ext:: and fd:: transports are not allowed";
  for (char c : url)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return "a git URL must not contain control characters";
  size_t scheme_end = url.find("://");
  // git's rule: no "://" and a ':' before any '/' is scp-like ssh
  // (host:path); otherwise a path on this machine.
  std::optional<std::string> local;
  if (url.rfind("file://", 0) == 0) {
    local = url.substr(7);
  } else if (scheme_end == std::string::npos) {
    size_t colon = url.find(':'), slash = url.find('/');
    if (colon == std::string::npos || (slash != std::string::npos && slash < colon)) local = url;
  }
  if (local) {
    if (!resolve_project_dir(*local, options, false))
      return "a repository on the server's disk must be an absolute path to a directory under "
             "an allowed project root (see --project-root)";
    return std::nullopt;
  }
  if (scheme_end == std::string::npos) {  // scp-like user@host:path
    size_t at = url.find('@');
    if (at != std::string::npos && url.substr(0, at).find(':') != std::string::npos)
      return kSecretInUrl;
    return std::nullopt;
  }
  std::string scheme = url.substr(0, scheme_end);
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t authority = scheme_end + 3;
  size_t end = url.find_first_of("/?#", authority);
  std::string host_part =
      url.substr(authority, end == std::string::npos ? std::string::npos : end - authority);
  size_t at = host_part.rfind('@');
  if (at == std::string::npos) return std::nullopt;
  std::string userinfo = host_part.substr(0, at);
  if (userinfo.find(':') != std::string::npos || scheme == "http" || scheme == "https")
    return kSecretInUrl;
  return std::nullopt;
}

void kill_orphaned_git(const ServerOptions& options) {
  std::error_code ec;
  fs::path home = fs::path(git_checkout_root(options)) / ".git-home";
  for (fs::directory_iterator it(home, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.rfind("git-", 0) != 0 || it->path().extension() != ".pgid") continue;
    std::ifstream in(it->path());
    pid_t pid = 0;
    std::string started;
    if (in >> pid >> started && pid > 1 && process_start_time(pid) == started) {
      ::kill(-pid, SIGKILL);
      std::fprintf(stderr,
                   "drover server: killed git (process group %d) left by a stopped server\n",
                   static_cast<int>(pid));
    }
    fs::remove(it->path(), ec);
  }
}

void settle_project_sync_states(store::Database& db) {
  db.write([](store::Connection& c) {
    c.prepare(
         "UPDATE projects SET sync_state = 'failed', sync_message = 'interrupted: its sync job "
         "ended before it ran to the end (canceled, or the server stopped)', updated = ? "
         "WHERE sync_state IN ('pending', 'running') AND NOT EXISTS (SELECT 1 FROM jobs j "
         "WHERE j.kind = 'sync' AND j.state IN ('pending', 'running') "
         "AND json_extract(j.spec, '$.project_id') = projects.id)")
        .bind(1, store::now_timestamp())
        .run();
  });
}

JobOutcome run_project_sync(ServerContext& ctx, int64_t project_id, const std::atomic<bool>& cancel,
                            const JsonEventSink& sink) {
  store::Database& db = ctx.store.db();
  SyncEvents events(sink);
  JobOutcome out;
  auto finish = [&](JobState state, const std::string& message) {
    out.state = state;
    out.rc = state == JobState::successful ? 0 : 1;
    if (state != JobState::successful) out.error = message;
    return out;
  };
  auto project = load_project(db, project_id);
  if (!project)
    return finish(JobState::error, "project " + std::to_string(project_id) + " does not exist");
  events.emit("sync_start", {{"project_id", project_id}, {"kind", project->kind}});
  set_state(db, project_id, "running", "");
  std::string state = "ok", message;
  std::optional<std::string> path;
  try {
    if (project->kind == "git") {
      if (auto why = git_url_problem(project->url, ctx.options)) throw Error(*why);
      std::string root = git_checkout_root(ctx.options);
      std::string home = root + "/.git-home";
      fs::create_directories(home);
      fs::permissions(home, fs::perms::owner_all);
      std::string dir = root + "/" + std::to_string(project_id);
      path = dir;
      std::optional<GitCredential> credential;
      if (project->credential_id)
        credential.emplace(home, credential_secrets(db, ctx.vault, *project->credential_id));
      GitResult git =
          sync_git(*project, dir, home, credential ? credential->env() : std::vector<std::string>{},
                   cancel, events);
      credential.reset();
      message = git.tail;
      if (cancel.load()) {
        set_state(db, project_id, "failed", "canceled");
        events.emit("sync_end", {{"state", "failed"}});
        return finish(JobState::canceled, "canceled");
      }
      if (!git.ok) throw Error("git failed: " + git.tail);
      if (std::string link = find_escaping_symlink(fs::canonical(dir).string()); !link.empty()) {
        std::error_code ec;
        fs::remove_all(dir, ec);
        throw Error("the checkout has a symlink that leaves the project (" + link +
                    "): refused and removed");
      }
    } else {
      auto real = resolve_project_dir(project->path, ctx.options, false);
      if (!real)
        throw Error("directory " + project->path +
                    " does not exist or is not under an allowed project root");
      if (std::string link = find_escaping_symlink(*real); !link.empty())
        throw Error("the project has a symlink that leaves it (" + link + ")");
      events.display("directory " + *real + " is a valid project");
    }
  } catch (const std::exception& e) {
    state = "failed";
    message = e.what();
    events.emit("warning", {{"msg", message}});
  }
  if (message.size() > kMessageTail) message = message.substr(message.size() - kMessageTail);
  set_state(db, project_id, state, message, path);
  events.emit("sync_end", {{"state", state}});
  return state == "ok" ? finish(JobState::successful, "") : finish(JobState::failed, message);
}

}  // namespace drover::server
