// Login rate limiting, keyed so that nobody can lock a user out from
// elsewhere.
//
// Failed logins are counted over a sliding minute per (username, client
// address) pair and per client address. Past 5 failures for one user from
// one address, that address may not try that user again until the oldest
// failure leaves the window (429, even with the right password, so a
// guesser learns nothing); past 20 failures from one address (any users:
// password spraying) that address is refused for every user. The same user
// from any other address is never refused: a flood of wrong passwords for
// `admin` from one place does not lock the real admin out. A success
// clears its pair's failures.
//
// Distributed guessing (many addresses, one user) is bounded by the
// per-address limits and argon2id's cost, not by a per-user lock: a
// per-user lock is exactly what would let anyone lock an account out.
// Memory: at most 100,000 keys of each kind (then the table is cleared).
#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace drover::server {

class LoginLimiter {
 public:
  LoginLimiter(int per_user_and_address = 5, int per_address = 20,
               std::chrono::seconds window = std::chrono::seconds(60));

  // Seconds until a login from this address for this user may be tried;
  // 0 when it may be tried now.
  int retry_after(const std::string& address, const std::string& username);
  void record_failure(const std::string& address, const std::string& username);
  void record_success(const std::string& address, const std::string& username);

 private:
  using Clock = std::chrono::steady_clock;
  static std::string pair_key(const std::string& address, const std::string& username);
  int wait_for(std::deque<Clock::time_point>& failures, int limit, Clock::time_point now);
  int per_pair_, per_address_;
  std::chrono::seconds window_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<Clock::time_point>> by_pair_, by_address_;
};

}  // namespace drover::server
