// The time the server's timed work reads (schedules, webhook replay
// windows, notification retries): one interface, so that tests move time
// instead of sleeping.
//
// SystemClock is the wall clock. ManualClock is a test's clock: it stands
// still until set() or advance(). Both are safe to share between threads.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

namespace drover::server {

using SysSeconds = std::chrono::sys_seconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SysSeconds now() const = 0;
};

class SystemClock : public Clock {
 public:
  SysSeconds now() const override {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

class ManualClock : public Clock {
 public:
  explicit ManualClock(SysSeconds start) : now_(start.time_since_epoch().count()) {}
  SysSeconds now() const override { return SysSeconds(std::chrono::seconds(now_.load())); }
  void set(SysSeconds t) { now_ = t.time_since_epoch().count(); }
  void advance(std::chrono::seconds d) { now_ += d.count(); }

 private:
  std::atomic<long long> now_;
};

// The stored form of a time ("2026-12-06T12:00:00.000Z", store::timestamp_at).
std::string stored_time(SysSeconds t);
// An ISO 8601 date-time as the API reads them (store::normalize_timestamp:
// a time without an offset is UTC); nullopt when it is not one.
std::optional<SysSeconds> parse_time(const std::string& text);

}  // namespace drover::server
