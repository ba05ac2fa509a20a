// Users and their tokens (session and personal API tokens) in the store.
//
// Password hashes and token hashes are opaque strings here (the server
// makes them); nothing in this file sees a clear password or token. Writers
// take the Connection of a Database::write() so that a change and its audit
// entry commit together.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite.hpp"

namespace drover::store {

struct User {
  int64_t id = 0;
  std::string username;
  std::string role;  // admin | operator | viewer
  bool disabled = false;
  std::string created, updated;
};

struct TokenInfo {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string kind;  // session | api
  std::string name;
  std::string created;
  std::optional<std::string> expires;
  bool revoked = false;
  std::string address;  // where a session logged in from (sessions only)
};

// The live token with this hash and its user: not revoked, not expired at
// `now`, user not disabled.
struct TokenOwner {
  int64_t token_id = 0;
  User user;
};
std::optional<TokenOwner> find_token_owner(Connection& c, const std::string& token_hash, const std::string& now);

int64_t count_users(Connection& c);
// Throws ConstraintError for a duplicate username.
User insert_user(Connection& c, const std::string& username, const std::string& password_hash,
                 const std::string& role);
std::optional<User> find_user(Connection& c, int64_t id);
// The user and its password hash.
std::optional<std::pair<User, std::string>> find_user_for_login(Connection& c, const std::string& username);
std::vector<User> list_users(Connection& c, int64_t limit, int64_t offset);
// Updates the fields that are set; false when there is no such user.
bool update_user(Connection& c, int64_t id, const std::optional<std::string>& password_hash,
                 const std::optional<std::string>& role, const std::optional<bool>& disabled);
// Deletes the user (its tokens go with it) and takes its id out of every
// credential's allowed_users (ids may be reused).
bool delete_user(Connection& c, int64_t id);
// Enabled admins other than `except_id` (0: all of them).
int64_t count_enabled_admins(Connection& c, int64_t except_id = 0);

TokenInfo insert_token(Connection& c, int64_t user_id, const std::string& token_hash, const std::string& kind,
                       const std::string& name, const std::optional<std::string>& expires,
                       const std::string& address = "");
// API tokens of one user (all users when user_id is 0), newest first.
std::vector<TokenInfo> list_tokens(Connection& c, int64_t user_id);
// Live (not revoked, not expired at `now`) sessions of one user (all users
// when user_id is 0), newest first.
std::vector<TokenInfo> list_sessions(Connection& c, int64_t user_id, const std::string& now);
// One page of them (newest first, LIMIT/OFFSET in SQL) and how many there are.
std::pair<std::vector<TokenInfo>, int64_t> list_tokens_page(Connection& c, int64_t user_id, int64_t limit,
                                                            int64_t offset);
std::optional<TokenInfo> find_token(Connection& c, int64_t id);
bool revoke_token(Connection& c, int64_t id);
// Revokes every session and API token of a user; how many were live.
int64_t revoke_user_tokens(Connection& c, int64_t user_id);

}  // namespace drover::store
