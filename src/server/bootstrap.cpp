#include "server/bootstrap.hpp"

#include <cstdlib>
#include <cstring>
#include <vector>

#include "server/account_rules.hpp"
#include "server/auth_crypto.hpp"
#include "store/audit.hpp"
#include "store/users.hpp"

extern char** environ;

namespace drover::server {

void wipe_admin_environment() {
  std::vector<std::string> names;
  for (char** e = environ; e && *e; ++e) {
    std::string entry = *e;
    if (entry.rfind("DROVER_ADMIN_", 0) == 0) names.push_back(entry.substr(0, entry.find('=')));
  }
  for (const auto& name : names) {
    // unsetenv only unlinks the entry: the bytes stay in the process's
    // initial environment block, which /proc/<pid>/environ shows.
    if (char* value = std::getenv(name.c_str())) std::memset(value, 'x', std::strlen(value));
    ::unsetenv(name.c_str());
  }
}

namespace {

std::string take_env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

int token_days_from(const std::string& text) {
  if (text.empty()) return kDefaultAdminTokenDays;
  int days = -1;
  if (text.size() <= 5 && text.find_first_not_of("0123456789") == std::string::npos) days = std::stoi(text);
  if (days < 0 || days > 36500)
    throw BootstrapError("DROVER_ADMIN_TOKEN_DAYS (--admin-token-days) must be a number of days, 0 for a token "
                         "that never expires; got '" + text + "'");
  return days;
}

}  // namespace

BootstrapSecrets bootstrap_admin(store::Database& db) {
  BootstrapSecrets out;
  std::string password = take_env("DROVER_ADMIN_PASSWORD");
  std::string token = take_env("DROVER_ADMIN_TOKEN");
  std::string days_text = take_env("DROVER_ADMIN_TOKEN_DAYS");
  wipe_admin_environment();
  int token_days = token_days_from(days_text);
  if (db.read([](store::Connection& c) { return store::count_users(c); }) > 0) return out;
  if (!password.empty()) {
    if (auto why = password_problem(password, "admin"))
      throw BootstrapError("DROVER_ADMIN_PASSWORD is too weak for the first admin: " + *why +
                           " (unset it to have a random password printed once)");
  }
  if (password.empty()) out.password = password = random_password();
  if (token.empty()) out.token = token = new_token();
  std::optional<std::string> expires;
  if (token_days > 0) expires = expiry_in(static_cast<int64_t>(token_days) * 86400);
  // Hash outside the transaction: argon2id takes a tenth of a second.
  std::string password_hash = hash_password(password);
  db.write([&](store::Connection& c) {
    if (store::count_users(c) > 0) return;
    store::User admin = store::insert_user(c, "admin", password_hash, "admin");
    store::insert_token(c, admin.id, token_hash(token), "api", "initial admin token", expires);
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
  out.token_expires = expires.value_or("");
  return out;
}

}  // namespace drover::server
