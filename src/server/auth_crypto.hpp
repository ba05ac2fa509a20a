// Password and token primitives (libsodium).
//
// Passwords are stored as argon2id hashes in libsodium's self-describing
// string form ($argon2id$v=19$m=...,t=...,p=1$salt$hash), so that the cost
// can be raised later without breaking old hashes. Tokens are 32 random
// bytes shown once as "drv_" + 64 hex digits; only their SHA-256 (hex) is
// stored and looked up. Nothing here logs its input.
#pragma once

#include <cstdint>
#include <string>

namespace drover::server {

// Throws std::runtime_error when libsodium cannot start or allocate.
std::string hash_password(const std::string& password);
bool verify_password(const std::string& stored_hash, const std::string& password);

// A fresh API/session token.
std::string new_token();
// The hex SHA-256 of a presented token: the key it is stored under.
std::string token_hash(const std::string& token);
// A random password for the first admin (24 url-safe characters).
std::string random_password();
// A token's expiry `seconds` from now: an ISO 8601 UTC timestamp in
// store::now_timestamp()'s form, so that the store compares them as text.
std::string expiry_in(int64_t seconds);

}  // namespace drover::server
