#include "server/login_limiter.hpp"

namespace drover::server {

LoginLimiter::LoginLimiter(int per_address, int per_username, std::chrono::seconds window)
    : per_address_(per_address), per_username_(per_username), window_(window) {}

int LoginLimiter::wait_for(std::deque<Clock::time_point>& failures, int limit, Clock::time_point now) {
  while (!failures.empty() && failures.front() + window_ <= now) failures.pop_front();
  if (static_cast<int>(failures.size()) < limit) return 0;
  auto wait = std::chrono::duration_cast<std::chrono::seconds>(failures.front() + window_ - now).count();
  return static_cast<int>(wait) + 1;
}

int LoginLimiter::retry_after(const std::string& address, const std::string& username) {
  std::lock_guard lock(mutex_);
  auto now = Clock::now();
  int a = wait_for(by_address_[address], per_address_, now);
  int u = wait_for(by_username_[username], per_username_, now);
  return std::max(a, u);
}

void LoginLimiter::record_failure(const std::string& address, const std::string& username) {
  std::lock_guard lock(mutex_);
  auto now = Clock::now();
  by_address_[address].push_back(now);
  by_username_[username].push_back(now);
  // Bound memory under a flood of distinct names.
  if (by_username_.size() > 100000) by_username_.clear();
  if (by_address_.size() > 100000) by_address_.clear();
}

void LoginLimiter::record_success(const std::string& username) {
  std::lock_guard lock(mutex_);
  by_username_.erase(username);
}

}  // namespace drover::server
