#include "server/jobs/job_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "server/jobs/job_request.hpp"

extern char** environ;

namespace drover::server {
namespace {

using Clock = std::chrono::steady_clock;

std::atomic<int64_t> g_job_ssh_open{0};

constexpr size_t kStderrTail = 2000;
constexpr size_t kMaxLine = 256u << 20;  // one event line; more is garbage

struct Pipe {
  int r = -1, w = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
      throw Error(std::string("cannot create a pipe for a job: ") + std::strerror(errno));
    r = fds[0];
    w = fds[1];
  }
  ~Pipe() {
    close_r();
    close_w();
  }
  void close_r() {
    if (r >= 0) ::close(r);
    r = -1;
  }
  void close_w() {
    if (w >= 0) ::close(w);
    w = -1;
  }
};

bool write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// A copy of `fd` numbered 1000 or more (close-on-exec), so that the
// child's dup2 onto 0..N never overwrites one it still has to place.
int high_fd(int fd) {
  int high = ::fcntl(fd, F_DUPFD_CLOEXEC, 1000);
  if (high < 0)
    throw Error(std::string("cannot duplicate a descriptor for a job: ") + std::strerror(errno));
  return high;
}

// The descriptors a sandbox binds (SandboxCommand::fd_paths), opened by
// the server.
struct PathFds {
  std::vector<int> fds;
  explicit PathFds(const std::vector<std::string>& paths) {
    for (const auto& path : paths) {
      int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
      if (fd < 0)
        throw Error("cannot open " + path + " for the job's sandbox: " + std::strerror(errno));
      fds.push_back(high_fd(fd));
      ::close(fd);
    }
  }
  ~PathFds() {
    for (int fd : fds) ::close(fd);
  }
};

// The child between fork and exec: only async-signal-safe calls. It keeps
// stdin/stdout/stderr, bwrap's info fd 3 and the path descriptors from
// kFirstPathFd, and closes every other descriptor: the server's database,
// sockets and files must not reach a job.
[[noreturn]] void exec_child(const JobProcess& p, char* const* argv, char* const* envp, int in,
                             int out, int err, int info, const std::vector<int>& path_fds) {
  ::dup2(in, 0);
  ::dup2(out, 1);
  ::dup2(err, 2);
  if (info >= 0) ::dup2(info, 3);
  for (size_t i = 0; i < path_fds.size(); ++i)
    ::dup2(path_fds[i], kFirstPathFd + static_cast<int>(i));
  ::close_range(static_cast<unsigned>(kFirstPathFd + path_fds.size()), ~0U, 0);
  if (info < 0) ::close(3);
  ::setpgid(0, 0);
  // The server blocks SIGINT/SIGTERM in its threads and ignores SIGPIPE;
  // both would be inherited through exec.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);
  struct rlimit no_core {
    0, 0
  };
  ::setrlimit(RLIMIT_CORE, &no_core);
  if (p.limits.memory_mb > 0) {
    rlim_t bytes = static_cast<rlim_t>(p.limits.memory_mb) << 20;
    struct rlimit mem {
      bytes, bytes
    };
    ::setrlimit(RLIMIT_DATA, &mem);
  }
  ::execve(argv[0], argv, envp);
  static const char msg[] = "drover: cannot start the job process (execve failed)\n";
  (void)!::write(2, msg, sizeof msg - 1);
  ::_exit(127);
}

std::string signal_text(int sig) {
  const char* name = ::strsignal(sig);
  return std::to_string(sig) + (name ? std::string(" (") + name + ")" : "");
}

// Supervision state of one running job process.
class Supervisor {
 public:
  Supervisor(const JobProcess& p, const std::atomic<bool>& cancel, const JsonEventSink& events)
      : p_(p), cancel_(cancel), events_(events) {}

