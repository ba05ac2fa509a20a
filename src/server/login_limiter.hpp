// Login rate limiting: failed logins are counted per client address and per
// username over a sliding minute; past the limit, login answers 429 until
// the oldest failure leaves the window, even with the right password (so a
// guesser learns nothing). A success clears the username's failures.
#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace drover::server {

class LoginLimiter {
 public:
  LoginLimiter(int per_address = 20, int per_username = 5, std::chrono::seconds window = std::chrono::seconds(60));

  // Seconds until a login from this address for this user may be tried;
  // 0 when it may be tried now.
  int retry_after(const std::string& address, const std::string& username);
  void record_failure(const std::string& address, const std::string& username);
  void record_success(const std::string& username);

 private:
  using Clock = std::chrono::steady_clock;
  int wait_for(std::deque<Clock::time_point>& failures, int limit, Clock::time_point now);
  int per_address_, per_username_;
  std::chrono::seconds window_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<Clock::time_point>> by_address_, by_username_;
};

}  // namespace drover::server
