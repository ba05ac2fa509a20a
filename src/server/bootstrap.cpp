#include "server/bootstrap.hpp"

#include <cstdlib>

#include "server/auth_crypto.hpp"
#include "store/audit.hpp"
#include "store/users.hpp"

namespace drover::server {

BootstrapSecrets bootstrap_admin(store::Database& db) {
  BootstrapSecrets out;
  const char* env_password = std::getenv("DROVER_ADMIN_PASSWORD");
  const char* env_token = std::getenv("DROVER_ADMIN_TOKEN");
  std::string password = env_password && *env_password ? env_password : "";
  std::string token = env_token && *env_token ? env_token : "";
  if (password.empty()) out.password = password = random_password();
  if (token.empty()) out.token = token = new_token();
  // Hash outside the transaction: argon2id takes a tenth of a second.
  std::string password_hash = hash_password(password);
  db.write([&](store::Connection& c) {
    if (store::count_users(c) > 0) return;
    store::User admin = store::insert_user(c, "admin", password_hash, "admin");
    store::insert_token(c, admin.id, token_hash(token), "api", "initial admin token", std::nullopt);
    store::AuditEntry e;
    e.username = "system";
    e.action = "create";
    e.resource = "users";
    e.resource_id = std::to_string(admin.id);
    e.details = {{"username", "admin"}, {"role", "admin"}, {"first_start", true}};
    store::append_audit(c, std::move(e));
    out.created_admin = true;
  });
  if (!out.created_admin) return BootstrapSecrets{};
  return out;
}

}  // namespace drover::server