  JobOutcome run() {
    Pipe in, out, err, info;
    for (Pipe* pipe : {&in, &out, &err, &info}) {
      int r = high_fd(pipe->r), w = high_fd(pipe->w);
      pipe->close_r();
      pipe->close_w();
      pipe->r = r;
      pipe->w = w;
    }
    PathFds paths(p_.command.fd_paths);
    std::vector<std::string> envp_strings = p_.command.envp;
    if (envp_strings.empty()) envp_strings = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
    auto argv = c_strings(p_.command.argv);
    auto envp = c_strings(envp_strings);
    pid_ = ::fork();
    if (pid_ < 0) throw Error(std::string("cannot start a job process: ") + std::strerror(errno));
    if (pid_ == 0)
      exec_child(p_, argv.data(), envp.data(), in.r, out.w, err.w, p_.command.info_fd ? info.w : -1,
                 paths.fds);
    in.close_r();
    out.close_w();
    err.close_w();
    info.close_w();
    if (!p_.command.info_fd) info.close_r();
    started_ = Clock::now();
    stdin_fd_ = in.w;
    if (!write_all(stdin_fd_, p_.request_line + "\n"))
      fail("the job process did not take its request");
    supervise(out.r, err.r, info.r);
    in.close_w();
    int status = reap();
    return result(status);
  }

 private:
  void supervise(int out_fd, int err_fd, int info_fd) {
    std::string out_buf, info_buf;
    bool out_open = true, err_open = true, info_open = info_fd >= 0;
    while (out_open || err_open) {
      control();
      pollfd fds[3] = {{out_open ? out_fd : -1, POLLIN, 0},
                       {err_open ? err_fd : -1, POLLIN, 0},
                       {info_open ? info_fd : -1, POLLIN, 0}};
      int n = ::poll(fds, 3, 100);
      if (n < 0 && errno != EINTR) break;
      if (n <= 0) continue;
      char chunk[65536];
      if (fds[0].revents) {
        ssize_t got = ::read(out_fd, chunk, sizeof chunk);
        if (got <= 0)
          out_open = false;
        else
          take_output(out_buf, chunk, static_cast<size_t>(got));
      }
      if (fds[1].revents) {
        ssize_t got = ::read(err_fd, chunk, sizeof chunk);
        if (got <= 0)
          err_open = false;
        else {
          stderr_.append(chunk, static_cast<size_t>(got));
          if (stderr_.size() > 2 * kStderrTail) stderr_.erase(0, stderr_.size() - kStderrTail);
        }
      }
      if (fds[2].revents) {
        ssize_t got = ::read(info_fd, chunk, sizeof chunk);
        if (got <= 0)
          info_open = false;
        else
          info_buf.append(chunk, static_cast<size_t>(got));
        if (init_pid_ <= 0) init_pid_ = parse_child_pid(info_buf);
      }
    }
    if (!out_buf.empty() && !garbage_) garbage(out_buf);
  }

  // bwrap's --info-fd JSON: {"child-pid": N, ...}
  static pid_t parse_child_pid(const std::string& text) {
    auto at = text.find("\"child-pid\":");
    if (at == std::string::npos) return 0;
    size_t i = at + 12;
    while (i < text.size() && text[i] == ' ') ++i;
    size_t end = text.find_first_not_of("0123456789", i);
    if (end == std::string::npos || end == i) return 0;
    return static_cast<pid_t>(std::stol(text.substr(i, end - i)));
  }

  void take_output(std::string& buf, const char* data, size_t size) {
    buf.append(data, size);
    size_t start = 0;
    for (size_t nl; (nl = buf.find('\n', start)) != std::string::npos; start = nl + 1)
      if (!garbage_) line(buf.substr(start, nl - start));
    buf.erase(0, start);
    if (buf.size() > kMaxLine && !garbage_) garbage(buf.substr(0, 200));
  }

  void line(std::string text) {
    if (text.empty()) return;
    Value v = Value::parse(text, nullptr, false);
    if (v.is_object() && v.size() == 1 && v.contains(kSshCountKey) &&
        v[kSshCountKey].is_number_integer()) {
      int64_t open = v[kSshCountKey].get<int64_t>();
      g_job_ssh_open.fetch_add(open - ssh_open_);
      ssh_open_ = open;
      return;
    }
    if (v.is_object() && v.contains("event") && v["event"].is_string() && !outcome_) {
      events_(v, std::move(text));
      return;
    }
    try {
      if (auto o = decode_job_outcome(v); o && !outcome_) {
        outcome_ = std::move(*o);
        return;
      }
    } catch (const Error&) {
    }
    garbage(text);
  }

