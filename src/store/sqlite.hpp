// SQLite access for the store: a Database is one writer connection plus a
// small pool of reader connections on the same file, all in WAL mode, so
// readers never wait for the writer and the writer never waits for readers.
//
// Contract for code that adds queries (hosts.cpp, users.cpp, the job files):
//
//   db.write([&](Connection& c) { ... });   // BEGIN IMMEDIATE .. COMMIT, on
//                                            // the one writer; any exception
//                                            // rolls back and is rethrown.
//   auto n = db.read([&](Connection& c) { return ...; });  // a reader from
//                                            // the pool, one consistent
//                                            // snapshot (a read transaction)
//
//   auto s = c.prepare("SELECT ... WHERE id = ?");  // cached per connection,
//   s.bind(1, id);                                   // lent to this scope:
//   while (s.step()) s.text(0) ...;                  // reset when `s` ends
//
// A statement that is not reset keeps its connection's read snapshot open
// after COMMIT; the writer then cannot start its next transaction once any
// other connection (another process) has written: SQLITE_BUSY for ever.
// So a statement is only ever lent (StatementLease, reset when the lease
// ends), write() and read() reset every statement before they commit, and
// write() waits for the write lock a bounded time (busy timeout plus retry
// with backoff of BEGIN IMMEDIATE), then throws BusyError.
//
// Every write goes through write(), so every write is in a transaction. The
// writer is serialised by a mutex (SQLite allows one writer anyway); call
// write() from any thread but never from inside another write() or read()
// callback on the same thread (it would deadlock). SQL is kept portable to
// PostgreSQL: `?` placeholders (a PostgreSQL backend rewrites them to $n),
// no SQLite-only functions in queries, TEXT timestamps in ISO 8601 UTC.
//
// Errors: StoreError (a drover::Error) with the SQL and SQLite's message;
// a UNIQUE violation is ConstraintError so that callers can answer 409.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace drover::store {

class StoreError : public Error {
 public:
  using Error::Error;
};

// A UNIQUE / FOREIGN KEY / CHECK constraint failed.
class ConstraintError : public StoreError {
 public:
  using StoreError::StoreError;
};

// The database stayed locked by another connection (another process) for
// longer than the write budget: SQLITE_BUSY / SQLITE_LOCKED.
class BusyError : public StoreError {
 public:
  using StoreError::StoreError;
};

// One prepared statement. Columns are 0-based, parameters 1-based (SQLite's
// convention). Cached by its Connection and lent out as a StatementLease.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, const std::string& value);
  Statement& bind(int index, const char* value) { return bind(index, std::string(value)); }
  Statement& bind_null(int index);
  Statement& bind(int index, const std::optional<std::string>& value);
  Statement& bind(int index, const std::optional<int64_t>& value);

  // Advances to the next row; false when done. Throws StoreError.
  bool step();
  // Runs a statement that returns no rows.
  void run();

  bool is_null(int col) const;
  int64_t integer(int col) const;
  double real(int col) const;
  std::string text(int col) const;  // "" for NULL
  // The column's text without a copy, valid until the next step/reset.
  std::string_view text_view(int col) const;
  std::optional<std::string> optional_text(int col) const;
  std::optional<int64_t> optional_integer(int col) const;

  void reset();
  const std::string& sql() const { return sql_; }

 private:
  friend class Connection;
  friend class StatementLease;
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
  bool lent_ = false;
};

// A Statement lent to one scope by Connection::prepare: when the lease ends
// the statement is reset (it holds no snapshot and no lock any more), its
// bindings cleared, and it goes back to the connection's cache. Use it as
// the Statement itself (`s.bind(..)`, `s.step()`, pass it as Statement&).
class StatementLease {
 public:
  StatementLease(Statement* s, std::unique_ptr<Statement> own) : s_(s), own_(std::move(own)) { s_->lent_ = true; }
  ~StatementLease() { release(); }
  StatementLease(StatementLease&& o) noexcept : s_(o.s_), own_(std::move(o.own_)) { o.s_ = nullptr; }
  StatementLease& operator=(StatementLease&&) = delete;
  StatementLease(const StatementLease&) = delete;

  operator Statement&() { return *s_; }
  Statement& get() { return *s_; }

  template <class T>
  Statement& bind(int index, const T& value) { return s_->bind(index, value); }
  Statement& bind_null(int index) { return s_->bind_null(index); }
  bool step() { return s_->step(); }
  void run() { s_->run(); }
  bool is_null(int col) const { return s_->is_null(col); }
  int64_t integer(int col) const { return s_->integer(col); }
  double real(int col) const { return s_->real(col); }
  std::string text(int col) const { return s_->text(col); }
  std::string_view text_view(int col) const { return s_->text_view(col); }
  std::optional<std::string> optional_text(int col) const { return s_->optional_text(col); }
  std::optional<int64_t> optional_integer(int col) const { return s_->optional_integer(col); }
  void reset() { s_->reset(); }

