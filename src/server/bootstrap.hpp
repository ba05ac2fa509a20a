// The first start of a data directory: the `admin` user and its API token.
//
// When the store has no user, bootstrap_admin creates `admin` (role admin)
// with the password from DROVER_ADMIN_PASSWORD and an API token from
// DROVER_ADMIN_TOKEN when they are set (provisioning), random ones
// otherwise. Generated secrets are returned so that the caller prints them
// once; they are stored only as hashes. Later starts change nothing.
//
// Promises:
// * A DROVER_ADMIN_PASSWORD that account_rules.hpp calls weak is refused
//   (BootstrapError) before anything is written: the first admin is not
//   weaker than any user the API would accept.
// * The first token expires after DROVER_ADMIN_TOKEN_DAYS days (30 when
//   unset; `drover server --admin-token-days N` sets it); only an explicit
//   0 makes a token that never expires. Anything else is a BootstrapError.
// * Every DROVER_ADMIN_* variable is wiped from the process (its value
//   overwritten in place, then unsetenv) whether or not it was used, so
//   that nothing the server starts later (git, jobs) and nothing reading
//   /proc/<pid>/environ finds it.
#pragma once

#include <string>

#include "core/error.hpp"
#include "store/sqlite.hpp"

namespace drover::server {

class BootstrapError : public Error {
 public:
  using Error::Error;
};

struct BootstrapSecrets {
  bool created_admin = false;
  std::string password;  // set only when generated
  std::string token;     // set only when generated
  std::string token_expires;  // empty: never
};

inline constexpr int kDefaultAdminTokenDays = 30;

BootstrapSecrets bootstrap_admin(store::Database& db);

// Overwrites and unsets DROVER_ADMIN_PASSWORD, DROVER_ADMIN_TOKEN and any
// other DROVER_ADMIN_* variable.
void wipe_admin_environment();

}  // namespace drover::server
