#include "server/log.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "core/clock.hpp"

namespace drover::server {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::info)};
std::atomic<bool> g_json{false};
std::mutex g_write;

const char* level_word(LogLevel l) {
  switch (l) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "info";
}

// A text value: bare when it is one word of safe characters, else JSON-quoted.
std::string text_value(const Value& v) {
  if (!v.is_string()) return v.dump();
  const std::string& s = v.get_ref<const ValueString&>();
  bool bare = !s.empty();
  for (unsigned char ch : s)
    if (ch <= ' ' || ch == '"' || ch == '=' || ch == '\\' || ch >= 0x7f) bare = false;
  return bare ? s : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void write_line(const std::string& line) {
  std::lock_guard<std::mutex> lock(g_write);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

void configure_log(LogFormat format, LogLevel level) {
  g_json = format == LogFormat::json;
  g_level = static_cast<int>(level);
}

bool parse_log_format(const std::string& word, LogFormat& out) {
  if (word == "text") out = LogFormat::text;
  else if (word == "json") out = LogFormat::json;
  else return false;
  return true;
}

bool parse_log_level(const std::string& word, LogLevel& out) {
  for (LogLevel l : {LogLevel::debug, LogLevel::info, LogLevel::warn, LogLevel::error}) {
    if (word == level_word(l)) {
      out = l;
      return true;
    }
  }
  if (word == "warning") {
    out = LogLevel::warn;
    return true;
  }
  return false;
}

bool log_enabled(LogLevel level) { return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed); }

void log_line(LogLevel level, const std::string& message, const Value& fields) {
  if (!log_enabled(level)) return;
  std::string line;
  if (g_json) {
    Value out = Value::object();
    out["time"] = iso8601_utc_now();
    out["level"] = level_word(level);
    out["msg"] = message;
    if (fields.is_object())
      for (auto it = fields.begin(); it != fields.end(); ++it) out[it.key()] = it.value();
    line = out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    std::string upper = level_word(level);
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    line = iso8601_utc_now() + " " + upper + " " + message;
    if (fields.is_object())
      for (auto it = fields.begin(); it != fields.end(); ++it) line += " " + it.key() + "=" + text_value(it.value());
  }
  line += '\n';
  write_line(line);
}

void log_request(const RequestLog& r) {
  if (!log_enabled(LogLevel::info)) return;
  Value f = Value::object();
  f["method"] = r.method;
  f["route"] = r.route.empty() ? "-" : r.route;
  f["status"] = r.status;
  f["duration_ms"] = std::round(r.duration_ms * 100) / 100;
  f["user"] = r.user.empty() ? "-" : r.user;
  f["address"] = r.address;
  log_line(LogLevel::info, "request", f);
}

void log_job_start(int64_t job_id, const std::string& kind, const std::string& user) {
  log_line(LogLevel::info, "job start", {{"job", job_id}, {"kind", kind}, {"user", user.empty() ? "-" : user}});
}

void log_job_end(int64_t job_id, const std::string& state, double duration_s) {
  log_line(state == "successful" || state == "canceled" ? LogLevel::info : LogLevel::warn, "job end",
           {{"job", job_id}, {"state", state}, {"duration_s", std::round(duration_s * 1000) / 1000}});
}

}  // namespace drover::server