 private:
  void release() {
    if (!s_) return;
    s_->reset();
    s_->lent_ = false;
    s_ = nullptr;
  }
  Statement* s_;
  std::unique_ptr<Statement> own_;  // set when the cached one was already lent
};

// One SQLite connection with its statement cache. Not thread-safe: a
// Connection is used by one thread at a time (Database guarantees that).
class Connection {
 public:
  Connection(const std::string& path, bool read_only);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A cached prepared statement, lent until the lease ends. When the same
  // SQL is already lent (a nested use), a fresh statement is lent instead.
  StatementLease prepare(const std::string& sql);
  // Runs one or more statements without results (DDL, BEGIN/COMMIT).
  void exec(const std::string& sql);
  int64_t last_insert_id() const;
  int changes() const;
  // Resets every cached statement, so that none keeps a transaction open.
  void reset_statements();
  // How long SQLite itself retries on a locked database before BUSY.
  void set_busy_timeout(int milliseconds);

  // A single-number query's answer (e.g. a COUNT(*) behind a page) kept per
  // connection while the database is unchanged: `key` names the query and
  // its bindings; the memo is dropped whenever PRAGMA data_version says
  // another connection (this process or another) committed. Use inside a
  // read transaction so that the number and the snapshot agree.
  int64_t memo_number(const std::string& key, const std::function<int64_t()>& compute);

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
  int64_t memo_version_ = -1;
  std::unordered_map<std::string, int64_t> memo_;
};

class Database {
 public:
  // Opens (creating when missing) the database file in WAL mode with
  // `readers` reader connections. ":memory:" is refused: readers must see
  // the writer's data.
  Database(const std::string& path, int readers = 4);
  ~Database();

  // How long write() waits for the write lock before BusyError (default
  // 15 s: a short outside write such as `drover hosts add` waits, a lock
  // held for ever does not wedge the caller).
  void set_write_budget(std::chrono::milliseconds budget) { write_budget_ = budget; }

  template <class Fn>
  auto write(Fn&& fn) -> decltype(fn(std::declval<Connection&>()));
  // write() with its own budget for the write lock (a health check wants
  // an answer in a second, not in 15).
  template <class Fn>
  auto write_within(std::chrono::milliseconds budget, Fn&& fn) -> decltype(fn(std::declval<Connection&>()));
  template <class Fn>
  auto read(Fn&& fn) -> decltype(fn(std::declval<Connection&>()));

  const std::string& path() const { return path_; }

  // Since this Database opened: BEGIN IMMEDIATE attempts that found the
  // database locked and were retried, and writes that gave up (BusyError).
  uint64_t busy_retries() const { return busy_retries_.load(); }
  uint64_t busy_failures() const { return busy_failures_.load(); }

  // Internal helpers of write()/read(); public so that the templates can
  // use them.
  void begin_write(Connection*& out, std::chrono::milliseconds budget);
  void end_write(bool commit);
  Connection* acquire_reader();
  void release_reader(Connection* c);

 private:
  std::string path_;
  std::chrono::milliseconds write_budget_{15000};
  std::atomic<uint64_t> busy_retries_{0}, busy_failures_{0};
  std::timed_mutex write_mutex_;
  std::unique_ptr<Connection> writer_;
  std::mutex readers_mutex_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Connection>> readers_;
  std::vector<Connection*> free_readers_;
};

template <class Fn>
auto Database::write(Fn&& fn) -> decltype(fn(std::declval<Connection&>())) {
  return write_within(write_budget_, std::forward<Fn>(fn));
}

template <class Fn>
auto Database::write_within(std::chrono::milliseconds budget, Fn&& fn)
    -> decltype(fn(std::declval<Connection&>())) {
  Connection* c = nullptr;
  begin_write(c, budget);
  try {
    if constexpr (std::is_void_v<decltype(fn(*c))>) {
      fn(*c);
      end_write(true);
    } else {
      auto result = fn(*c);
      end_write(true);
      return result;
    }
  } catch (...) {
    end_write(false);
    throw;
  }
}

template <class Fn>
auto Database::read(Fn&& fn) -> decltype(fn(std::declval<Connection&>())) {
  Connection* c = acquire_reader();
  struct Release {
    Database* db;
    Connection* c;
    ~Release() {
      c->reset_statements();
      try {
        c->prepare("COMMIT").run();
      } catch (...) {
      }
      db->release_reader(c);
    }
  } release{this, c};
  c->prepare("BEGIN").run();  // prepared once per connection, as COMMIT
  return fn(*c);
}

// Now as ISO 8601 UTC with milliseconds: "2026-11-25T07:30:00.123Z". Sorts
// as text in time order.
std::string now_timestamp();
// The same form for any time point.
std::string timestamp_at(std::chrono::system_clock::time_point t);
// An ISO 8601 date or date-time from a user ("2026-11-25",
// "2026-11-25T07:30", "2026-11-25T07:30:00Z", "...:00.5+02:00") in the
// stored form (UTC, milliseconds), so that it compares as text with stored
// times; nullopt when it is not one. A time without a zone is UTC.
std::optional<std::string> normalize_timestamp(const std::string& text);

}  // namespace drover::store
