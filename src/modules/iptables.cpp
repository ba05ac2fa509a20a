// iptables: one rule in a chain, a chain's policy, a flush, or a user chain
// (ansible.builtin.iptables, ansible-core 2.14). The rule's words are built
// from the options in Ansible's order (construct_rule), so the same task runs
// the same iptables command lines; presence is asked of iptables itself
// (`-C`), never of a parse of `iptables -S`. The result: changed,
// ip_version, table, chain, flush, rule (the words joined), state,
// chain_management.
//
// The first round trip finds the binary and its version (`-w` is dropped
// before 1.6.0, as Ansible does); the second decides and acts in shell: the
// decision is only "did -C / -L succeed", so it needs no further answer.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/command_steps.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

// PATH plus the sbin directories, as AnsibleModule.get_bin_path searches.
constexpr const char* kFindBody = R"SH(
_p=$PATH
for _d in /sbin /usr/sbin /usr/local/sbin; do case ":$_p:" in *":$_d:"*) ;; *) _p="$_p:$_d" ;; esac; done
_bin=$(PATH=$_p command -v "$bin") || _fail "Failed to find required executable \"$bin\" in paths: $_p"
_out path "$_bin"
[ -z "$no_version" ] || exit 0
_out cmd "$(printf '%s --version' "$_bin")"
_step "$_bin" --version
_out version "$_rout"
)SH";

// The decision for a rule (or a chain without a rule): $check runs
// `-C`, $list `-L`; a step's failure stops with Ansible's fields.
constexpr const char* kRuleBody = R"SH(
_ok() { _run "$@"; [ "$_rrc" = 0 ]; }
case $mode in
flush)
  _changed
  [ -n "$check_mode" ] || { _out cmd "$show_flush"; eval "_step $flush"; } ;;
policy)
  _out cmd "$show_list"; eval "_step $list"
  _cur=$(printf '%s\n' "$_rout" | sed -n '1s/.*(policy \([A-Z]*\)).*/\1/p')
  [ -n "$_cur" ] || _fail "Can't detect current policy"
  if [ "$_cur" != "$policy" ]; then
    _changed
    [ -n "$check_mode" ] || { _out cmd "$show_set_policy"; eval "_step $set_policy"; }
  fi ;;
chain)
  if eval "_ok $list"; then
    _changed
    [ -z "$chain_management" ] || [ -n "$check_mode" ] || { _out cmd "$show_delete_chain"; eval "_step $delete_chain"; }
  fi ;;
rule)
  _present=; _chain=
  if eval "_ok $check"; then _present=1; _chain=1; elif eval "_ok $list"; then _chain=1; fi
  if [ "$_present" != "$want" ]; then
    _changed
    if [ -z "$check_mode" ]; then
      if [ -n "$want" ]; then
        [ -n "$_chain" ] || [ -z "$chain_management" ] || { _out cmd "$show_new_chain"; eval "_step $new_chain"; }
        _out cmd "$show_add"; eval "_step $add"
      else
        _out cmd "$show_delete"; eval "_step $delete"
      fi
    fi
  fi ;;
esac
exit 0
)SH";

bool given(const Value& v) { return !v.is_null(); }

// append_param: "!x" negates the flag.
void add_param(std::vector<std::string>& rule, const Value& param, const std::string& flag) {
  if (!given(param)) return;
  std::string p = to_display_string(param);
  if (!p.empty() && p[0] == '!') rule.insert(rule.end(), {"!", flag, p.substr(1)});
  else rule.insert(rule.end(), {flag, p});
}
void add_list_param(std::vector<std::string>& rule, const Value& list, const std::string& flag) {
  for (const auto& item : string_list(list)) add_param(rule, Value(item), flag);
}
void add_match_flag(std::vector<std::string>& rule, const Value& param, const std::string& flag, bool negatable) {
  if (param == "match") rule.push_back(flag);
  else if (negatable && param == "negate") rule.insert(rule.end(), {"!", flag});
}
void add_csv(std::vector<std::string>& rule, const Value& list, const std::string& flag) {
  if (truthy(list)) rule.insert(rule.end(), {flag, join(string_list(list), ",")});
}
void add_match(std::vector<std::string>& rule, bool when, const std::string& match) {
  if (when) rule.insert(rule.end(), {"-m", match});
}
bool list_has(const Value& list, const std::string& s) {
  for (const auto& item : string_list(list))
    if (item == s) return true;
  return false;
}

