// The first start of a data directory: the `admin` user and its API token.
//
// When the store has no user, bootstrap_admin creates `admin` (role admin)
// with the password from DROVER_ADMIN_PASSWORD and an API token from
// DROVER_ADMIN_TOKEN when they are set (provisioning), random ones
// otherwise. Generated secrets are returned so that the caller prints them
// once; they are stored only as hashes. Later starts change nothing.
#pragma once

#include <string>

#include "store/sqlite.hpp"

namespace drover::server {

struct BootstrapSecrets {
  bool created_admin = false;
  std::string password;  // set only when generated
  std::string token;     // set only when generated
};

BootstrapSecrets bootstrap_admin(store::Database& db);

}  // namespace drover::server
