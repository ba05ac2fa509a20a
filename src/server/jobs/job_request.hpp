// What the server and a job process (`drover job-exec`, cmd_job_exec.cpp)
// say to each other over pipes.
//
// The server writes one line to the job's stdin: the JobRequest as JSON
// (the spec, the job directory, the decrypted secrets). Secrets travel only
// on this pipe, never in an environment variable or a command line. The
// pipe then stays open as the job's lifeline: a "cancel" line cancels the
// run, and end-of-file (the server exited or was killed) cancels it too,
// so the engine kills the commands running on the hosts either way.
//
// The job writes to its stdout the engine's events as JSON lines
// (docs/JSON_EVENTS.md, each with an "event" key), now and then a count
// {"ssh_connections_open": N} for the server's /metrics, and, last, one
// outcome line {"outcome": {...}} with the final state, rc, error and
// recap. Any other line is garbage: the server ends the job in `error`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/value.hpp"
#include "server/jobs/job_execution.hpp"

namespace drover::server {

inline constexpr const char* kCancelLine = "cancel";

struct JobRequest {
  int64_t job_id = 0;
  Value spec = Value::object();  // JobSpec::to_json()
  std::string work_dir;
  JobSecrets secrets;
};

// One line, no trailing newline.
std::string encode_job_request(const JobRequest& r);
// Throws drover::Error for a line that is not a request.
JobRequest decode_job_request(const std::string& line);

inline constexpr const char* kSshCountKey = "ssh_connections_open";
std::string encode_ssh_count(int64_t open);

std::string encode_job_outcome(const JobOutcome& o);
// nullopt when the line is not an outcome line; throws drover::Error when
// it is one but malformed.
std::optional<JobOutcome> decode_job_outcome(const Value& line);

}  // namespace drover::server