  void garbage(const std::string& text) {
    garbage_ = true;
    std::string shown = text.substr(0, 200);
    for (char& c : shown)
      if (static_cast<unsigned char>(c) < 0x20) c = '?';
    fail("the job process wrote a line that is not an event: " + shown);
  }

  // A fatal problem seen by the server: remember the first, end the job.
  void fail(const std::string& why) {
    if (failure_.empty()) failure_ = why;
    kill_all();
  }

  // Forwards a cancel, enforces the time limit and the cancel grace.
  void control() {
    auto now = Clock::now();
    if (!cancel_sent_ && p_.limits.timeout_s > 0 &&
        now - started_ >= std::chrono::seconds(p_.limits.timeout_s)) {
      timed_out_ = true;
      send_cancel(now);
    }
    if (!cancel_sent_ && cancel_.load()) send_cancel(now);
    if (cancel_sent_ && !killed_ && now - cancel_at_ > kCancelGrace) kill_all();
  }

  void send_cancel(Clock::time_point now) {
    cancel_sent_ = true;
    cancel_at_ = now;
    if (!write_all(stdin_fd_, std::string(kCancelLine) + "\n")) kill_all();
  }

  void kill_all() {
    killed_ = true;
    if (init_pid_ > 0) ::kill(init_pid_, SIGKILL);  // the sandbox's PID namespace dies with it
    ::kill(-pid_, SIGKILL);
  }

  int reap() {
    int status = 0;
    auto deadline = Clock::now() + kCancelGrace;
    for (;;) {
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_ || (r < 0 && errno != EINTR)) return status;
      if (Clock::now() > deadline && !killed_) kill_all();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  JobOutcome result(int status) {
    g_job_ssh_open.fetch_sub(ssh_open_);
    ssh_open_ = 0;
    JobOutcome o;
    std::string tail =
        stderr_.size() > kStderrTail ? stderr_.substr(stderr_.size() - kStderrTail) : stderr_;
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
    if (outcome_ && failure_.empty()) {
      o = std::move(*outcome_);
    } else {
      o.state = JobState::error;
      o.rc = 1;
      if (!failure_.empty())
        o.error = failure_;
      else if (WIFSIGNALED(status))
        o.error = "the job process was killed by signal " + signal_text(WTERMSIG(status));
      // bwrap exits 128+N when the job it ran was killed by signal N.
      else if (WIFEXITED(status) && WEXITSTATUS(status) > 128 && p_.command.info_fd)
        o.error = "the job process was killed by signal " + signal_text(WEXITSTATUS(status) - 128);
      else
        o.error = "the job process ended (exit status " +
                  std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                  ") without a result";
      if (!tail.empty()) o.error += "; its last output: " + tail;
      if (outcome_) o.recap = outcome_->recap;
    }
    if (timed_out_) {
      o.state = JobState::error;
      o.error =
          "timed out after " + std::to_string(p_.limits.timeout_s) + " s (--job-timeout): canceled";
    }
    return o;
  }

  const JobProcess& p_;
  const std::atomic<bool>& cancel_;
  const JsonEventSink& events_;
  pid_t pid_ = -1;
  pid_t init_pid_ = 0;
  int64_t ssh_open_ = 0;
  int stdin_fd_ = -1;
  Clock::time_point started_, cancel_at_;
  bool cancel_sent_ = false, timed_out_ = false, killed_ = false, garbage_ = false;
  std::optional<JobOutcome> outcome_;
  std::string failure_;
  std::string stderr_;
};

}  // namespace

int64_t job_ssh_connections_open() {
  return g_job_ssh_open.load();
}

JobOutcome run_job_process(const JobProcess& p, const std::atomic<bool>& cancel,
                           const JsonEventSink& events) {
  return Supervisor(p, cancel, events).run();
}

}  // namespace drover::server
