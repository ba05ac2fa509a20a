#include "modules/answer_script.hpp"

#include <cstdio>
#include <cstdlib>

#include "core/strings.hpp"
#include "modules/shell_script.hpp"

namespace drover {

const std::string& answer_prelude() {
  // _rerr goes through a temporary file: a POSIX shell cannot capture both
  // streams of one command into two variables otherwise.
  static const std::string prelude =
      "_out() { printf '\\036%s\\n%s' \"$1\" \"$2\"; }\n"
      "_fail() { _out failed \"$1\"; exit 0; }\n"
      "_changed() { _out changed 1; }\n"
      "_rtmp=$(mktemp 2>/dev/null || echo \"/tmp/.drover-err.$$\")\n"
      "_rtmpo=$(mktemp 2>/dev/null || echo \"/tmp/.drover-out.$$\")\n"
      "trap 'rm -f \"$_rtmp\" \"$_rtmpo\"' EXIT\n"
      "_run() { \"$@\" >\"$_rtmpo\" 2>\"$_rtmp\"; _rrc=$?; _rout=$(cat \"$_rtmpo\"); _rerr=$(cat \"$_rtmp\"); return $_rrc; }\n"
      "_outrun() { _out rc \"$_rrc\"; printf '\\036stdout\\n'; cat \"$_rtmpo\"; printf '\\036stderr\\n'; cat \"$_rtmp\"; }\n"
      "_pwent() { getent passwd \"$1\" 2>/dev/null || grep \"^$1:\" /etc/passwd; }\n"
      "_grent() { getent group \"$1\" 2>/dev/null || grep \"^$1:\" /etc/group; }\n";
  return prelude;
}

std::map<std::string, std::string> parse_answer_fields(const std::string& out) {
  std::map<std::string, std::string> fields;
  size_t pos = out.find('\x1e');
  while (pos != std::string::npos) {
    size_t next = out.find('\x1e', pos + 1);
    std::string chunk = out.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
    size_t nl = chunk.find('\n');
    if (nl == std::string::npos)
      fields[chunk] = "";
    else
      fields[chunk.substr(0, nl)] = chunk.substr(nl + 1);
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
  a.fields = parse_answer_fields(a.exec.out);
  return a;
}

Value script_failure(const ScriptAnswer& a) {
  if (a.has("failed")) return failed_result(a.get("failed"));
  if (a.exec.timed_out) return failed_result("the module's script timed out");
  if (a.exec.exit_status == 0) return Value();
  std::string err = rstrip_newlines(a.exec.err);
  Value r = failed_result(err.empty() ? "the module's script failed with status " + std::to_string(a.exec.exit_status)
                                      : err);
  r["rc"] = a.exec.exit_status;
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
  auto f = split_whitespace(stat_line);
  if (f.size() < 7) {
    r["state"] = "absent";
    return;
  }
  r["uid"] = std::atoll(f[0].c_str());
  r["gid"] = std::atoll(f[1].c_str());
  r["owner"] = f[2];
  r["group"] = f[3];
  char mode[16];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(std::strtoul(f[4].c_str(), nullptr, 8)));
  r["mode"] = mode;
  r["size"] = std::atoll(f[5].c_str());
  r["state"] = f[6] == "directory" ? "directory" : f[6] == "symbolic" ? "link" : "file";
}

std::vector<std::string> string_list(const Value& list) {
  std::vector<std::string> out;
  if (list.is_array())
    for (const auto& v : list) out.push_back(to_display_string(v));
  return out;
}

}  // namespace drover
