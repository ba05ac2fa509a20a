#include "core/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace drover {
namespace {

// A file descriptor closed when it goes out of scope.
struct Fd {
  int fd = -1;
  Fd() = default;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) close(fd);
    fd = -1;
  }
};

void make_pipe(Fd& read_end, Fd& write_end) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) throw Error(std::string("pipe failed: ") + std::strerror(errno));
  read_end.fd = p[0];
  write_end.fd = p[1];
}

// The input as a file the child reads: no pipe to feed while it prints.
int input_file(const std::string& input) {
  int fd = memfd_create("drover-input", MFD_CLOEXEC);
  if (fd < 0) throw Error(std::string("memfd_create failed: ") + std::strerror(errno));
  for (size_t done = 0; done < input.size();) {
    ssize_t n = write(fd, input.data() + done, input.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close(fd);
      throw Error(std::string("writing a program's input failed: ") + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  lseek(fd, 0, SEEK_SET);
  return fd;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) throw Error("run_process: no program");
  Fd out_r, out_w, err_r, err_w, exec_r, exec_w, in;
  make_pipe(out_r, out_w);
  if (options.capture_err) make_pipe(err_r, err_w);
  make_pipe(exec_r, exec_w);
  if (options.input) in.fd = input_file(*options.input);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) throw Error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
    if (in.fd >= 0) {
      dup2(in.fd, 0);
    } else if (!options.inherit_stdin) {
      int devnull = open("/dev/null", O_RDONLY);
      if (devnull >= 0) dup2(devnull, 0);
    }
    dup2(out_w.fd, 1);
    if (options.capture_err) dup2(err_w.fd, 2);
    execv(args[0], args.data());
    int e = errno;
    (void)!write(exec_w.fd, &e, sizeof e);
    _exit(127);
  }
  out_w.reset();
  err_w.reset();
  exec_w.reset();
  in.reset();
  ProcessResult r;
  pollfd fds[2] = {{out_r.fd, POLLIN, 0}, {err_r.fd, POLLIN, 0}};
  char buf[65536];
  for (int open_fds = options.capture_err ? 2 : 1; open_fds > 0;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;  // closed by the Fd holding it
        --open_fds;
      }
    }
  }
  int e = 0;
  if (read(exec_r.fd, &e, sizeof e) == sizeof e) r.exec_errno = e;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (r.exec_errno == 0) r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  return r;
}

}  // namespace drover
