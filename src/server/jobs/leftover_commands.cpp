#include "server/jobs/leftover_commands.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <sstream>
#include <thread>

namespace drover::server {

RemoteGroupLog::RemoteGroupLog(const std::string& path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) throw Error("cannot create " + path + ": " + std::strerror(errno));
  ::flock(fd_, LOCK_EX);
}

RemoteGroupLog::~RemoteGroupLog() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

void RemoteGroupLog::note(const std::string& host, long group, bool running) {
  std::string line = Value{{"host", host}, {"group", group}, {"running", running}}.dump() + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  // One write per line: O_APPEND keeps it whole even if the process dies.
  (void)!::write(fd_, line.data(), line.size());
}

std::map<std::string, std::vector<long>> live_remote_groups(const std::string& log_text) {
  std::map<std::string, std::set<long>> live;
  std::istringstream in(log_text);
  for (std::string line; std::getline(in, line);) {
    Value v = Value::parse(line, nullptr, false);
    if (!v.is_object() || !v.contains("host") || !v["host"].is_string() || !v.contains("group") ||
        !v["group"].is_number_integer())
      continue;  // a line cut short by the job's death
    long group = v["group"].get<long>();
    if (group <= 1) continue;
    auto& groups = live[v["host"].get<std::string>()];
    if (v.value("running", false))
      groups.insert(group);
    else
      groups.erase(group);
  }
  std::map<std::string, std::vector<long>> out;
  for (auto& [host, groups] : live)
    if (!groups.empty()) out[host] = std::vector<long>(groups.begin(), groups.end());
  return out;
}

std::optional<std::string> read_released_log(const std::string& path, std::chrono::seconds wait) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  auto deadline = std::chrono::steady_clock::now() + wait;
  bool locked = false;
  while (!(locked = ::flock(fd, LOCK_SH | LOCK_NB) == 0) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::string text;
  if (locked) {
    char buf[8192];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
      text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  if (!locked) return std::nullopt;
  return text;
}

JobSpec leftover_cleanup_spec(const JobSpec& original,
                              const std::map<std::string, std::vector<long>>& live) {
  JobSpec s;
  s.kind = JobSpec::Kind::adhoc;
  s.module = "shell";
  // `kill -KILL -- -G` is refused by dash: the signal first, then -G.
  s.args = "kill -KILL {{ " + std::string(kLeftoverGroupsVar) +
           "[inventory_hostname] }} 2>/dev/null; true";
  s.project_dir = original.project_dir;
  s.inventory = original.inventory;
  s.inventory_text = original.inventory_text;
  s.remote_user = original.remote_user;
  s.credential_id = original.credential_id;
  s.extra_vars = original.extra_vars.is_object() ? original.extra_vars : Value::object();
  Value groups = Value::object();
  std::string pattern;
  for (const auto& [host, list] : live) {
    std::string text;
    for (long g : list) text += (text.empty() ? "-" : " -") + std::to_string(g);
    groups[host] = text;
    pattern += (pattern.empty() ? "" : ",") + host;
  }
  s.extra_vars[kLeftoverGroupsVar] = groups;
  s.pattern = pattern;
  s.forks = std::max(1, std::min(original.forks, 50));
  return s;
}

}  // namespace drover::server
