// The store: drover's durable state (users, tokens, audit log, CMDB,
// credentials, projects, templates, jobs and their events) in one database
// under a data directory.
//
// Opening a Store creates the directory and the SQLite database
// (<data>/drover.db, WAL) when missing and applies the pending migrations, so
// that every caller (`drover server`, `drover hosts`, `-i drover:DIR`) sees
// the current schema. Queries live beside the data they serve (hosts.hpp,
// users.hpp, ...; the job queue's in the job files) and take the Database
// from db(). Several processes may open the same data directory: SQLite
// serialises their writers (see sqlite.hpp for how a writer waits), and a
// running server holds <data>/drover.lock (data_lock.hpp).
#pragma once

#include <memory>
#include <string>

#include "store/sqlite.hpp"

namespace drover::store {

struct StoreOptions {
  int readers = 4;  // reader connections in the pool
  // false: a database that lacks migrations is refused (StoreError naming
  // `migrate_refusal`) instead of migrated. Whatever this says, a database
  // whose directory another process's server holds (data_lock.hpp) is never
  // migrated: `drover hosts` or `-i drover:DIR` must not change the schema
  // under a running server.
  bool migrate = true;
  std::string migrate_refusal;
};

class Store {
 public:
  // Opens <data_dir>/drover.db, creating the directory (mode 0700) and the
  // database when missing. Throws StoreError with the path on failure.
  explicit Store(const std::string& data_dir, StoreOptions options = {});

  Database& db() { return *db_; }
  const std::string& data_dir() const { return data_dir_; }
  // How many migrations this open applied (0 when the schema was current).
  int migrations_applied() const { return migrations_applied_; }

 private:
  std::string data_dir_;
  std::unique_ptr<Database> db_;
  int migrations_applied_ = 0;
};

}  // namespace drover::store
