// ufw: the Uncomplicated Firewall's state, default policies, rules and
// logging (community.general.ufw as shipped in Debian 12's ansible 7). The
// same ufw command lines as Ansible's, in its order (state, default, rule,
// logging), each answered in `commands`; whether anything changed is read
// as Ansible reads it: `ufw status verbose` and the "### tuple" lines of the
// user rules files before and after (in check mode: the policies shown by
// the status, and a `--dry-run` of the rule against the rules files). The
// result: changed, commands and (not in check mode) msg, the final status.
//
// The first round trip finds ufw and grep and reads the status, the rules,
// the version (for comments) and, for a relative insert, the numbered
// status; the second runs the commands and reads the status and rules again.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "template/regex.hpp"

namespace drover {
namespace {

constexpr const char* kRulesFiles =
    "/lib/ufw/user.rules /lib/ufw/user6.rules /etc/ufw/user.rules /etc/ufw/user6.rules "
    "/var/lib/ufw/user.rules /var/lib/ufw/user6.rules";

// Every command's stdout kept exactly (trailing newlines too): the status
// before and after is compared as text. A failing command answers failed_at
// (its index) and msg (its stderr, else its stdout).
constexpr const char* kRunFunctions = R"SH(
export LANG=C
_p=$PATH
for _d in /sbin /usr/sbin /usr/local/sbin; do case ":$_p:" in *":$_d:"*) ;; *) _p="$_p:$_d" ;; esac; done
_bin() { _r=$(PATH=$_p command -v "$1") || _fail "Failed to find required executable \"$1\" in paths: $_p"; }
# _exec FIELD INDEX IGNORE CMD...: run, answer its stdout as FIELD
_exec() {
  _f=$1 _i=$2 _ign=$3; shift 3
  "$@" >"$_rtmpo" 2>"$_rtmp"; _rrc=$?
  if [ "$_rrc" != 0 ] && [ -z "$_ign" ]; then
    _out failed_at "$_i"
    printf '\036msg\n'; if [ -s "$_rtmp" ]; then cat "$_rtmp"; else cat "$_rtmpo"; fi
    exit 0
  fi
  printf '\036%s\n' "$_f"; cat "$_rtmpo"
}
)SH";

constexpr const char* kReadBody = R"SH(
_bin ufw; _ufw=$_r
_bin grep; _grep=$_r
_out ufw "$_ufw"
_out grep "$_grep"
_exec pre_state 0 "" "$_ufw" status verbose
_exec pre_rules 1 1 "$_grep" -h '^### tuple' $rules_files
[ -z "$want_version" ] || _exec version 2 "" "$_ufw" --version
[ -z "$want_numbered" ] || _exec numbered 3 1 "$_ufw" status numbered
exit 0
)SH";

// After the commands (lines "_exec outN N '' words..."), the status and rules.
constexpr const char* kAfterBody = R"SH(
[ -n "$check_mode" ] && exit 0
_exec post_state "$last" "" "$_ufw" status verbose
_exec post_rules "$last" 1 "$_grep" -h '^### tuple' $rules_files
exit 0
)SH";

std::string lines_starting_with(const std::string& prefix, const std::string& content) {
  std::string out;
  for (const auto& l : split_lines_keep_ends(content))
    if (l.starts_with(prefix)) out += l;
  return out;
}

std::string lines_matching(const tmpl::Regex& re, const std::string& content) {
  std::string out;
  for (const auto& l : split_lines_keep_ends(content))
    if (re.search(l)) out += l;
  return out;
}

const tmpl::Regex& ipv4_regex() {
  static const auto re = tmpl::Regex::compile(
      R"(((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9]))");
  return *re;
}

const tmpl::Regex& ipv6_regex() {
  static const auto re = tmpl::Regex::compile(
      R"re((([0-9a-fA-F]{1,4}:){7,7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:)|fe80:(:[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]{1,}|::(ffff(:0{1,4}){0,1}:){0,1}((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])|([0-9a-fA-F]{1,4}:){1,4}:((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])))re");
  return *re;
}

