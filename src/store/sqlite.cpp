#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace drover::store {
namespace {

[[noreturn]] void fail(sqlite3* db, int rc, const std::string& what) {
  std::string msg = what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  int primary = rc & 0xff;
  if (primary == SQLITE_CONSTRAINT) throw ConstraintError(msg);
  throw StoreError(msg);
}

}  // namespace

Statement::Statement(sqlite3* db, const std::string& sql) : db_(db), sql_(sql) {
  int rc = sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                              nullptr);
  if (rc != SQLITE_OK) fail(db, rc, "cannot prepare SQL `" + sql + "`");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
Statement& Statement::bind(int index, const std::string& value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}
Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, *value) : bind_null(index);
}
Statement& Statement::bind(int index, const std::optional<int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // The statement must be reset before its error code is final.
  sqlite3_reset(stmt_);
  fail(db_, rc, "SQL `" + sql_ + "` failed");
}

void Statement::run() {
  while (step()) {
  }
}

bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
int64_t Statement::integer(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::real(int col) const { return sqlite3_column_double(stmt_, col); }
std::string Statement::text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}
std::string_view Statement::text_view(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (!p) return {};
  return {reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
}
std::optional<std::string> Statement::optional_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}
std::optional<int64_t> Statement::optional_integer(int col) const {
  if (is_null(col)) return std::nullopt;
  return integer(col);
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Connection::Connection(const std::string& path, bool read_only) : path_(path) {
  int flags = (read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) |
              SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = "cannot open database " + path + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(msg);
  }
  // Writers wait for each other (other processes such as `drover hosts`)
  // instead of failing at once.
  sqlite3_busy_timeout(db_, 10000);
  exec("PRAGMA foreign_keys = ON");
  if (!read_only) {
    exec("PRAGMA journal_mode = WAL");
    // NORMAL is durable across application crashes in WAL mode (only a power
    // loss can lose the last transactions) and saves an fsync per commit.
    exec("PRAGMA synchronous = NORMAL");
  }
}

Connection::~Connection() {
  cache_.clear();
  sqlite3_close(db_);
}

Statement& Connection::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second->reset();
    return *it->second;
  }
  auto stmt = std::make_unique<Statement>(db_, sql);
  Statement& ref = *stmt;
  cache_.emplace(sql, std::move(stmt));
  return ref;
}

int64_t Connection::memo_number(const std::string& key, const std::function<int64_t()>& compute) {
  Statement& v = prepare("PRAGMA data_version");
  v.step();
  int64_t version = v.integer(0);
  v.reset();
  if (version != memo_version_) {
    memo_.clear();
    memo_version_ = version;
  }
  if (auto it = memo_.find(key); it != memo_.end()) return it->second;
  if (memo_.size() > 1000) memo_.clear();
  int64_t n = compute();
  memo_.emplace(key, n);
  return n;
}

void Connection::exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    std::string what = "SQL `" + sql.substr(0, 200) + "` failed on " + path_ + ": " + msg;
    if ((rc & 0xff) == SQLITE_CONSTRAINT) throw ConstraintError(what);
    throw StoreError(what);
  }
}

void Connection::reset_statements() {
  for (auto& entry : cache_) entry.second->reset();
}

int64_t Connection::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
int Connection::changes() const { return sqlite3_changes(db_); }

Database::Database(const std::string& path, int readers) : path_(path) {
  if (path.empty() || path == ":memory:") throw StoreError("the store needs a database file, not " + path);
  writer_ = std::make_unique<Connection>(path, false);
  for (int i = 0; i < readers; ++i) {
    readers_.push_back(std::make_unique<Connection>(path, true));
    free_readers_.push_back(readers_.back().get());
  }
}

Database::~Database() = default;

void Database::begin_write(Connection*& out) {
  write_mutex_.lock();
  try {
    // IMMEDIATE takes the write lock now, so that a transaction never fails
    // halfway for want of it (other processes may hold it briefly).
    writer_->exec("BEGIN IMMEDIATE");
  } catch (...) {
    write_mutex_.unlock();
    throw;
  }
  out = writer_.get();
}

void Database::end_write(bool commit) {
  try {
    writer_->exec(commit ? "COMMIT" : "ROLLBACK");
  } catch (...) {
    if (commit) {
      try {
        writer_->exec("ROLLBACK");
      } catch (...) {
      }
    }
    write_mutex_.unlock();
    if (commit) throw;
    return;
  }
  write_mutex_.unlock();
}

Connection* Database::acquire_reader() {
  std::unique_lock lock(readers_mutex_);
  readers_cv_.wait(lock, [&] { return !free_readers_.empty(); });
  Connection* c = free_readers_.back();
  free_readers_.pop_back();
  return c;
}

void Database::release_reader(Connection* c) {
  {
    std::lock_guard lock(readers_mutex_);
    free_readers_.push_back(c);
  }
  readers_cv_.notify_one();
}

std::string now_timestamp() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace drover::store
