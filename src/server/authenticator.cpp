#include "server/authenticator.hpp"

#include <cctype>

#include "server/auth_crypto.hpp"
#include "store/users.hpp"

namespace drover::server {
namespace {
constexpr auto kCacheLifetime = std::chrono::seconds(10);
constexpr size_t kCacheMax = 10000;
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
  std::string token = header.substr(at, end - at);
  if (token.empty() || token.size() > 256) return std::nullopt;
  for (char c : token)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) return std::nullopt;
  return token;
}

std::optional<Principal> Authenticator::authenticate(const std::string& header) {
  auto token = bearer_token(header);
  if (!token) return std::nullopt;
  std::string hash = token_hash(*token);
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
