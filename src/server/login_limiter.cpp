#include "server/login_limiter.hpp"

namespace drover::server {

LoginLimiter::LoginLimiter(int per_user_and_address, int per_address, std::chrono::seconds window)
    : per_pair_(per_user_and_address), per_address_(per_address), window_(window) {}

std::string LoginLimiter::pair_key(const std::string& address, const std::string& username) {
  // A NUL cannot occur in an address, so the key is unambiguous.
  return address + std::string(1, '\0') + username;
}

int LoginLimiter::wait_for(std::deque<Clock::time_point>& failures, int limit, Clock::time_point now) {
  while (!failures.empty() && failures.front() + window_ <= now) failures.pop_front();
  if (static_cast<int>(failures.size()) < limit) return 0;
  auto wait = std::chrono::duration_cast<std::chrono::seconds>(failures.front() + window_ - now).count();
  return static_cast<int>(wait) + 1;
}

int LoginLimiter::retry_after(const std::string& address, const std::string& username) {
  std::lock_guard lock(mutex_);
  auto now = Clock::now();
  int wait = 0;
  if (auto it = by_address_.find(address); it != by_address_.end()) wait = wait_for(it->second, per_address_, now);
  if (auto it = by_pair_.find(pair_key(address, username)); it != by_pair_.end())
    wait = std::max(wait, wait_for(it->second, per_pair_, now));
  return wait;
}

void LoginLimiter::record_failure(const std::string& address, const std::string& username) {
  std::lock_guard lock(mutex_);
  auto now = Clock::now();
  // Bound memory under a flood of distinct names or addresses.
  if (by_pair_.size() > 100000) by_pair_.clear();
  if (by_address_.size() > 100000) by_address_.clear();
  by_address_[address].push_back(now);
  by_pair_[pair_key(address, username)].push_back(now);
}

void LoginLimiter::record_success(const std::string& address, const std::string& username) {
  std::lock_guard lock(mutex_);
  by_pair_.erase(pair_key(address, username));
}

}  // namespace drover::server
