// Remote commands that a job left running when both the server and its job
// process died (a kill -9 of both, the OOM killer): without a process to
// take the cancel path, nothing else would ever end them.
//
// The job process records every remote process group it runs a command in
// (transport/remote_groups.hpp) in <job dir>/remote-groups, one JSON line
// per change, and holds a lock on that file while it lives. A restarted
// server waits for the lock of each interrupted job (a job process that
// still runs is taking its own cancel path), reads what is still on record
// and queues a cleanup job: an ad-hoc `kill -KILL -GROUP` on those
// hosts, connecting as the job did (its inventory, credential, remote user
// and extra vars). A group whose command ended in the meantime may have
// been reused on its host only after the job's death; the window is the
// server's downtime (docs/SERVER.md).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "server/jobs/job_spec.hpp"

namespace drover::server {

inline constexpr const char* kRemoteGroupsFile = "remote-groups";
// The cleanup job's extra variable: host -> "-G1 -G2".
inline constexpr const char* kLeftoverGroupsVar = "drover_leftover_groups";

// The job process's side: appends to `path` (created 0600) and locks it
// until destroyed. Thread-safe. Throws drover::Error when it cannot open.
class RemoteGroupLog {
 public:
  explicit RemoteGroupLog(const std::string& path);
  ~RemoteGroupLog();
  RemoteGroupLog(const RemoteGroupLog&) = delete;
  RemoteGroupLog& operator=(const RemoteGroupLog&) = delete;
  void note(const std::string& host, long group, bool running);

 private:
  int fd_ = -1;
  std::mutex mu_;
};

// Host -> the groups still running according to a log's text.
std::map<std::string, std::vector<long>> live_remote_groups(const std::string& log_text);

// The log's text once no process holds its lock (nullopt: no log, or
// still locked after `wait`).
std::optional<std::string> read_released_log(const std::string& path, std::chrono::seconds wait);

// The ad-hoc job that kills `live` on their hosts the way `original`
// connects to them.
JobSpec leftover_cleanup_spec(const JobSpec& original,
                              const std::map<std::string, std::vector<long>>& live);

}  // namespace drover::server
