#include "modules/command_steps.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "core/strings.hpp"

namespace drover {

// The stderr without trailing blanks: Python's rstrip().
const char* const kCommandStepFunction = R"SH(
_step() { _run "$@"; [ "$_rrc" = 0 ] || { _outrun; _fail "${_rerr%"${_rerr##*[![:space:]]}"}"; }; }
)SH";

std::string python_shlex_quote(const std::string& s) {
  if (s.empty()) return "''";
  bool safe = std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("@%+=:,./-_").find(c) != std::string_view::npos;
  });
  if (safe) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
  return out + "'";
}

std::string command_step(const std::vector<std::string>& argv) {
  std::string quoted, shown;
  for (const auto& a : argv) {
    quoted += " " + shell_quote(a);
    shown += (shown.empty() ? "" : " ") + python_shlex_quote(a);
  }
  return "_out cmd " + shell_quote(shown) + "\n_step" + quoted + "\n";
}

Value command_steps_failure(const ScriptAnswer& a) {
  if (a.has("failed") && a.has("cmd") && a.has("rc")) {
    Value r = failed_result(a.get("failed"));
    r["cmd"] = a.get("cmd");
    r["rc"] = a.get_int("rc");
    r["stdout"] = a.get("stdout");
    r["stderr"] = a.get("stderr");
    return r;
  }
  return script_failure(a);
}

}  // namespace drover
