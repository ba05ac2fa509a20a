// The server's log: one line per event on stderr, as text (default) or JSON
// lines (`drover server --log-format json`), with a time (UTC, ms), a level
// and fields.
//
//   text: 2026-12-06T12:00:00.123Z INFO request method=GET route=/api/v1/hosts/{id} status=200 duration_ms=1.4 user=admin address=127.0.0.1
//   json: {"time":"2026-12-06T12:00:00.123Z","level":"info","msg":"request","method":"GET",...}
//
// What goes in is chosen by the callers, and never includes a secret: no
// Authorization header, no token, no request or response body. Lines are
// written whole (one write under a lock), so threads never interleave.
#pragma once

#include <cstdint>
#include <string>

#include "core/value.hpp"

namespace drover::server {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };
enum class LogFormat { text, json };

// Process-wide settings (before the server starts). Lines below `level` are
// dropped.
void configure_log(LogFormat format, LogLevel level);
// "text"/"json" and "debug"/"info"/"warn"/"error" (also "warning"); false
// when the word is unknown.
bool parse_log_format(const std::string& word, LogFormat& out);
bool parse_log_level(const std::string& word, LogLevel& out);
bool log_enabled(LogLevel level);

// A line: `message` and the fields of `fields` (an object; strings, numbers,
// booleans) in order.
void log_line(LogLevel level, const std::string& message, const Value& fields = Value::object());

// One line per HTTP request (level info). `route` is the route's pattern
// ("/api/v1/jobs/{id}"), "-" when none matched; `user` "-" when anonymous.
struct RequestLog {
  std::string method;
  std::string route;
  int status = 0;
  double duration_ms = 0;
  std::string user;
  std::string address;
};
void log_request(const RequestLog& r);

// A job starts on this server / reaches its final state.
void log_job_start(int64_t job_id, const std::string& kind, const std::string& user);
void log_job_end(int64_t job_id, const std::string& state, double duration_s);

}  // namespace drover::server
