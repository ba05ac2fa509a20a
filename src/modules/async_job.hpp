// Async jobs on the target (a task's `async:`), in shell, with the job file
// Ansible's async_wrapper keeps: ~/.ansible_async/<jid> holds JSON with
// started, finished, ansible_job_id and, once done, rc, stdout and stderr
// (or failed + msg "Timeout exceeded" when the time limit killed it).
//
// AsyncJobConnection wraps the host's connection for one task: the module
// runs unchanged, and each command it execs is started detached on the
// target (its own session and process group, stdin saved to a file first,
// a watchdog that kills the group when the time limit passes). With poll >
// 0 exec() then polls the job file every `poll` seconds and returns the
// job's rc/stdout/stderr as if the command had run in the foreground; with
// poll = 0 it throws AsyncJobStarted at once. async_status reads the same
// file (read_async_job).
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "core/value.hpp"
#include "transport/connection.hpp"

namespace drover {

// Where jobs live on the target, as Ansible's async_dir default.
inline constexpr const char* kAsyncDir = "~/.ansible_async";

// The async_dir of a task (the sh shell plugin's option): the templated
// ansible_async_dir variable (may be null), else ANSIBLE_ASYNC_DIR, else
// kAsyncDir. "~" is expanded on the target.
std::string async_dir_setting(const Value* ansible_async_dir);

// poll: 0 -- the job started; the task's result is this job's handle.
class AsyncJobStarted : public Error {
 public:
  AsyncJobStarted(std::string jid, std::string results_file)
      : Error("async job " + jid + " started"), jid(std::move(jid)), results_file(std::move(results_file)) {}
  std::string jid, results_file;
};

// The job did not finish within its time limit; message as Ansible's.
class AsyncJobTimedOut : public Error {
 public:
  using Error::Error;
};

struct AsyncJobOptions {
  int time_limit_s = 0;  // the task's async
  int poll_s = 0;        // the task's poll
  // Called after each poll that found the job unfinished, with the job
  // file's data (ansible_job_id, started, finished) and the seconds passed.
  std::function<void(const Value& status, int elapsed_s)> on_poll;
  const std::atomic<bool>* cancel = nullptr;
  // Members added to the finished job's file, for async_status to show
  // (e.g. command's cmd and changed).
  Value extra = Value::object();
  std::string async_dir = kAsyncDir;  // async_dir_setting()
};

class AsyncJobConnection final : public Connection {
 public:
  AsyncJobConnection(Connection& target, AsyncJobOptions options);

  void connect() override { target_.connect(); }
  bool connected() const override { return target_.connected(); }
  ExecResult exec(const std::string& command, const ExecOptions& opts = {}) override;
  void close() override {}

  // The connection the jobs start on (for a command that must run in the
  // foreground, such as interpreter discovery).
  Connection& target() const { return target_; }

  // The last job started (empty before any).
  const std::string& jid() const { return jid_; }
  const std::string& results_file() const { return results_file_; }

 private:
  Connection& target_;
  AsyncJobOptions options_;
  std::string jid_, results_file_;
};

// Marks a job whose stdout is a module's JSON answer (the Python fallback):
// async_status returns that answer, as Ansible's does.
inline constexpr const char* kAsyncModuleOutput = "_drover_module_output";

// What the finished job's file carries beside rc/stdout/stderr, so that
// async_status shows command's and shell's own fields (cmd, changed).
Value async_job_extra(const std::string& module, const Value& args);

// poll: 0 -- the task's result is the job's handle, as Ansible returns it.
Value async_started_result(const AsyncJobStarted& started);

// poll > 0 -- the job's fields that Ansible adds to the module's result
// (ansible_job_id, finished, results_file, started).
void add_async_job_fields(Value& result, const AsyncJobConnection& job);

// Reads job `jid`'s file on the target as async_status does: its data with
// finished defaulted, or a failed result "could not find job". With
// `cleanup`, removes the job's files instead and returns {ansible_job_id,
// erased}.
Value read_async_job(Connection& conn, const std::string& jid, bool cleanup, const BecomeSpec* become = nullptr,
                     const std::string& async_dir = kAsyncDir);

}  // namespace drover
