#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>

namespace drover::store {
namespace {

[[noreturn]] void fail(sqlite3* db, int rc, const std::string& what) {
  std::string msg = what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  int primary = rc & 0xff;
  if (primary == SQLITE_CONSTRAINT) throw ConstraintError(msg);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) throw BusyError(msg);
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
  // instead of failing at once; Database::begin_write bounds the total.
  sqlite3_busy_timeout(db_, 1000);
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

StatementLease Connection::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    if (!it->second->lent_) {
      it->second->reset();
      return StatementLease(it->second.get(), nullptr);
    }
    auto fresh = std::make_unique<Statement>(db_, sql);
    Statement* raw = fresh.get();
    return StatementLease(raw, std::move(fresh));
  }
  auto stmt = std::make_unique<Statement>(db_, sql);
  Statement* raw = stmt.get();
  cache_.emplace(sql, std::move(stmt));
  return StatementLease(raw, nullptr);
}

void Connection::set_busy_timeout(int milliseconds) { sqlite3_busy_timeout(db_, milliseconds); }

int64_t Connection::memo_number(const std::string& key, const std::function<int64_t()>& compute) {
  int64_t version = 0;
  {
    auto v = prepare("PRAGMA data_version");
    v.step();
    version = v.integer(0);
  }
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
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) throw BusyError(what);
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

void Database::begin_write(Connection*& out, std::chrono::milliseconds budget) {
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + budget;
  if (!write_mutex_.try_lock_until(deadline)) {
    ++busy_failures_;
    throw BusyError("the database " + path_ + " is busy: no write slot within " + std::to_string(budget.count()) +
                    " ms");
  }
  // IMMEDIATE takes the write lock now, so that a transaction never fails
  // halfway for want of it (other processes may hold it briefly). SQLite's
  // busy handler waits inside each attempt; a BUSY that it does not wait
  // for (a stale snapshot: SQLITE_BUSY_SNAPSHOT) is retried here after the
  // statements are reset, with a growing pause, until the budget is spent.
  auto pause = std::chrono::milliseconds(5);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    writer_->set_busy_timeout(static_cast<int>(std::clamp<int64_t>(left.count(), 0, 1000)));
    try {
      writer_->reset_statements();
      writer_->exec("BEGIN IMMEDIATE");
      break;
    } catch (const BusyError& e) {
      if (Clock::now() + pause >= deadline) {
        ++busy_failures_;
        write_mutex_.unlock();
        throw BusyError("the database " + path_ + " stayed locked by another process for " +
                        std::to_string(budget.count()) + " ms: " + e.message());
      }
      ++busy_retries_;
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(200));
    } catch (...) {
      write_mutex_.unlock();
      throw;
    }
  }
  out = writer_.get();
}

void Database::end_write(bool commit) {
  // A statement still stepping would keep the snapshot (and, on ROLLBACK,
  // make it fail): none survives its transaction.
  writer_->reset_statements();
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

std::string now_timestamp() { return timestamp_at(std::chrono::system_clock::now()); }

std::string timestamp_at(std::chrono::system_clock::time_point now) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::optional<std::string> normalize_timestamp(const std::string& text) {
  // YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|(+|-)HH[:]MM]
  size_t i = 0;
  auto digits = [&](int n, int& out) {
    if (i + static_cast<size_t>(n) > text.size()) return false;
    out = 0;
    for (int k = 0; k < n; ++k) {
      char ch = text[i + static_cast<size_t>(k)];
      if (ch < '0' || ch > '9') return false;
      out = out * 10 + (ch - '0');
    }
    i += static_cast<size_t>(n);
    return true;
  };
  auto expect = [&](char ch) {
    if (i < text.size() && text[i] == ch) {
      ++i;
      return true;
    }
    return false;
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0, offset_min = 0;
  if (!digits(4, year) || !expect('-') || !digits(2, month) || !expect('-') || !digits(2, day)) return std::nullopt;
  if (i < text.size() && (text[i] == 'T' || text[i] == 't' || text[i] == ' ')) {
    ++i;
    if (!digits(2, hour) || !expect(':') || !digits(2, minute)) return std::nullopt;
    if (expect(':')) {
      if (!digits(2, second)) return std::nullopt;
      if (expect('.') || expect(',')) {
        int scale = 100, n = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
          millis += (text[i] - '0') * scale;
          scale /= 10;
          ++i;
          ++n;
        }
        if (n == 0) return std::nullopt;
      }
    }
    if (expect('Z') || expect('z')) {
    } else if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      int sign = text[i] == '-' ? -1 : 1;
      ++i;
      int oh = 0, om = 0;
      if (!digits(2, oh)) return std::nullopt;
      expect(':');
      if (!digits(2, om) || oh > 23 || om > 59) return std::nullopt;
      offset_min = sign * (oh * 60 + om);
    }
  }
  if (i != text.size()) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  time_t secs = timegm(&tm);
  std::tm check{};
  gmtime_r(&secs, &check);
  if (second < 60 && (check.tm_mday != day || check.tm_mon != month - 1)) return std::nullopt;  // 2026-02-31
  secs -= static_cast<time_t>(offset_min) * 60;
  auto t = std::chrono::system_clock::from_time_t(secs) + std::chrono::milliseconds(millis);
  return timestamp_at(t);
}

}  // namespace drover::store
