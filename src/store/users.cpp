#include "store/users.hpp"

namespace drover::store {
namespace {

constexpr const char* kUserColumns = "id, username, role, disabled, created, updated";

User read_user(Statement& s, int first = 0) {
  User u;
  u.id = s.integer(first);
  u.username = s.text(first + 1);
  u.role = s.text(first + 2);
  u.disabled = s.integer(first + 3) != 0;
  u.created = s.text(first + 4);
  u.updated = s.text(first + 5);
  return u;
}

constexpr const char* kTokenColumns = "id, user_id, kind, name, created, expires, revoked, address";

TokenInfo read_token(Statement& s) {
  TokenInfo t;
  t.id = s.integer(0);
  t.user_id = s.integer(1);
  t.kind = s.text(2);
  t.name = s.text(3);
  t.created = s.text(4);
  t.expires = s.optional_text(5);
  t.revoked = s.integer(6) != 0;
  t.address = s.text(7);
  return t;
}

}  // namespace

std::optional<TokenOwner> find_token_owner(Connection& c, const std::string& token_hash, const std::string& now) {
  auto s = c.prepare(
      "SELECT t.id, u.id, u.username, u.role, u.disabled, u.created, u.updated FROM tokens t "
      "JOIN users u ON u.id = t.user_id "
      "WHERE t.token_hash = ? AND t.revoked = 0 AND (t.expires IS NULL OR t.expires > ?) AND u.disabled = 0");
  s.bind(1, token_hash).bind(2, now);
  if (!s.step()) return std::nullopt;
  TokenOwner owner;
  owner.token_id = s.integer(0);
  owner.user = read_user(s, 1);
  return owner;
}

int64_t count_users(Connection& c) {
  auto s = c.prepare("SELECT COUNT(*) FROM users");
  s.step();
  return s.integer(0);
}

User insert_user(Connection& c, const std::string& username, const std::string& password_hash,
                 const std::string& role) {
  std::string now = now_timestamp();
  c.prepare("INSERT INTO users (username, password_hash, role, created, updated) VALUES (?, ?, ?, ?, ?)")
      .bind(1, username)
      .bind(2, password_hash)
      .bind(3, role)
      .bind(4, now)
      .bind(5, now)
      .run();
  return *find_user(c, c.last_insert_id());
}

std::optional<User> find_user(Connection& c, int64_t id) {
  auto s = c.prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_user(s);
}

std::optional<std::pair<User, std::string>> find_user_for_login(Connection& c, const std::string& username) {
  auto s = c.prepare(std::string("SELECT ") + kUserColumns + ", password_hash FROM users WHERE username = ?");
  s.bind(1, username);
  if (!s.step()) return std::nullopt;
  return std::make_pair(read_user(s), s.text(6));
}

std::vector<User> list_users(Connection& c, int64_t limit, int64_t offset) {
  auto s = c.prepare(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY id LIMIT ? OFFSET ?");
  s.bind(1, limit).bind(2, offset);
  std::vector<User> out;
  while (s.step()) out.push_back(read_user(s));
  return out;
}

bool update_user(Connection& c, int64_t id, const std::optional<std::string>& password_hash,
                 const std::optional<std::string>& role, const std::optional<bool>& disabled) {
  c.prepare(
       "UPDATE users SET password_hash = COALESCE(?, password_hash), role = COALESCE(?, role), "
       "disabled = COALESCE(?, disabled), updated = ? WHERE id = ?")
      .bind(1, password_hash)
      .bind(2, role)
      .bind(3, disabled ? std::optional<int64_t>(*disabled ? 1 : 0) : std::nullopt)
      .bind(4, now_timestamp())
      .bind(5, id)
      .run();
  return c.changes() > 0;
}

bool delete_user(Connection& c, int64_t id) {
  c.prepare("DELETE FROM users WHERE id = ?").bind(1, id).run();
  bool deleted = c.changes() > 0;
  // users.id is a rowid without AUTOINCREMENT: the next user may get this
  // id again, and must not inherit the deleted user's credentials.
  c.prepare(
       "UPDATE credentials SET allowed_users = (SELECT json_group_array(value) FROM "
       "json_each(credentials.allowed_users) WHERE value != ?) "
       "WHERE EXISTS (SELECT 1 FROM json_each(credentials.allowed_users) WHERE value = ?)")
      .bind(1, id)
      .bind(2, id)
      .run();
  return deleted;
}

int64_t count_enabled_admins(Connection& c, int64_t except_id) {
  auto s = c.prepare("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id != ?");
  s.bind(1, except_id);
  s.step();
  return s.integer(0);
}

TokenInfo insert_token(Connection& c, int64_t user_id, const std::string& token_hash, const std::string& kind,
                       const std::string& name, const std::optional<std::string>& expires,
                       const std::string& address) {
  c.prepare(
       "INSERT INTO tokens (user_id, token_hash, kind, name, created, expires, address) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, user_id)
      .bind(2, token_hash)
      .bind(3, kind)
      .bind(4, name)
      .bind(5, now_timestamp())
      .bind(6, expires)
      .bind(7, address)
      .run();
  return *find_token(c, c.last_insert_id());
}

std::vector<TokenInfo> list_tokens(Connection& c, int64_t user_id) {
  auto s = c.prepare(std::string("SELECT ") + kTokenColumns +
                           " FROM tokens WHERE (? = 0 OR user_id = ?) AND kind = 'api' ORDER BY id DESC");
  s.bind(1, user_id).bind(2, user_id);
  std::vector<TokenInfo> out;
  while (s.step()) out.push_back(read_token(s));
  return out;
}

std::vector<TokenInfo> list_sessions(Connection& c, int64_t user_id, const std::string& now) {
  auto s = c.prepare(std::string("SELECT ") + kTokenColumns +
                           " FROM tokens WHERE (? = 0 OR user_id = ?) AND kind = 'session' AND revoked = 0 "
                           "AND (expires IS NULL OR expires > ?) ORDER BY id DESC");
  s.bind(1, user_id).bind(2, user_id).bind(3, now);
  std::vector<TokenInfo> out;
  while (s.step()) out.push_back(read_token(s));
  return out;
}

std::pair<std::vector<TokenInfo>, int64_t> list_tokens_page(Connection& c, int64_t user_id, int64_t limit,
                                                            int64_t offset) {
  int64_t total = 0;
  {
    auto n = c.prepare("SELECT COUNT(*) FROM tokens WHERE (? = 0 OR user_id = ?) AND kind = 'api'");
    n.bind(1, user_id).bind(2, user_id);
    n.step();
    total = n.integer(0);
  }
  auto s = c.prepare(std::string("SELECT ") + kTokenColumns +
                     " FROM tokens WHERE (? = 0 OR user_id = ?) AND kind = 'api' ORDER BY id DESC LIMIT ? OFFSET ?");
  s.bind(1, user_id).bind(2, user_id).bind(3, limit).bind(4, offset);
  std::vector<TokenInfo> out;
  while (s.step()) out.push_back(read_token(s));
  return {std::move(out), total};
}

std::optional<TokenInfo> find_token(Connection& c, int64_t id) {
  auto s = c.prepare(std::string("SELECT ") + kTokenColumns + " FROM tokens WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_token(s);
}

bool revoke_token(Connection& c, int64_t id) {
  c.prepare("UPDATE tokens SET revoked = 1 WHERE id = ?").bind(1, id).run();
  return c.changes() > 0;
}

int64_t revoke_user_tokens(Connection& c, int64_t user_id) {
  c.prepare("UPDATE tokens SET revoked = 1 WHERE user_id = ? AND revoked = 0").bind(1, user_id).run();
  return c.changes();
}

}  // namespace drover::store
