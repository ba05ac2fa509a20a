#include "server/authenticator.hpp"

#include "server/auth_crypto.hpp"
#include "store/users.hpp"

namespace drover::server {
namespace {
constexpr auto kCacheLifetime = std::chrono::seconds(10);
constexpr size_t kCacheMax = 10000;
}  // namespace

Authenticator::Authenticator(store::Database& db) : db_(db) {}

std::optional<Principal> Authenticator::authenticate(const std::string& header) {
  static const std::string kPrefix = "Bearer ";
  if (header.size() <= kPrefix.size() || header.compare(0, kPrefix.size(), kPrefix) != 0) return std::nullopt;
  std::string token = header.substr(kPrefix.size());
  if (token.size() > 256) return std::nullopt;
  std::string hash = token_hash(token);
  auto now = std::chrono::steady_clock::now();
  {
    std::shared_lock lock(mutex_);
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
  if (cache_.size() >= kCacheMax) cache_.clear();
  cache_[hash] = Cached{who, now + kCacheLifetime, expires};
  return who;
}

void Authenticator::forget_all() {
  std::unique_lock lock(mutex_);
  cache_.clear();
}

}  // namespace drover::server
