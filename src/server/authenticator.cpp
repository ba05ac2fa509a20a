#include "server/authenticator.hpp"

#include <cctype>

#include "server/auth_crypto.hpp"
#include "store/users.hpp"

namespace drover::server {
namespace {
constexpr auto kCacheLifetime = std::chrono::seconds(10);
constexpr size_t kCacheMax = 10000;
// A token is 1..256 printable ASCII characters without blanks.
std::optional<std::string> token_shaped(std::string token) {
  if (token.empty() || token.size() > 256) return std::nullopt;
  for (char c : token)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) return std::nullopt;
  return token;
}

}  // namespace

Authenticator::Authenticator(store::Database& db) : db_(db) {}

std::optional<std::string> Authenticator::bearer_token(const std::string& header) {
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  size_t at = 0;
  while (at < header.size() && blank(header[at])) ++at;
  static const std::string kScheme = "bearer";
  if (header.size() < at + kScheme.size()) return std::nullopt;
  for (size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[at + i])) != kScheme[i]) return std::nullopt;
  at += kScheme.size();
  if (at >= header.size() || !blank(header[at])) return std::nullopt;
  while (at < header.size() && blank(header[at])) ++at;
  size_t end = header.size();
  while (end > at && blank(header[end - 1])) --end;
  return token_shaped(header.substr(at, end - at));
}

std::optional<std::string> Authenticator::session_cookie(const std::string& header) {
  // "a=1; drover_session=drv_...; b=2" (RFC 6265 section 4.2.1)
  const std::string name = std::string(kSessionCookie) + "=";
  size_t at = 0;
  while (at < header.size()) {
    while (at < header.size() && (header[at] == ' ' || header[at] == ';')) ++at;
    size_t end = header.find(';', at);
    if (end == std::string::npos) end = header.size();
    if (header.compare(at, name.size(), name) == 0) return token_shaped(header.substr(at + name.size(), end - at - name.size()));
    at = end;
  }
  return std::nullopt;
}

std::optional<Principal> Authenticator::authenticate(const std::string& header) {
  auto token = bearer_token(header);
  if (!token) return std::nullopt;
  return authenticate_token(*token);
}

std::optional<Principal> Authenticator::authenticate_token(const std::string& token) {
  std::string hash = token_hash(token);
  auto now = std::chrono::steady_clock::now();
  uint64_t generation = 0;
  {
    std::shared_lock lock(mutex_);
    generation = generation_;
    auto it = cache_.find(hash);
    if (it != cache_.end() && it->second.until > now &&
        (!it->second.expires || *it->second.expires > store::now_timestamp()))
      return it->second.who;
  }
  auto owner = db_.read([&](store::Connection& c) {
    return store::find_token_owner(c, hash, store::now_timestamp());
  });
  if (!owner) return std::nullopt;
  Principal who;
  who.user_id = owner->user.id;
  who.username = owner->user.username;
  who.role = parse_user_role(owner->user.role).value_or(Role::Viewer);
  who.token_id = owner->token_id;
  std::optional<std::string> expires = db_.read([&](store::Connection& c) -> std::optional<std::string> {
    auto t = store::find_token(c, owner->token_id);
    return t ? t->expires : std::nullopt;
  });
  std::unique_lock lock(mutex_);
  if (generation != generation_) return who;  // forget_all() ran meanwhile: do not cache what it dropped
  if (cache_.size() >= kCacheMax) cache_.clear();
  cache_[hash] = Cached{who, now + kCacheLifetime, expires};
  return who;
}

void Authenticator::forget_all() {
  std::unique_lock lock(mutex_);
  cache_.clear();
  ++generation_;
}

}  // namespace drover::server