// Ansible's construct_rule, option by option in its order.
std::vector<std::string> construct_rule(const ModuleArgs& p) {
  std::vector<std::string> rule;
  if (truthy(p.value("wait"))) rule.insert(rule.end(), {"-w", to_display_string(p.value("wait"))});
  add_param(rule, p.value("protocol"), "-p");
  add_param(rule, p.value("source"), "-s");
  add_param(rule, p.value("destination"), "-d");
  add_list_param(rule, p.value("match"), "-m");
  const Value& tcp = p.value("tcp_flags");
  if (truthy(tcp) && tcp.contains("flags") && tcp.contains("flags_set"))
    rule.insert(rule.end(), {"--tcp-flags", join(string_list(tcp["flags"]), ","), join(string_list(tcp["flags_set"]), ",")});
  add_param(rule, p.value("jump"), "-j");
  if (given(p.value("jump")) && to_lower(to_display_string(p.value("jump"))) == "tee") add_param(rule, p.value("gateway"), "--gateway");
  for (const auto& [option, flag] : {std::pair{"log_prefix", "--log-prefix"}, std::pair{"log_level", "--log-level"},
                                     std::pair{"to_destination", "--to-destination"}})
    add_param(rule, p.value(option), flag);
  add_match(rule, truthy(p.value("destination_ports")), "multiport");
  add_csv(rule, p.value("destination_ports"), "--dports");
  // The plain options between, each "FLAG VALUE" (or "! FLAG VALUE").
  for (const auto& [option, flag] : {std::pair{"to_source", "--to-source"}, std::pair{"goto", "-g"},
                                     std::pair{"in_interface", "-i"}, std::pair{"out_interface", "-o"},
                                     std::pair{"fragment", "-f"}, std::pair{"set_counters", "-c"},
                                     std::pair{"source_port", "--source-port"},
                                     std::pair{"destination_port", "--destination-port"},
                                     std::pair{"to_ports", "--to-ports"}, std::pair{"set_dscp_mark", "--set-dscp"},
                                     std::pair{"set_dscp_mark_class", "--set-dscp-class"}})
    add_param(rule, p.value(option), flag);
  add_match_flag(rule, p.value("syn"), "--syn", true);
  if (list_has(p.value("match"), "conntrack")) {
    add_csv(rule, p.value("ctstate"), "--ctstate");
  } else if (list_has(p.value("match"), "state")) {
    add_csv(rule, p.value("ctstate"), "--state");
  } else if (truthy(p.value("ctstate"))) {
    add_match(rule, true, "conntrack");
    add_csv(rule, p.value("ctstate"), "--ctstate");
  }
  if (list_has(p.value("match"), "iprange")) {
    add_param(rule, p.value("src_range"), "--src-range");
    add_param(rule, p.value("dst_range"), "--dst-range");
  } else if (truthy(p.value("src_range")) || truthy(p.value("dst_range"))) {
    add_match(rule, true, "iprange");
    add_param(rule, p.value("src_range"), "--src-range");
    add_param(rule, p.value("dst_range"), "--dst-range");
  }
  if (list_has(p.value("match"), "set") || truthy(p.value("match_set"))) {
    if (!list_has(p.value("match"), "set")) add_match(rule, true, "set");
    add_param(rule, p.value("match_set"), "--match-set");
    if (given(p.value("match_set_flags"))) rule.push_back(to_display_string(p.value("match_set_flags")));
  }
  add_match(rule, truthy(p.value("limit")) || truthy(p.value("limit_burst")), "limit");
  add_param(rule, p.value("limit"), "--limit");
  add_param(rule, p.value("limit_burst"), "--limit-burst");
  add_match(rule, truthy(p.value("uid_owner")), "owner");
  add_match_flag(rule, p.value("uid_owner"), "--uid-owner", true);
  add_param(rule, p.value("uid_owner"), "--uid-owner");
  add_match(rule, truthy(p.value("gid_owner")), "owner");
  add_match_flag(rule, p.value("gid_owner"), "--gid-owner", true);
  add_param(rule, p.value("gid_owner"), "--gid-owner");
  if (!given(p.value("jump")) && truthy(p.value("reject_with"))) rule.insert(rule.end(), {"-j", "REJECT"});
  add_param(rule, p.value("reject_with"), "--reject-with");
  add_param(rule, p.value("icmp_type"), p.value("ip_version") == "ipv6" ? "--icmpv6-type" : "--icmp-type");
  add_match(rule, truthy(p.value("comment")), "comment");
  add_param(rule, p.value("comment"), "--comment");
  return rule;
}

