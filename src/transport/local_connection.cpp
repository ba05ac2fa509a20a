#include "transport/local_connection.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "transport/become.hpp"

namespace drover {

namespace {

using Clock = std::chrono::steady_clock;

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = o.fd_;
      o.fd_ = -1;
    }
    return *this;
  }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

void make_pipe(Fd& r, Fd& w) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) throw Error(std::string("pipe: ") + std::strerror(errno));
  r = Fd(p[0]);
  w = Fd(p[1]);
}

std::string signal_name(int sig) {
  switch (sig) {
    case SIGKILL: return "KILL";
    case SIGTERM: return "TERM";
    case SIGINT: return "INT";
    case SIGHUP: return "HUP";
    case SIGQUIT: return "QUIT";
    case SIGABRT: return "ABRT";
    case SIGSEGV: return "SEGV";
    case SIGPIPE: return "PIPE";
    case SIGALRM: return "ALRM";
    case SIGUSR1: return "USR1";
    case SIGUSR2: return "USR2";
    case SIGBUS: return "BUS";
    case SIGFPE: return "FPE";
    case SIGILL: return "ILL";
    default: return std::to_string(sig);
  }
}

}  // namespace

ExecResult LocalConnection::exec(const std::string& command, const ExecOptions& opts) {
  // A command that exits without reading all its input must not kill the
  // controller with SIGPIPE; writes then fail with EPIPE instead.
  static std::once_flag sigpipe_once;
  std::call_once(sigpipe_once, [] { std::signal(SIGPIPE, SIG_IGN); });
  throw_if_interrupted();
  connected_ = true;

  BecomePlan plan = plan_become(opts.become, command);
  BecomeDialog dialog(plan, opts.become ? opts.become->password : std::string(),
                      opts.become ? opts.become->method : std::string());
  int timeout_s = opts.timeout_s > 0 ? opts.timeout_s : spec_.command_timeout_s;
  auto deadline = timeout_s > 0 ? Clock::now() + std::chrono::seconds(timeout_s) : Clock::time_point::max();

  // su asks for its password on a terminal: then the command gets a pty for
  // stdin and stdout (stderr stays a pipe).
  Fd in_r, in_w, out_r, out_w, err_r, err_w;
  std::string pty_name;
  if (plan.needs_pty) {
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0)
      throw Error("cannot allocate a terminal for su");
    pty_name = ptsname(master);
    in_w = Fd(master);
    out_r = Fd(::fcntl(master, F_DUPFD_CLOEXEC, 0));
  } else {
    make_pipe(in_r, in_w);
    make_pipe(out_r, out_w);
  }
  make_pipe(err_r, err_w);

  const char* argv[] = {"/bin/sh", "-c", plan.command.c_str(), nullptr};
  pid_t pid = ::fork();
  if (pid < 0) throw Error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    ::setsid();  // own process group: a timeout kills the whole command tree
    if (!pty_name.empty()) {
      int tty = ::open(pty_name.c_str(), O_RDWR);
      if (tty < 0) ::_exit(127);
      ::dup2(tty, 0);
      ::dup2(tty, 1);
    } else {
      ::dup2(in_r.get(), 0);
      ::dup2(out_w.get(), 1);
    }
    ::dup2(err_w.get(), 2);
    ::signal(SIGPIPE, SIG_DFL);
    ::execv("/bin/sh", const_cast<char* const*>(argv));
    ::_exit(127);
  }
  in_r.reset();
  out_w.reset();
  err_w.reset();
  fcntl(in_w.get(), F_SETFL, O_NONBLOCK);

  ExecResult res;
  std::string reply;
  std::string chunk;
  std::string_view pending;
  bool source_done = false;
  if (!opts.stdin_source) {
    pending = opts.stdin_data;
    source_done = true;
  }
  auto deliver = [&](bool is_err, const char* data, size_t n) {
    std::string passed = is_err ? dialog.on_stderr({data, n}) : dialog.on_stdout({data, n});
    if (passed.empty()) return;
    (is_err ? res.err : res.out) += passed;
    if (is_err && opts.on_stderr) opts.on_stderr(passed);
    if (!is_err && opts.on_stdout) opts.on_stdout(passed);
  };

  char buf[65536];
  bool killed = false;
  bool cancelled = false;
  bool pty_eof_sent = false;
  while (out_r.get() >= 0 || err_r.get() >= 0) {
    if (interrupted()) {
      killed = cancelled = true;
      break;
    }
    if (dialog.failed()) {
      killed = true;
      break;
    }
    if (reply.empty()) reply = dialog.take_reply();
    bool can_write = in_w.get() >= 0 && (!reply.empty() || dialog.running());
    if (can_write && reply.empty() && pending.empty()) {
      if (!source_done) {
        chunk.clear();
        if (!opts.stdin_source(chunk)) source_done = true;
        pending = chunk;
        continue;
      }
      if (pty_name.empty()) {
        in_w.reset();  // EOF for the command
      } else if (!pty_eof_sent) {
        // A terminal has no EOF of its own: ^D at the start of a line is one.
        bool line_start = opts.stdin_data.empty() || opts.stdin_data.back() == '\n';
        reply = line_start ? "\x04" : "\x04\x04";
        pty_eof_sent = true;
        continue;
      }
      can_write = false;
    }
    pollfd fds[4];
    int n = 0;
    if (interrupt_) fds[n++] = {interrupt_->fd(), POLLIN, 0};
    if (out_r.get() >= 0) fds[n++] = {out_r.get(), POLLIN, 0};
    if (err_r.get() >= 0) fds[n++] = {err_r.get(), POLLIN, 0};
    if (can_write) fds[n++] = {in_w.get(), POLLOUT, 0};
    int wait_ms = -1;
    if (deadline != Clock::time_point::max()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) {
        res.timed_out = true;
        killed = true;
        break;
      }
      wait_ms = static_cast<int>(std::min<long long>(left, 1 << 30));
    }
    int rc = ::poll(fds, static_cast<nfds_t>(n), wait_ms);
    if (rc < 0 && errno != EINTR) throw Error(std::string("poll: ") + std::strerror(errno));
    for (int i = 0; i < n && rc > 0; ++i) {
      if (!fds[i].revents) continue;
      int fd = fds[i].fd;
      if (interrupt_ && fd == interrupt_->fd()) continue;  // seen at the top of the loop
      if (fd == in_w.get()) {
        std::string_view out = !reply.empty() ? std::string_view(reply) : pending;
        ssize_t w = ::write(fd, out.data(), std::min<size_t>(out.size(), 1 << 20));
        if (w > 0) {
          if (!reply.empty()) reply.erase(0, static_cast<size_t>(w));
          else pending.remove_prefix(static_cast<size_t>(w));
        } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
          in_w.reset();  // the command closed its stdin: drop the rest
          pending = {};
          source_done = true;
        }
        continue;
      }
      ssize_t got = ::read(fd, buf, sizeof buf);
      if (got > 0) {
        deliver(fd == err_r.get(), buf, static_cast<size_t>(got));
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        // EIO on a pty master means the terminal's last user has gone.
        if (fd == out_r.get()) out_r.reset();
        else err_r.reset();
      }
    }
  }
  if (killed) ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (cancelled) throw_if_interrupted();
  if (WIFEXITED(status)) res.exit_status = killed ? -1 : WEXITSTATUS(status);
  if (WIFSIGNALED(status)) res.exit_signal = signal_name(WTERMSIG(status));
  res.become_error = dialog.finish(res.out, res.err, res.exit_status);
  if (!res.become_error.empty() && res.exit_status == 0) res.exit_status = 1;
  return res;
}

}  // namespace drover
