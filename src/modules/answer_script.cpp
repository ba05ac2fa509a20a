#include "modules/answer_script.hpp"

#include <cstdio>
#include <cstdlib>

#include "core/strings.hpp"
#include "modules/file_attrs.hpp"
#include "modules/shell_script.hpp"

namespace drover {

const std::string& answer_functions() {
  static const std::string functions = R"SH(_out() { printf '\036%s\n%s' "$1" "$2"; }
_fail() { _out failed "$1"; exit 0; }
_changed() { _out changed 1; }
_dr_st() { stat -c '%f %u %g %s %h %U %G' -- "$1" 2>/dev/null; }
_dr_stl() { stat -L -c '%f %u %g %s %h %U %G' -- "$1" 2>/dev/null; }
)SH";
  return functions;
}

const std::string& answer_prelude() {
  // _rerr goes through a temporary file: a POSIX shell cannot capture both
  // streams of one command into two variables otherwise.
  static const std::string prelude = answer_functions() + R"SH(_rtmp=$(mktemp 2>/dev/null || echo "/tmp/.drover-err.$$")
_rtmpo=$(mktemp 2>/dev/null || echo "/tmp/.drover-out.$$")
trap 'rm -f "$_rtmp" "$_rtmpo"' EXIT
_run() { "$@" >"$_rtmpo" 2>"$_rtmp"; _rrc=$?; _rout=$(cat "$_rtmpo"); _rerr=$(cat "$_rtmp"); return $_rrc; }
_outrun() { _out rc "$_rrc"; printf '\036stdout\n'; cat "$_rtmpo"; printf '\036stderr\n'; cat "$_rtmp"; }
_pwent() { getent passwd "$1" 2>/dev/null || grep "^$1:" /etc/passwd; }
_grent() { getent group "$1" 2>/dev/null || grep "^$1:" /etc/group; }
)SH";
  return prelude;
}

AnswerFields parse_answer(std::string_view out) {
  AnswerFields fields;
  size_t pos = out.find('\x1e');
  while (pos != std::string_view::npos) {
    size_t next = out.find('\x1e', pos + 1);
    std::string_view chunk = out.substr(pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1);
    size_t nl = chunk.find('\n');
    if (nl == std::string_view::npos)
      fields[std::string(chunk)] = "";
    else
      fields[std::string(chunk.substr(0, nl))] = std::string(chunk.substr(nl + 1));
    pos = next;
  }
  return fields;
}

std::string ScriptAnswer::get(const std::string& name, const std::string& fallback) const {
  auto it = fields.find(name);
  return it == fields.end() ? fallback : it->second;
}

long long ScriptAnswer::get_int(const std::string& name, long long fallback) const {
  auto it = fields.find(name);
  if (it == fields.end() || it->second.empty()) return fallback;
  char* end = nullptr;
  long long v = std::strtoll(it->second.c_str(), &end, 10);
  return end && *end == '\0' ? v : fallback;
}

ScriptAnswer run_answer_script(ModuleContext& ctx, const std::string& body, std::string stdin_data) {
  ScriptAnswer a;
  // A body whose last test is false must not look like a failed script.
  a.exec = run_script(ctx, answer_prelude() + body + "\nexit 0\n", std::move(stdin_data));
  a.fields = parse_answer(a.exec.out);
  return a;
}

Value script_failure(const AnswerFields& fields, const ExecResult& exec) {
  if (!exec.become_error.empty()) return failed_result(exec.become_error);
  std::string err = trim(exec.err);
  if (auto failed = fields.find("failed"); failed != fields.end()) {
    // _fail exits 0; _dr_die exits 1 so that its stderr joins the message.
    bool with_err = exec.exit_status != 0 && !err.empty();
    return failed_result(with_err ? failed->second + ": " + err : failed->second);
  }
  if (exec.timed_out) return failed_result("the module's script timed out");
  if (exec.exit_status == 0) return Value();
  Value r = failed_result(err.empty() ? "the module's script failed with status " + std::to_string(exec.exit_status)
                                      : err);
  r["rc"] = exec.exit_status;
  return r;
}

std::string shell_assign(const std::string& name, const Value& v) {
  std::string value;
  if (v.is_boolean())
    value = v.get<bool>() ? "1" : "";
  else if (!v.is_null())
    value = to_display_string(v);
  return name + "=" + shell_quote(value) + "\n";
}

Value text_diff(const std::string& before, const std::string& after, const std::string& before_header,
                const std::string& after_header) {
  Value d = Value::object();
  d["before"] = before;
  d["after"] = after;
  if (!before_header.empty()) d["before_header"] = before_header;
  if (!after_header.empty()) d["after_header"] = after_header;
  return d;
}

void add_path_info(Value& r, const std::string& stat_line) {
  files::add_path_info(r, files::parse_stat(stat_line));
}

std::vector<std::string> string_list(const Value& list) {
  std::vector<std::string> out;
  if (list.is_array())
    for (const auto& v : list) out.push_back(to_display_string(v));
  return out;
}

}  // namespace drover
