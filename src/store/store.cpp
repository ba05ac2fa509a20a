#include "store/store.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "store/data_lock.hpp"
#include "store/migrations.hpp"

namespace drover::store {
namespace {

bool pending_migrations_or_new(Database& db) {
  try {
    return pending_migrations(db) > 0;
  } catch (const StoreError&) {
    return true;  // no schema_migrations table: a new database
  }
}

}  // namespace

Store::Store(const std::string& data_dir, StoreOptions options) : data_dir_(data_dir) {
  std::error_code ec;
  bool existed = std::filesystem::exists(data_dir, ec);
  std::filesystem::create_directories(data_dir, ec);
  if (ec) throw StoreError("cannot create data directory " + data_dir + ": " + ec.message());
  // Secrets (the credential key, the database with password hashes) live
  // here: keep it private to the user.
  if (!existed) ::chmod(data_dir.c_str(), 0700);
  db_ = std::make_unique<Database>((std::filesystem::path(data_dir) / "drover.db").string(), options.readers);
  if (pending_migrations_or_new(*db_)) {
    if (!options.migrate)
      throw StoreError("the database in " + data_dir + " needs schema migrations: " + options.migrate_refusal);
    // Never change the schema under another process's running server.
    auto owner = data_dir_owner(data_dir);
    if (owner && owner->pid != ::getpid())
      throw StoreError("the database in " + data_dir + " needs schema migrations, and drover server pid " +
                       std::to_string(owner->pid) + " runs on it with the older schema; upgrade and restart the "
                       "server first");
  }
  migrations_applied_ = apply_migrations(*db_);
}

}  // namespace drover::store
