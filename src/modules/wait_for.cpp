// wait_for: wait on the target for a port, a file or a regex, or for
// connections to drain (ansible.builtin.wait_for, ansible-core 2.14
// semantics): state started/present, stopped/absent, drained; delay,
// timeout, sleep, connect_timeout, search_regex (on a file or what a port
// sends), msg. The waiting loop runs on the target in one script: ports are
// probed with bash's /dev/tcp (or nc), files with test and grep -E, drained
// connections counted from /proc/net/tcp*. Regexes are POSIX extended
// (grep -P where the target's grep has it, else grep -E on the pattern
// translated from Python's syntax), which covers the patterns playbooks use;
// match_groups come from the first matching line.
#include <regex>

#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

constexpr const char* kWaitBody = R"SH(
# Milliseconds (whole seconds where date has no %N): elapsed is the whole
# seconds of the wait as Ansible's timedelta.seconds, not a difference of
# two clock seconds (a 3 s timeout started at x.9 read 4).
_ms() { _t=$(date +%s%N 2>/dev/null); case $_t in *[!0-9]*|'') echo $(( $(date +%s) * 1000 ));; *) echo $(( _t / 1000000 ));; esac; }
_start=$(_ms)
# Python's re syntax ((?P<name>...), \d) is Perl's: grep -P when it works.
_gp=; printf 'x\n' | grep -qP '(?P<a>x)' 2>/dev/null && _gp=1
_grep() { if [ -n "$_gp" ]; then grep -m 1 -P -e "$re_py" "$@"; else grep -m 1 -E -e "$re" "$@"; fi; }
_el() { echo $(( ($(_ms) - _start) / 1000 )); }
_open() {
  if command -v bash >/dev/null 2>&1; then timeout "$3" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
  elif command -v nc >/dev/null 2>&1; then nc -z -w "$3" "$1" "$2" 2>/dev/null
  else _fail "wait_for on a port needs bash or nc on the target"; fi
}
# The first line that a port sends and that matches, as soon as it comes
# (a server like sshd sends its banner and then waits, as Ansible does not).
_readgrep() {
  if [ -n "$_gp" ]; then _f=-P; _r=$re_py; else _f=-E; _r=$re; fi
  timeout "$3" bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 1; end=$((SECONDS + $2))
    while :; do
      left=$((end - SECONDS)); [ "$left" -gt 0 ] || exit 1
      l=; IFS= read -r -t "$left" l <&3; rc=$?
      if [ -n "$l" ] && printf "%s\n" "$l" | grep -q "$3" -e "$4"; then printf "%s\n" "$l"; exit 0; fi
      [ "$rc" -eq 0 ] || exit 1
    done' "$1" "$2" "$3" "$_f" "$_r" 2>/dev/null
}
_conns() {
  cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v port="$port" -v states="$states" '
    NR > 0 && $2 ~ /:/ { split($2, a, ":"); p = a[length(a)]; if (sprintf("%04X", port) == p) {
      if (index(" " states " ", " " $4 " ")) n++ } } END { print n + 0 }'
}
[ "$delay" -gt 0 ] && sleep "$delay"
_end=$((_start + timeout * 1000))
_ok=
if [ -z "$port" ] && [ -z "$path" ] && [ "$state" != drained ]; then
  sleep "$timeout"; _ok=1
elif [ "$state" = absent ] || [ "$state" = stopped ]; then
  while [ "$(_ms)" -lt "$_end" ]; do
    if [ -n "$path" ]; then [ -e "$path" ] || { _ok=1; break; }
    else _open "$host" "$port" "$ct" || { _ok=1; break; }; fi
    sleep "$sl"
  done
elif [ "$state" = drained ]; then
  while [ "$(_ms)" -lt "$_end" ]; do
    [ "$(_conns)" = 0 ] && { _ok=1; break; }
    sleep "$sl"
  done
else
  while [ "$(_ms)" -lt "$_end" ]; do
    if [ -n "$path" ]; then
      if [ -e "$path" ]; then
        if [ -z "$re" ]; then _ok=1; break; fi
        _m=$(_grep "$path" 2>/dev/null) && { _out matched "$_m"; _ok=1; break; }
      fi
    else
      _left=$(( (_end - $(_ms) + 999) / 1000 )); [ "$_left" -lt 1 ] && _left=1
      _c=$ct; [ "$_left" -lt "$_c" ] && _c=$_left
      if [ -z "$re" ]; then
        _open "$host" "$port" "$_c" && { _ok=1; break; }
      else
        _m=$(_readgrep "$host" "$port" "$_left") && { _out matched "$_m"; _ok=1; break; }
      fi
    fi
    sleep "$sl"
  done
