#include "modules/shell_script.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <thread>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "transport/become.hpp"

namespace drover {

std::string expanding_word(const std::string& w, bool& uses_helpers) {
  std::string out;
  size_t pos = 0;
  if (!w.empty() && w[0] == '~') {
    size_t slash = w.find('/', 1);
    std::string user = w.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
    bool portable = std::all_of(user.begin(), user.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    });
    if (portable) {
      out = "~" + user;
      pos = 1 + user.size();
      if (slash != std::string::npos) {
        out += "/";
        pos = slash + 1;
      }
    }
  }
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) out += shell_quote(literal);
    literal.clear();
  };
  while (pos < w.size()) {
    if (w[pos] == '$' && pos + 1 < w.size()) {
      std::string name;
      size_t end = pos + 1;
      bool braced = w[end] == '{';
      if (braced) {
        size_t close = w.find('}', end + 1);
        if (close != std::string::npos) {
          name = w.substr(end + 1, close - end - 1);
          end = close + 1;
        }
      } else {
        while (end < w.size() && (std::isalnum(static_cast<unsigned char>(w[end])) || w[end] == '_')) ++end;
        name = w.substr(pos + 1, end - pos - 1);
      }
      if (is_shell_name(name)) {
        flush();
        uses_helpers = true;
        out += braced ? "\"${" + name + "-${__drover_d}${__drover_l}" + name + "${__drover_r}}\""
                      : "\"${" + name + "-${__drover_d}" + name + "}\"";
        pos = end;
        continue;
      }
    }
    literal += w[pos++];
  }
  flush();
  return out.empty() ? "''" : out;
}

bool is_shell_name(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

std::string environment_exports(const Value& environment) {
  std::string out;
  if (!environment.is_object()) return out;
  for (auto it = environment.begin(); it != environment.end(); ++it) {
    const std::string& k = it.key();
    if (!is_shell_name(k)) throw Error("invalid environment variable name: '" + k + "'");
    out += "export " + k + "=" + shell_quote(to_display_string(it.value())) + "; ";
  }
  return out;
}

namespace {
// ansible-playbook -vvv's trace of a command: the line as the target's shell
// gets it, become included. The script stands in as its size, as Ansible's
// trace names its module file: module options never show (they may hold
// secrets), and become passwords go over stdin.
void trace_exec(ModuleContext& ctx, const std::string& script) {
  if (ctx.verbosity < 3 || !ctx.display) return;
  std::string inner = "(drover module script, " + std::to_string(script.size()) + " bytes)";
  std::string line = ctx.become ? plan_become(ctx.become, inner).command : inner;
  ctx.display("<" + ctx.host + "> EXEC /bin/sh -c " + shell_quote(line + " && sleep 0"));
}

ExecResult run_with(ModuleContext& ctx, const std::string& script, std::string stdin_data, bool own_script) {
  trace_exec(ctx, script);
  ExecOptions opts;
  opts.stdin_data = std::move(stdin_data);
  opts.become = ctx.become;
  opts.timeout_s = ctx.timeout_s;
  opts.own_script = own_script;
  return ctx.connection->exec(environment_exports(ctx.environment) + script, opts);
}
}  // namespace

ExecResult run_script(ModuleContext& ctx, const std::string& script, std::string stdin_data) {
  return run_with(ctx, script, std::move(stdin_data), false);
}

ExecResult run_own_script(ModuleContext& ctx, const std::string& script, std::string stdin_data) {
  return run_with(ctx, script, std::move(stdin_data), true);
}

ExecResult run_script_streaming(ModuleContext& ctx, const std::string& script, std::string_view input) {
  // With become the connection may talk through a terminal, whose EOF
  // depends on the whole input's last byte: that path keeps stdin_data.
  if (ctx.become) return run_script(ctx, script, std::string(input));
  trace_exec(ctx, script);
  ExecOptions opts;
  opts.stdin_source = [input](std::string& chunk) mutable {
    constexpr size_t kChunk = 256 * 1024;  // the ssh transport's largest write
    size_t n = std::min(input.size(), kChunk);
    chunk.assign(input.data(), n);
    input.remove_prefix(n);
    return !input.empty();
  };
  opts.timeout_s = ctx.timeout_s;
  return ctx.connection->exec(environment_exports(ctx.environment) + script, opts);
}

bool wait_unless_cancelled(const std::atomic<bool>* cancel, double seconds) {
  using Clock = std::chrono::steady_clock;
  auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (;;) {
    if (cancel && cancel->load(std::memory_order_relaxed)) return false;
    auto now = Clock::now();
    if (now >= end) return true;
    std::this_thread::sleep_for(std::min<Clock::duration>(end - now, std::chrono::milliseconds(100)));
  }
}

std::string format_timestamp(std::chrono::system_clock::time_point t) {
  auto secs = std::chrono::time_point_cast<std::chrono::seconds>(t);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t - secs).count();
  std::time_t tt = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  char out[80];
  std::snprintf(out, sizeof out, "%s.%06lld", buf, static_cast<long long>(micros));
  return out;
}

std::string format_delta(std::chrono::system_clock::duration d) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  if (us < 0) us = 0;
  long long total_s = us / 1000000;
  char out[64];
  std::snprintf(out, sizeof out, "%lld:%02lld:%02lld.%06lld", total_s / 3600, (total_s / 60) % 60,
                total_s % 60, static_cast<long long>(us % 1000000));
  return out;
}

void add_output_lines(Value& result) {
  for (const char* key : {"stdout", "stderr"}) {
    std::string lines_key = std::string(key) + "_lines";
    if (result.contains(key) && !result.contains(lines_key)) {
      Value lines = Value::array();
      if (result[key].is_string())
        for (auto& l : split_lines(result[key].get<std::string>())) lines.push_back(l);
      result[lines_key] = std::move(lines);
    }
  }
}

std::string rstrip_newlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

int signal_number(const std::string& name) {
  static const std::pair<const char*, int> table[] = {
      {"HUP", 1}, {"INT", 2}, {"QUIT", 3}, {"ILL", 4}, {"ABRT", 6}, {"FPE", 8}, {"KILL", 9},
      {"SEGV", 11}, {"PIPE", 13}, {"ALRM", 14}, {"TERM", 15}, {"USR1", 10}, {"USR2", 12}};
  for (auto& [n, v] : table)
    if (name == n) return v;
  return 1;
}

Value failed_result(const std::string& msg) { return Value{{"failed", true}, {"msg", msg}}; }

Value command_output_result(const ExecResult& res) {
  Value r = {{"rc", res.exit_status >= 0 ? res.exit_status : -signal_number(res.exit_signal)},
             {"stdout", res.out},
             {"stderr", res.err},
             {"changed", true}};
  add_output_lines(r);
  if (res.timed_out) {
    r["failed"] = true;
    r["msg"] = "command timed out";
  } else if (r["rc"] != 0) {
    r["failed"] = true;
    r["msg"] = "non-zero return code";
  }
  return r;
}

}  // namespace drover