// The insert position for insert_relative_to, from `ufw status numbered`.
Value insert_position(int64_t insert, const std::string& relative, const std::string& numbered) {
  static const auto line_re = tmpl::Regex::compile(R"(^\[ *([0-9]+)\] )");
  std::vector<std::pair<int64_t, bool>> lines;
  for (const auto& l : split_lines(numbered))
    if (auto m = line_re->match(l)) lines.emplace_back(std::stoll(m->group(l, 1)), l.find("(v6)") != std::string::npos);
  int64_t last = 0, last_v4 = 0;
  bool has_v4 = false, has_v6 = false;
  for (const auto& [n, v6] : lines) {
    last = std::max(last, n);
    if (!v6) has_v4 = true, last_v4 = std::max(last_v4, n);
    else has_v6 = true;
  }
  int64_t relative_to = 1;
  if (relative == "last-ipv4") relative_to = has_v4 ? last_v4 : 1;
  else if (relative == "first-ipv6") relative_to = has_v4 ? last_v4 + 1 : 1;
  else if (relative == "last-ipv6") relative_to = has_v6 ? last : last + 1;
  int64_t to = insert + relative_to;
  return to > last ? Value() : Value(to);
}

class UfwModule : public Module {
 public:
  UfwModule() {
    spec_.options = {
        opt("state").one_of({"enabled", "disabled", "reloaded", "reset"}),
        opt("default").alias({"policy"}).one_of({"allow", "deny", "reject"}),
        opt("logging").one_of({"full", "high", "low", "medium", "off", "on"}),
        opt("direction").one_of({"in", "incoming", "out", "outgoing", "routed"}),
        opt("delete", OptionType::boolean).def(false),
        opt("route", OptionType::boolean).def(false),
        opt("insert", OptionType::integer),
        opt("insert_relative_to").def("zero").one_of({"zero", "first-ipv4", "last-ipv4", "first-ipv6", "last-ipv6"}),
        opt("rule").one_of({"allow", "deny", "limit", "reject"}),
        opt("interface").alias({"if"}),
        opt("interface_in").alias({"if_in"}),
        opt("interface_out").alias({"if_out"}),
        opt("log", OptionType::boolean).def(false),
        opt("from_ip").def("any").alias({"from", "src"}),
        opt("from_port"),
        opt("to_ip").def("any").alias({"dest", "to"}),
        opt("to_port").alias({"port"}),
        opt("proto").alias({"protocol"}).one_of({"ah", "any", "esp", "ipv6", "tcp", "udp", "gre", "igmp"}),
        opt("name").alias({"app"}),
        opt("comment"),
    };
    spec_.mutually_exclusive = {{"name", "proto", "logging"}, {"direction", "interface_in"}, {"direction", "interface_out"}};
    spec_.required_one_of = {{"state", "default", "rule", "logging"}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    const ModuleArgs p(validated);
    const std::string direction = p.str("direction");
    if (p.has("interface") && !p.has("direction"))
      return failed_result("missing parameter(s) required by 'interface': direction");
    if (p.has("default") && !direction.empty() && direction != "outgoing" && direction != "incoming" &&
        direction != "routed")
      return failed_result(
          "For default, direction must be one of \"outgoing\", \"incoming\" and \"routed\", or direction must not be "
          "specified.");
    if (p.has("rule")) {
      if (!direction.empty() && direction != "in" && direction != "out")
        return failed_result("For rules, direction must be one of \"in\" and \"out\", or direction must not be specified.");
      if (!p.flag("route") && p.has("interface_in") && p.has("interface_out"))
        return failed_result("Only route rules can combine interface_in and interface_out");
    }
    const bool rule = p.has("rule");
    const bool numbered = rule && p.has("insert") && !p.flag("delete") &&
                          p.str("insert_relative_to") != "zero";

    std::string vars = shell_assign("rules_files", Value(kRulesFiles)) + shell_assign("want_version", Value(rule)) +
                       shell_assign("want_numbered", Value(numbered)) + shell_assign("check_mode", Value(ctx.check_mode));
    ScriptAnswer read = run_answer_script(ctx, std::string(kRunFunctions) + vars + kReadBody);
    const std::string ufw = read.get("ufw"), grep = read.get("grep");
    std::vector<std::string> cmds{ufw + " status verbose",
                                  grep + " -h '^### tuple' " + kRulesFiles};
    if (read.has("failed_at")) {
      if (read.get_int("failed_at") == 0) cmds.resize(1);
      if (read.get_int("failed_at") == 2) cmds.push_back(ufw + " --version");
      return failure(read.get("msg"), cmds);
    }
    if (Value f = script_failure(read); !f.is_null()) return f;
    const std::string pre_state = read.get("pre_state"), pre_rules = read.get("pre_rules");

    // The commands, as Ansible's execute() joins them.
    bool changed = false;
    std::vector<std::string> actions;  // commands run in the second trip
    const std::string base = ufw + (ctx.check_mode ? " --dry-run" : "");
    std::string rule_command;
    if (p.has("state")) {
      const std::string value = p.str("state");
      if (value == "reloaded" || value == "reset") changed = true;
      if (ctx.check_mode) {
        const bool enabled = pre_state.find(" active") != std::string::npos;
        if ((value == "disabled" && enabled) || (value == "enabled" && !enabled)) changed = true;
      } else {
        static const std::map<std::string, std::string> verbs{
            {"enabled", "enable"}, {"disabled", "disable"}, {"reloaded", "reload"}, {"reset", "reset"}};
        actions.push_back(base + " -f " + verbs.at(value));
      }
    }
    if (p.has("default")) {
      const std::string value = p.str("default");
      if (ctx.check_mode) {
        static const auto re = tmpl::Regex::compile(
            R"(Default: (deny|allow|reject) \(incoming\), (deny|allow|reject) \(outgoing\), )"
            R"((deny|allow|reject|disabled) \(routed\))");
        if (auto m = re->search(pre_state)) {
          const std::string d = direction.empty() ? "incoming" : direction;
          std::string v = m->group(pre_state, d == "incoming" ? 1 : d == "outgoing" ? 2 : 3);
          if (v != value && v != "disabled") changed = true;
        } else {
          changed = true;
        }
      } else {
        actions.push_back(base + " default " + value + (direction.empty() ? "" : " " + direction));
      }
    }
    if (rule) {
      std::string c = base;
      if (p.flag("route")) c += " route";
      if (p.flag("delete")) c += " delete";
      if (p.has("insert") && !p.flag("delete")) {
        Value to = p.str("insert_relative_to") == "zero"
                       ? p.value("insert")
                       : insert_position(p.integer("insert"), p.str("insert_relative_to"), read.get("numbered"));
        if (!to.is_null()) c += " insert " + to_display_string(to);
      }
      c += " " + p.str("rule");
      if (!direction.empty()) c += " " + direction;
      if (p.has("interface")) c += " on " + p.str("interface");
      if (p.has("interface_in")) c += " in on " + p.str("interface_in");
      if (p.has("interface_out")) c += " out on " + p.str("interface_out");
      if (p.flag("log")) c += " log";
      for (auto [key, fmt] : {std::pair<const char*, const char*>{"from_ip", "from "}, {"from_port", "port "},
                              {"to_ip", "to "}, {"to_port", "port "}, {"proto", "proto "}}) {
        const std::string v = p.str(key);
        if (!v.empty()) c += " " + std::string(fmt) + v;
      }
      if (p.has("name") && !p.str("name").empty()) c += " app '" + p.str("name") + "'";
      // Comments need ufw 0.35 or later.
      static const auto version_re = tmpl::Regex::compile(R"(^ufw.+(\d+)\.(\d+)(?:\.(\d+))?.*$)");
      std::string first;
      for (const auto& l : split_lines(read.get("version")))
        if (first.empty() && !trim(l).empty()) first = l;
      auto vm = version_re->match(first);
      if (!vm) {
        Value f = failed_result("Failed to get ufw version.");
        f["rc"] = 0;
        f["out"] = read.get("version");
        return f;
      }
      const int major = std::stoi(vm->group(first, 1)), minor = std::stoi(vm->group(first, 2));
      if (!p.str("comment").empty() && ((major == 0 && minor >= 35) || major > 0)) c += " comment '" + p.str("comment") + "'";
      rule_command = c;
    }
    // Ansible's order: state, default, rule (after the version), logging.
    std::vector<std::string> all = cmds;
    std::vector<std::string> to_run;
    size_t rule_index = 0;
    for (const auto& a : actions) all.push_back(a), to_run.push_back(a);
    if (rule) {
      all.push_back(ufw + " --version");
      rule_index = all.size();
      all.push_back(rule_command), to_run.push_back(rule_command);
    }
    if (p.has("logging")) {
      const std::string value = p.str("logging");
      static const auto re = tmpl::Regex::compile(R"(Logging: (on|off)(?: \(([a-z]+)\))?)");
      if (auto m = re->search(pre_state)) {
        const std::string on_off = m->group(pre_state, 1);
        const std::string level = m->participated(2) ? m->group(pre_state, 2) : "";
        if (value != "off") {
          if (on_off == "off" || (value != "on" && value != level)) changed = true;
        } else if (on_off != "off") {
          changed = true;
        }
      } else {
        changed = true;
      }
      if (!ctx.check_mode) all.push_back(base + " logging " + value), to_run.push_back(base + " logging " + value);
    }

    // Second trip: the commands (indexes into `all`), then the new status.
    std::string body = std::string(kRunFunctions) + vars + shell_assign("_ufw", Value(ufw)) +
                       shell_assign("_grep", Value(grep)) + shell_assign("last", Value(std::to_string(all.size())));
    for (size_t i = cmds.size(); i < all.size(); ++i) {
      if (all[i] == ufw + " --version") continue;
      std::string words;
      for (const auto& w : shlex_split(all[i])) words += " " + shell_quote(w);
      body += "_exec out" + std::to_string(i) + " " + std::to_string(i) + " ''" + words + "\n";
    }
    body += kAfterBody;
    ScriptAnswer done = run_answer_script(ctx, body);
    if (done.has("failed_at")) {
      all.resize(std::min<size_t>(all.size(), done.get_int("failed_at") + 1));
      return failure(done.get("msg"), all);
    }
    if (Value f = script_failure(done); !f.is_null()) return f;

    if (ctx.check_mode && rule) {
      std::string dry = done.get("out" + std::to_string(rule_index));
      size_t skipping = 0, lines = split_lines_keep_ends(dry).size();
      for (const auto& l : split_lines_keep_ends(dry)) skipping += l.find("Skipping") != std::string::npos;
      if (!(skipping > 0 && skipping == lines)) {
        dry = lines_starting_with("### tuple", dry);
        const std::string from = p.str("from_ip"), to = p.str("to_ip");
        if (ipv4_regex().match(from) || ipv4_regex().match(to)) {
          if (lines_matching(ipv4_regex(), pre_rules) != lines_matching(ipv4_regex(), dry)) changed = true;
        } else if (ipv6_regex().match(from) || ipv6_regex().match(to)) {
          if (lines_matching(ipv6_regex(), pre_rules) != lines_matching(ipv6_regex(), dry)) changed = true;
        } else if (pre_rules != dry) {
          changed = true;
        }
      }
    }
    if (ctx.check_mode) return Value{{"changed", changed}, {"commands", to_value(all)}};
    // Ansible's execute() records the status and rules reads too.
    const std::string post_state = done.get("post_state");
    all.push_back(ufw + " status verbose");
    if (!changed) {
      all.push_back(cmds[1]);
      changed = pre_state != post_state || pre_rules != done.get("post_rules");
    }
    std::string msg = post_state;
    while (!msg.empty() && std::isspace(static_cast<unsigned char>(msg.back()))) msg.pop_back();
    return Value{{"changed", changed}, {"commands", to_value(all)}, {"msg", msg}};
  }

 private:
  static Value to_value(const std::vector<std::string>& v) {
    Value out = Value::array();
    for (const auto& s : v) out.push_back(s);
    return out;
  }
  static Value failure(const std::string& msg, const std::vector<std::string>& cmds) {
    Value r = failed_result(msg);
    r["commands"] = to_value(cmds);
    return r;
  }

  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration ufw_registration({"ufw", "community.general.ufw"}, make_module<UfwModule>);

}  // namespace drover
