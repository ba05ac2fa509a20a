// `drover job-exec` (hidden): runs one server job in its own process, the
// server's JobWorkers start it inside the job sandbox (job_sandbox.hpp).
//
// Reads the JobRequest line from stdin (server/jobs/job_request.hpp), runs
// it with execute_job and writes the events as JSON lines plus a final
// outcome line to stdout. It cancels the run, as ansible-playbook's ^C
// does (the commands running on the hosts are killed, outcome `canceled`),
// when: a "cancel" line arrives on stdin; stdin reaches end-of-file (the
// server is gone, even after a kill -9: its end of the pipe closes with
// it); stdout breaks; or SIGTERM/SIGINT arrives (PR_SET_PDEATHSIG sends
// SIGTERM when the parent dies). A second signal ends it at once.
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "cli/commands.hpp"
#include "cli/signals.hpp"
#include "core/error.hpp"
#include "output/json_lines_callback.hpp"
#include "server/jobs/job_execution.hpp"
#include "server/jobs/job_request.hpp"
#include "server/jobs/leftover_commands.hpp"
#include "transport/remote_groups.hpp"
#include "transport/ssh_stats.hpp"

namespace drover::cli {
namespace {

// Reads stdin line by line with read(2): the first line is the request,
// the later ones come from the lifeline thread.
class LineReader {
 public:
  // False at end-of-file or on an error.
  bool next(std::string& line) {
    for (;;) {
      size_t nl = buf_.find('\n');
      if (nl != std::string::npos) {
        line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return true;
      }
      char chunk[65536];
      ssize_t n = ::read(0, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  std::string buf_;
};

// Writes whole lines to stdout; after the first failure (the server closed
// the pipe) it cancels the run and drops the rest.
class EventPipe {
 public:
  explicit EventPipe(std::shared_ptr<std::atomic<bool>> cancel) : cancel_(std::move(cancel)) {}
  void write_line(std::string line) {
    line += '\n';
    std::lock_guard<std::mutex> lock(mu_);
    if (broken_) return;
    size_t done = 0;
    while (done < line.size()) {
      ssize_t n = ::write(1, line.data() + done, line.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        broken_ = true;
        cancel_->store(true);
        return;
      }
      done += static_cast<size_t>(n);
    }
  }

 private:
  std::shared_ptr<std::atomic<bool>> cancel_;
  std::mutex mu_;
  bool broken_ = false;
};

struct JobExecFlags {
  long uid = -1, gid = -1;
};

// Becomes the job user (the server is root): groups, then gid, then uid;
// no_new_privs first, so that no set-user-ID program gives root back.
void become_job_user(const JobExecFlags& f) {
  ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (f.uid < 0) return;
  if (f.gid < 0 || ::setgroups(0, nullptr) != 0 || ::setgid(static_cast<gid_t>(f.gid)) != 0 ||
      ::setuid(static_cast<uid_t>(f.uid)) != 0 || ::getuid() != static_cast<uid_t>(f.uid) ||
      (f.uid != 0 && ::setuid(0) == 0))
    throw Error(std::string("job-exec: cannot become the job user: ") + std::strerror(errno));
}

int run_job_exec(const JobExecFlags& flags) {
  become_job_user(flags);
  ::umask(077);
  ::signal(SIGPIPE, SIG_IGN);
  auto cancel = cancel_on_signals();
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  ::prctl(PR_SET_DUMPABLE, 0);  // no core file, no ptrace of a process holding secrets
  auto reader = std::make_shared<LineReader>();
  std::string line;
  if (!reader->next(line)) throw Error("job-exec: no job request on stdin");
  server::JobRequest request = server::decode_job_request(line);
  line.assign(line.size(), '\0');
  server::JobSpec spec = server::parse_job_spec(request.spec, true);
  if (::chdir(request.work_dir.c_str()) != 0)
    throw Error("job-exec: cannot enter " + request.work_dir + ": " + std::strerror(errno));

  std::thread lifeline([reader, cancel] {
    std::string cmd;
    while (reader->next(cmd))
      if (cmd == server::kCancelLine) cancel->store(true);
    cancel->store(true);  // the server is gone
  });
  lifeline.detach();

  // What runs on the hosts is on record before it starts, for a restarted
  // server if this process dies without its cancel path.
  server::RemoteGroupLog groups(request.work_dir + "/" + server::kRemoteGroupsFile);
  set_remote_group_listener([&groups](const std::string& host, long group, bool running) {
    groups.note(host, group, running);
  });

  EventPipe out(cancel);
  server::JobRun run;
  run.spec = &spec;
  run.work_dir = request.work_dir;
  run.secrets = std::move(request.secrets);
  run.cancel = cancel;
  JsonLinesCallback events([&out](const Value&, std::string ev) { out.write_line(std::move(ev)); });

  // The server's /metrics counts the SSH sessions its jobs hold.
  std::mutex mu;
  std::condition_variable wake;
  bool done = false;
  std::thread counter([&] {
    int64_t reported = 0;
    std::unique_lock<std::mutex> lock(mu);
    while (!wake.wait_for(lock, std::chrono::milliseconds(100), [&] { return done; })) {
      int64_t open = ssh_connections_open();
      if (open != reported) out.write_line(server::encode_ssh_count(reported = open));
    }
  });
  server::JobOutcome outcome = server::execute_job(run, events);
  {
    std::lock_guard<std::mutex> lock(mu);
    done = true;
  }
  wake.notify_one();
  counter.join();
  set_remote_group_listener(nullptr);
  out.write_line(server::encode_ssh_count(ssh_connections_open()));
  out.write_line(server::encode_job_outcome(outcome));
  return 0;
}

}  // namespace

void add_job_exec_command(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("job-exec", "run one server job (started by drover server)");
  cmd->group("");  // hidden: not a command for people
  // The job id only names the process in ps; the request comes on stdin.
  auto flags = std::make_shared<JobExecFlags>();
  cmd->add_option("--job", "the job's id (for ps)");
  cmd->add_option("--uid", flags->uid, "the job user (when started as root)");
  cmd->add_option("--gid", flags->gid, "the job user's group");
  cmd->callback([flags, &exit_code] { exit_code = run_job_exec(*flags); });
}

}  // namespace drover::cli