fi
_out elapsed "$(_el)"
[ -n "$_ok" ] && _out ok 1
[ -n "$path" ] && [ -e "$path" ] && _out st "$(_dr_stl "$path")"
)SH";

// /proc/net/tcp's hex codes for the state names Ansible accepts.
const char* tcp_state_code(const std::string& name) {
  static const std::pair<const char*, const char*> table[] = {
      {"ESTABLISHED", "01"}, {"SYN_SENT", "02"}, {"SYN_RECV", "03"}, {"FIN_WAIT1", "04"},
      {"FIN_WAIT2", "05"},   {"TIME_WAIT", "06"}, {"CLOSE", "07"},   {"CLOSE_WAIT", "08"},
      {"LAST_ACK", "09"},    {"LISTEN", "0A"},    {"CLOSING", "0B"}};
  for (auto& [n, c] : table)
    if (name == n) return c;
  return nullptr;
}

// `re` with every (?P<name> opened as a plain group; `names` gets each
// name with its group number (Python numbers named groups like plain ones).
std::string strip_group_names(const std::string& re, std::vector<std::pair<std::string, size_t>>& names) {
  std::string plain;
  size_t group = 0;
  bool in_class = false;
  for (size_t i = 0; i < re.size(); ++i) {
    if (re[i] == '\\' && i + 1 < re.size()) {
      plain += re.substr(i, 2);
      ++i;
      continue;
    }
    if (in_class) {
      if (re[i] == ']') in_class = false;
    } else if (re[i] == '[') {
      in_class = true;
      if (i + 1 < re.size() && re[i + 1] == '^') plain += re[i++];
      if (i + 1 < re.size() && re[i + 1] == ']') plain += re[i++];  // a leading ] is literal
    } else if (re[i] == '(' && re.compare(i, 4, "(?P<") == 0) {
      size_t close = re.find('>', i);
      if (close == std::string::npos) break;
      names.emplace_back(re.substr(i + 4, close - i - 4), ++group);
      plain += '(';
      i = close;
      continue;
    } else if (re[i] == '(' && re.compare(i, 2, "(?") != 0) {
      ++group;
    }
    plain += re[i];
  }
  return plain;
}

// Python's re syntax as POSIX extended, for a target whose grep has no -P:
// named and non-capturing groups become groups, the \d \s \w classes (and
// their negations) bracket expressions. Anything else passes unchanged.
std::string python_regex_to_ere(const std::string& re) {
  std::vector<std::pair<std::string, size_t>> names;
  const std::string plain = strip_group_names(re, names);
  std::string out;
  bool in_class = false;
  for (size_t i = 0; i < plain.size(); ++i) {
    char c = plain[i];
    if (c == '\\' && i + 1 < plain.size()) {
      char e = plain[++i];
      const char* inside = e == 'd' ? "0-9" : e == 's' ? "[:space:]" : e == 'w' ? "[:alnum:]_" : nullptr;
      const char* outside = e == 'd'   ? "[0-9]"
                            : e == 'D' ? "[^0-9]"
                            : e == 's' ? "[[:space:]]"
                            : e == 'S' ? "[^[:space:]]"
                            : e == 'w' ? "[[:alnum:]_]"
                            : e == 'W' ? "[^[:alnum:]_]"
                                       : nullptr;
      if (in_class && inside)
        out += inside;
      else if (!in_class && outside)
        out += outside;
      else
        out += std::string{'\\', e};
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
      out += c;
      if (i + 1 < plain.size() && plain[i + 1] == '^') out += plain[++i];
      if (i + 1 < plain.size() && plain[i + 1] == ']') out += plain[++i];
      continue;
    } else if (c == '(' && plain.compare(i, 3, "(?:") == 0) {
      out += '(';
      i += 2;
      continue;
    }
    out += c;
  }
  return out;
}

