// Versioned schema migrations, applied in order when a Store opens.
//
// The schema version lives in the table schema_migrations (one row per
// applied migration: version, name, applied time). A migration runs inside
// one write transaction with its row, so a crash leaves it either applied or
// not. Migrations are append-only: never edit one that has shipped; add the
// next version at the end of the list in migrations.cpp.
//
// SQL stays portable to PostgreSQL where it can: TEXT, INTEGER, ISO 8601
// timestamps as TEXT, JSON as TEXT. `INTEGER PRIMARY KEY` (SQLite's rowid)
// is the one dialect difference; a PostgreSQL backend spells it BIGSERIAL.
#pragma once

#include <string>
#include <vector>

#include "store/sqlite.hpp"

namespace drover::store {

struct Migration {
  int version;
  std::string name;
  std::string sql;  // one or more statements
};

// The built-in migrations, in version order.
const std::vector<Migration>& builtin_migrations();

// Applies every migration newer than the database's version. Throws
// StoreError when the database is newer than this binary knows.
// Returns the number of migrations applied.
int apply_migrations(Database& db);

// The database's schema version (its highest applied migration; 0 for a
// new database).
int schema_version(Database& db);

// How many built-in migrations this database lacks (0 once migrated). A
// migration is applied by version, not by "above the highest": parallel
// branches number theirs in separate ranges.
int pending_migrations(Database& db);

}  // namespace drover::store