// LooseVersion(v) >= 1.6.0 for "1.8.9 (nf_tables)".
bool supports_wait_seconds(const std::string& version) {
  std::vector<int> parts;
  size_t i = 0;
  while (i < version.size() && parts.size() < 3) {
    if (!std::isdigit(static_cast<unsigned char>(version[i]))) break;
    int n = 0;
    while (i < version.size() && std::isdigit(static_cast<unsigned char>(version[i]))) n = n * 10 + (version[i++] - '0');
    parts.push_back(n);
    if (i < version.size() && version[i] == '.') ++i;
  }
  parts.resize(3, 0);
  return parts >= std::vector<int>{1, 6, 0};
}

class IptablesModule : public Module {
 public:
  IptablesModule() {
    auto str = [](const char* n) { return opt(n); };
    spec_.options = {
        opt("table").def("filter").one_of({"filter", "nat", "mangle", "raw", "security"}),
        opt("state").def("present").one_of({"absent", "present"}),
        opt("action").def("append").one_of({"append", "insert"}),
        opt("ip_version").def("ipv4").one_of({"ipv4", "ipv6"}),
        str("chain"), str("rule_num"), str("protocol"), str("wait"), str("source"), str("to_source"),
        str("destination"), str("to_destination"),
        opt("match", OptionType::list).of(OptionType::str).def(Value::array()),
        opt("tcp_flags", OptionType::dict),
        str("jump"), str("gateway"), str("log_prefix"),
        opt("log_level").one_of({"0", "1", "2", "3", "4", "5", "6", "7", "emerg", "alert", "crit", "error", "warning",
                                 "notice", "info", "debug"}),
        str("goto"), str("in_interface"), str("out_interface"), str("fragment"), str("set_counters"),
        str("source_port"), str("destination_port"),
        opt("destination_ports", OptionType::list).of(OptionType::str).def(Value::array()),
        str("to_ports"), str("set_dscp_mark"), str("set_dscp_mark_class"), str("comment"),
        opt("ctstate", OptionType::list).of(OptionType::str).def(Value::array()),
        str("src_range"), str("dst_range"), str("match_set"),
        opt("match_set_flags").one_of({"src", "dst", "src,dst", "dst,src"}),
        str("limit"), str("limit_burst"), str("uid_owner"), str("gid_owner"), str("reject_with"), str("icmp_type"),
        opt("syn").def("ignore").one_of({"ignore", "match", "negate"}),
        opt("flush", OptionType::boolean),  // no default: exclusive with policy only when given
        opt("policy").one_of({"ACCEPT", "DROP", "QUEUE", "RETURN"}),
        opt("chain_management", OptionType::boolean).def(false),
    };
    spec_.mutually_exclusive = {{"set_dscp_mark", "set_dscp_mark_class"}, {"flush", "policy"}};
    spec_.required_if = {{"jump", "TEE", {"gateway"}}, {"jump", "tee", {"gateway"}}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    // Ansible's module changes its params (flush, jump, wait) on the way: a
    // copy, read through the typed reader.
    Value p = validated;
    const ModuleArgs params(p);
    if (params.value("flush").is_null()) p["flush"] = false;
    const std::string rule_text = join(construct_rule(params), " ");
    // Ansible's failed=False is dropped from the result the user sees.
    Value result{{"changed", false},
                 {"ip_version", params.value("ip_version")},
                 {"table", params.value("table")},
                 {"chain", params.value("chain")},
                 {"flush", params.value("flush")},
                 {"rule", rule_text},
                 {"state", params.value("state")},
                 {"chain_management", params.value("chain_management")}};
    // Ansible's order: the binary, then the options, then the version.
    const bool flush = params.value("flush").get<bool>();
    std::string refusal;
    if (!flush && params.value("chain").is_null()) refusal = "Either chain or flush parameter must be specified.";
    else if (truthy(params.value("log_prefix")) || truthy(params.value("log_level"))) {
      if (params.value("jump").is_null()) p["jump"] = "LOG";
      else if (params.value("jump") != "LOG") refusal = "Logging options can only be used with the LOG jump target.";
    }
    const std::string bin = params.value("ip_version") == "ipv6" ? "ip6tables" : "iptables";
    ScriptAnswer found = run_answer_script(ctx, std::string(kCommandStepFunction) + shell_assign("bin", Value(bin)) +
                                                    shell_assign("no_version", Value(!refusal.empty())) + kFindBody);
    Value failure = command_steps_failure(found);
    if (!failure.is_null()) return add_output_lines(failure), failure;
    if (!refusal.empty()) return failed_result(refusal);
    const std::string path = found.get("path");
    std::string version = found.get("version");
    if (auto v = version.find('v'); v != std::string::npos) version = version.substr(v + 1);
    if (!supports_wait_seconds(version)) p["wait"] = nullptr;

    // push_arguments: [iptables, -t, table, action, chain, (rule_num), rule...]
    auto command = [&](const std::string& action, bool with_rule) {
      std::vector<std::string> cmd{path, "-t", params.value("table").get<std::string>(), action};
      if (!params.value("chain").is_null()) cmd.push_back(to_display_string(params.value("chain")));
      if (action == "-I" && truthy(params.value("rule_num"))) cmd.push_back(to_display_string(params.value("rule_num")));
      if (with_rule) {
        auto rule = construct_rule(params);
        cmd.insert(cmd.end(), rule.begin(), rule.end());
      }
      return cmd;
    };
    std::string vars;
    auto define = [&](const std::string& name, const std::vector<std::string>& cmd) {
      std::string quoted, shown;
      for (const auto& w : cmd) {
        quoted += (quoted.empty() ? "" : " ") + shell_quote(w);
        shown += (shown.empty() ? "" : " ") + python_shlex_quote(w);
      }
      vars += shell_assign(name, Value(quoted)) + shell_assign("show_" + name, Value(shown));
    };
    std::string mode;
    if (flush) {
      mode = "flush";
      define("flush", command("-F", false));
    } else if (!params.value("policy").is_null()) {
      mode = "policy";
      define("list", command("-L", false));
      auto set = command("-P", false);
      set.push_back(params.value("policy").get<std::string>());
      define("set_policy", set);
      vars += shell_assign("policy", params.value("policy"));
    } else if (params.value("state") == "absent" && rule_text.empty()) {
      mode = "chain";
      define("list", command("-L", false));
      define("delete_chain", command("-X", false));
    } else {
      mode = "rule";
      define("check", command("-C", true));
      define("list", command("-L", false));
      define("new_chain", command("-N", false));
      define("add", command(params.value("action") == "insert" ? "-I" : "-A", true));
      define("delete", command("-D", true));
      vars += shell_assign("want", Value(params.value("state") == "present"));
    }
    vars += shell_assign("mode", Value(mode)) + shell_assign("check_mode", Value(ctx.check_mode)) +
            shell_assign("chain_management", params.value("chain_management"));
    ScriptAnswer a = run_answer_script(ctx, std::string(kCommandStepFunction) + vars + kRuleBody);
    failure = command_steps_failure(a);
    if (!failure.is_null()) return add_output_lines(failure), failure;
    result["changed"] = a.changed();
    return result;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration iptables_registration({"iptables"}, make_module<IptablesModule>);

}  // namespace drover