class WaitForModule : public Module {
 public:
  WaitForModule() {
    spec_.options = {
        opt("host").def("127.0.0.1"),
        opt("timeout", OptionType::integer).def(300),
        opt("connect_timeout", OptionType::integer).def(5),
        opt("delay", OptionType::integer).def(0),
        opt("port", OptionType::integer),
        opt("active_connection_states", OptionType::list)
            .of(OptionType::str)
            .def(Value{"ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "SYN_RECV", "SYN_SENT", "TIME_WAIT"}),
        opt("path", OptionType::path),
        opt("search_regex"),
        opt("state").def("started").one_of({"absent", "drained", "present", "started", "stopped"}),
        opt("exclude_hosts", OptionType::list).of(OptionType::str),
        opt("sleep", OptionType::integer).def(1),
        opt("msg"),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    ModuleArgs args(validated);
    const std::string state = args.str("state");
    const bool has_path = args.has("path"), has_port = args.has("port") && args.value("port") != 0;
    auto fail0 = [](const std::string& m) {
      Value r = failed_result(m);
      r["elapsed"] = 0;
      return r;
    };
    if (has_port && has_path) return fail0("port and path parameter can not both be passed to wait_for");
    if (has_path && state == "stopped")
      return fail0("state=stopped should only be used for checking a port in the wait_for module");
    if (has_path && state == "drained")
      return fail0("state=drained should only be used for checking a port in the wait_for module");
    if (args.has("exclude_hosts") && state != "drained")
      return fail0("exclude_hosts should only be with state=drained");
    std::vector<std::string> codes;
    for (const auto& s : string_list(args.value("active_connection_states"))) {
      const char* c = tcp_state_code(s);
      if (!c) return fail0("unknown active_connection_state (" + s + ") defined");
      codes.push_back(c);
    }
    std::string re = args.str("search_regex");
    std::string script = shell_assign("host", args.value("host")) + shell_assign("port", has_port ? args.value("port") : Value()) +
                         shell_assign("path", args.value("path")) + shell_assign("re", python_regex_to_ere(re)) +
                         shell_assign("re_py", re) +
                         shell_assign("state", state) + shell_assign("timeout", args.value("timeout")) +
                         shell_assign("ct", args.value("connect_timeout")) + shell_assign("delay", args.value("delay")) +
                         shell_assign("sl", args.value("sleep")) + shell_assign("states", join(codes, " ")) + kWaitBody;
    ScriptAnswer a = run_answer_script(ctx, script);
    Value failure = script_failure(a);
    if (!failure.is_null()) return failure;
    long long elapsed = a.get_int("elapsed");
    if (!a.has("ok")) {
      const std::string host = args.str("host");
      const std::string port = has_port ? args.str("port") : "";
      const std::string path = has_path ? args.str("path") : "";
      std::string m;
      if (state == "drained")
        m = "Timeout when waiting for " + host + ":" + (has_port ? port : "None") + " to drain";
      else if (state == "absent" || state == "stopped")
        m = has_port ? "Timeout when waiting for " + host + ":" + port + " to stop."
                     : "Timeout when waiting for " + path + " to be absent.";
      else if (has_port)
        m = re.empty() ? "Timeout when waiting for " + host + ":" + port
                       : "Timeout when waiting for search string " + re + " in " + host + ":" + port;
      else
        m = re.empty() ? "Timeout when waiting for file " + path
                       : "Timeout when waiting for search string " + re + " in " + path;
      Value r = failed_result(args.has("msg") ? args.str("msg") : m);
      r["elapsed"] = elapsed;
      return r;
    }
    Value r = Value::object();
    r["changed"] = false;
    r["elapsed"] = elapsed;
    r["match_groupdict"] = Value::object();
    r["match_groups"] = Value::array();
    if (a.has("matched")) match_groups(re, a.get("matched"), r);
    r["path"] = args.value("path");
    r["port"] = has_port ? args.value("port") : Value();
    r["search_regex"] = args.value("search_regex");
    r["state"] = state;
    if (has_path && a.has("st")) add_path_info(r, a.get("st"));
    return r;
  }

 private:
  // Python's groups() and groupdict() of the match, computed here from the
  // matching line: ECMAScript is close to Python's re once (?P<name>...)
  // groups are plain groups (numbered the same).
  static void match_groups(const std::string& re, const std::string& line, Value& r) {
    std::vector<std::pair<std::string, size_t>> names;
    std::string plain = strip_group_names(re, names);
    try {
      std::smatch m;
      std::regex rx(plain, std::regex::ECMAScript);
      if (!std::regex_search(line, m, rx)) return;
      Value groups = Value::array();
      for (size_t g = 1; g < m.size(); ++g) groups.push_back(m[g].matched ? Value(m[g].str()) : Value());
      r["match_groups"] = groups;
      for (auto& [name, index] : names)
        if (index < m.size()) r["match_groupdict"][name] = m[index].matched ? Value(m[index].str()) : Value();
    } catch (const std::regex_error&) {
    }
  }
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration wait_for_registration({"wait_for"}, make_module<WaitForModule>);

}  // namespace drover
