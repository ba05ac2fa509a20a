#include "store/store.hpp"

#include <sys/stat.h>

#include <filesystem>

#include "store/migrations.hpp"

namespace drover::store {

Store::Store(const std::string& data_dir, StoreOptions options) : data_dir_(data_dir) {
  std::error_code ec;
  bool existed = std::filesystem::exists(data_dir, ec);
  std::filesystem::create_directories(data_dir, ec);
  if (ec) throw StoreError("cannot create data directory " + data_dir + ": " + ec.message());
  // Secrets (the credential key, the database with password hashes) live
  // here: keep it private to the user.
  if (!existed) ::chmod(data_dir.c_str(), 0700);
  db_ = std::make_unique<Database>((std::filesystem::path(data_dir) / "drover.db").string(), options.readers);
  migrations_applied_ = apply_migrations(*db_);
}

}  // namespace drover::store
