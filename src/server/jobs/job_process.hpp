// Runs one job as its own process (`drover job-exec` in its sandbox, see
// job_sandbox.hpp and job_request.hpp) and supervises it to the end.
//
// run_job_process() starts the command with stdin, stdout and stderr on
// pipes (every other descriptor of the server closed), with its memory
// limited (RLIMIT_DATA: what malloc and thread stacks can commit) and no
// core files. It writes the request line, then reads the event lines and
// hands each to `events` in order, and returns the outcome from the job's
// final line. It never throws for what the job does:
//   * `cancel` set (a user's cancel, the server stopping): a "cancel" line
//     on the job's stdin, the engine's cancel path (remote commands killed,
//     outcome `canceled`);
//   * the wall-time limit reached: the same cancel, then outcome `error`
//     "timed out after N s";
//   * no exit within kCancelGrace after a cancel: SIGKILL to the sandbox's
//     init, which takes every process of the sandbox with it;
//   * killed by a signal, exit without an outcome line, a line that is not
//     JSON or not an event: outcome `error` with what happened (and the end
//     of the job's stderr).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "output/json_lines_callback.hpp"
#include "server/jobs/job_execution.hpp"
#include "server/jobs/job_sandbox.hpp"

namespace drover::server {

struct JobLimits {
  long memory_mb = 0;  // 0: unlimited
  int timeout_s = 0;   // 0: unlimited
};

struct JobProcess {
  SandboxCommand command;
  JobLimits limits;
  std::string request_line;
};

inline constexpr std::chrono::seconds kCancelGrace{20};

// SSH sessions open in the job processes of this server now (their
// reports), for /metrics beside the server's own.
int64_t job_ssh_connections_open();

JobOutcome run_job_process(const JobProcess& p, const std::atomic<bool>& cancel,
                           const JsonEventSink& events);

}  // namespace drover::server
