// Bearer token -> Principal, with a short-lived cache.
//
// The hot read path must not pay a database query per request for its
// token, so a token's owner is cached (keyed by the token's SHA-256, never
// the token) for up to 10 seconds. Anything that revokes a token, changes a
// user's role or disables a user calls forget_all() after its transaction
// commits, so a change takes effect at once in this process (other processes
// sharing the data directory see it within the cache lifetime). A lookup
// that raced with forget_all() is not cached (a generation counter), so a
// token revoked while it was being looked up is not kept alive either.
//
// The header is `Bearer <token>` with the scheme in any case (RFC 7235:
// auth schemes are case-insensitive) and any blanks around the token;
// anything else is no token.
//
// Browsers log in with a cookie instead (POST /api/v1/login with
// "cookie": true): the same session token in `drover_session`, HttpOnly so
// that no script reads it. The router accepts it when a request has no
// Authorization header, and then demands the X-Drover-CSRF header on every
// write (see router.cpp).
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "server/roles.hpp"
#include "store/sqlite.hpp"

namespace drover::server {

class Authenticator {
 public:
  explicit Authenticator(store::Database& db);

  // The owner of the token in an "Authorization: Bearer <token>" header
  // value; nullopt when missing, malformed, unknown, revoked or expired.
  std::optional<Principal> authenticate(const std::string& authorization_header);

  // The owner of a bare token (a Bearer token or the session cookie's).
  std::optional<Principal> authenticate_token(const std::string& token);

  void forget_all();

  // The session cookie's name, and its value in a Cookie header (nullopt
  // when absent or not token-shaped).
  static constexpr const char* kSessionCookie = "drover_session";
  static std::optional<std::string> session_cookie(const std::string& cookie_header);

  // The token of an Authorization header value; nullopt unless it is a
  // Bearer credential.
  static std::optional<std::string> bearer_token(const std::string& authorization_header);

 private:
  struct Cached {
    Principal who;
    std::chrono::steady_clock::time_point until;
    std::optional<std::string> expires;  // the token's own expiry
  };
  store::Database& db_;
  std::shared_mutex mutex_;
  std::unordered_map<std::string, Cached> cache_;
  uint64_t generation_ = 0;  // bumped by forget_all(); guarded by mutex_
};

}  // namespace drover::server
