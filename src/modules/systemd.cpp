// systemd: units through systemctl (ansible.builtin.systemd /
// systemd_service, ansible-core 2.14 semantics): state started / stopped /
// restarted / reloaded, enabled, masked, daemon_reload, daemon_reexec,
// scope, no_block, force. One script reads `systemctl show` (returned as
// `status`, the state before any change, as Ansible does), decides from
// ActiveState and `is-enabled`, and acts; check mode only decides.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

constexpr const char* kSystemdBody = R"SH(
PATH=$PATH:/sbin:/usr/sbin
command -v systemctl >/dev/null 2>&1 || _fail "Failed to find required executable \"systemctl\" in paths: $PATH"
[ -n "$XDG_RUNTIME_DIR" ] || export XDG_RUNTIME_DIR=/run/user/$(id -u)
sc() { systemctl $flags "$@"; }
if [ -n "$daemon_reload" ] && [ -z "$check" ]; then _run sc daemon-reload || _fail "failure $_rrc during daemon-reload: $_rerr"; fi
if [ -n "$daemon_reexec" ] && [ -z "$check" ]; then _run sc daemon-reexec || _fail "failure $_rrc during daemon-reexec: $_rerr"; fi
[ -n "$unit" ] || exit 0
initd=; [ -e "/etc/init.d/$unit" ] && initd=1
is_systemd=; active=
_run sc show "$unit"
case "$_rout$_rerr" in *=*) _ign= ;; *"ignoring request"*|*"ignoring command"*) _ign=1 ;; *) _ign= ;; esac
if [ "$_rrc" = 0 ] && [ -z "$_ign" ]; then
  if [ -n "$_rout" ]; then
    _out show "$_rout"
    _ls=$(printf '%s\n' "$_rout" | sed -n 's/^LoadState=//p' | head -n 1)
    active=$(printf '%s\n' "$_rout" | sed -n 's/^ActiveState=//p' | head -n 1)
    [ -n "$_ls" ] && [ "$_ls" != not-found ] && is_systemd=1
    _le=$(printf '%s\n' "$_rout" | sed -n 's/^LoadError=//p' | head -n 1)
    if [ -n "$is_systemd" ] && [ "$_ls" != masked ] && printf '%s\n' "$_rout" | grep -q '^LoadError='; then
      _fail "Error loading unit file '$unit': $_le"
    fi
  fi
else
  _e=$(sc is-enabled "$unit" 2>/dev/null)
  case "$_e" in
    enabled|enabled-runtime|linked|linked-runtime|masked|masked-runtime|static|indirect|disabled|generated|transient) is_systemd=1 ;;
    *) sc list-unit-files "$unit" >/dev/null 2>&1 && is_systemd=1 || { _run sc || _fail "$_rerr"; } ;;
  esac
fi
found=; { [ -n "$is_systemd" ] || [ -n "$initd" ]; } && found=1
[ -n "$initd" ] && [ -z "$is_systemd" ] && _out warn_initd 1
_missing() { _fail "Could not find the requested service $unit: host"; }
if [ -n "$masked" ]; then
  _m=no; [ "$(sc is-enabled "$unit" 2>/dev/null)" = masked ] && _m=yes
  if [ "$_m" != "$masked" ]; then
    _changed
    if [ -z "$check" ]; then
      if [ "$masked" = yes ]; then _a=mask; else _a=unmask; fi
      sc $_a "$unit" >/dev/null 2>&1 || { [ -n "$found" ] || _missing; }
    fi
  fi
fi
if [ -n "$enabled" ]; then
  [ -n "$found" ] || _missing
  _on=no
  _o=$(sc is-enabled "$unit" -l 2>/dev/null); _rc=$?
  if [ "$_rc" = 0 ]; then
    _on=yes
    { [ "$_o" = indirect ] || [ "$_o" = alias ]; } && _on=no
  elif [ "$_rc" = 1 ] && [ "$scope" = system ] && [ -n "$initd" ]; then
    case "$_o" in *disabled) ;; *) ls /etc/rc?.d/S??"$unit" >/dev/null 2>&1 && _on=yes ;; esac
  fi
  _out enabled_now "$_on"
  if [ "$_on" != "$enabled" ]; then
    _changed; _out enabled_now "$enabled"
    if [ -z "$check" ]; then
      if [ "$enabled" = yes ]; then _a=enable; else _a=disable; fi
      _run sc $_a "$unit" || _fail "Unable to $_a service $unit: $_rout$_rerr"
    fi
  fi
fi
if [ -n "$state" ]; then
  [ -n "$found" ] || _missing
  if [ -n "$active" ]; then
    _run_=; case "$active" in active|activating) _run_=1 ;; esac
    _a=
    case "$state" in
      started) [ -z "$_run_" ] && _a=start ;;
      stopped) { [ -n "$_run_" ] || [ "$active" = deactivating ]; } && _a=stop ;;
      *) if [ -z "$_run_" ]; then _a=start; else _a=${state%ed}; fi ;;
    esac
    if [ -n "$_a" ]; then
      _changed
      if [ -z "$check" ]; then _run sc "$_a" "$unit" || _fail "Unable to $_a service $unit: $_rerr"; fi
    fi
  elif [ "$SYSTEMD_OFFLINE" = 1 ]; then
    _out warn_offline 1
  else
    _out unknown_state 1
  fi
fi
)SH";

// Ansible's parse_systemctl_show: Exec*={ ... } values may span lines.
Value parse_show(const std::string& out) {
  Value parsed = Value::object();
  std::string key;
  std::vector<std::string> multi;
  for (const auto& line : split(out, '\n')) {
    if (key.empty()) {
      auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      std::string k = line.substr(0, eq), v = line.substr(eq + 1);
      if (k.rfind("Exec", 0) == 0 && trim(v).rfind('{', 0) == 0 && trim(v).back() != '}') {
        key = k;
        multi.push_back(v);
        continue;
      }
      parsed[k] = trim(v);
    } else {
      multi.push_back(line);
      if (!trim(line).empty() && trim(line).back() == '}') {
        parsed[key] = trim(join(multi, "\n"));
        multi.clear();
        key.clear();
      }
    }
  }
  return parsed;
}

class SystemdModule : public Module {
 public:
  SystemdModule() {
    spec_.options = {
        opt("name").alias({"service", "unit"}),
        opt("state").one_of({"reloaded", "restarted", "started", "stopped"}),
        opt("enabled", OptionType::boolean),
        opt("force", OptionType::boolean),
        opt("masked", OptionType::boolean),
        opt("daemon_reload", OptionType::boolean).def(false).alias({"daemon-reload"}),
        opt("daemon_reexec", OptionType::boolean).def(false).alias({"daemon-reexec"}),
        opt("scope").def("system").one_of({"system", "user", "global"}),
        opt("no_block", OptionType::boolean).def(false),
    };
    spec_.required_one_of = {{"state", "enabled", "masked", "daemon_reload", "daemon_reexec"}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const Value& unit = args["name"];
    for (const char* k : {"state", "enabled", "masked"})
      if (!args[k].is_null() && unit.is_null()) return failed_result(std::string("missing parameter(s) required by '") + k + "': name");
    if (unit.is_string())
      for (char g : {'*', '?', '['})
        if (unit.get<std::string>().find(g) != std::string::npos)
          return failed_result(std::string("This module does not currently support using glob patterns, found '") + g +
                               "' in service name: " + unit.get<std::string>());
    std::string flags;
    if (args["scope"] != "system") flags += " --" + args["scope"].get<std::string>();
    if (args["no_block"] == true) flags += " --no-block";
    if (args["force"] == true) flags += " --force";
    auto yes_no = [&](const char* k) { return args[k].is_null() ? Value("") : Value(args[k] == true ? "yes" : "no"); };
    std::string script = shell_assign("unit", unit) + shell_assign("state", args["state"]) +
                         shell_assign("enabled", yes_no("enabled")) + shell_assign("masked", yes_no("masked")) +
                         shell_assign("daemon_reload", args["daemon_reload"]) +
                         shell_assign("daemon_reexec", args["daemon_reexec"]) + shell_assign("scope", args["scope"]) +
                         shell_assign("check", ctx.check_mode) + "flags=" + shell_quote(flags) + "\n" + kSystemdBody;
    ScriptAnswer a = run_answer_script(ctx, script);
    Value failure = script_failure(a);
    if (!failure.is_null()) return failure;
    Value r = Value::object();
    r["name"] = unit;
    r["changed"] = a.changed();
    r["status"] = a.has("show") ? parse_show(a.get("show")) : Value::object();
    if (a.has("unknown_state")) {
      Value f = failed_result("Service is in unknown state");
      f["status"] = r["status"];
      return f;
    }
    if (a.has("enabled_now")) r["enabled"] = a.get("enabled_now") == "yes";
    if (!args["state"].is_null()) r["state"] = args["state"] == "stopped" ? "stopped" : "started";
    Value warnings = Value::array();
    if (a.has("warn_initd"))
      warnings.push_back("The service (" + to_display_string(unit) +
                         ") is actually an init script but the system is managed by systemd");
    if (a.has("warn_offline"))
      warnings.push_back("Target is a chroot or systemd is offline. This can lead to false positives or prevent the "
                         "init system tools from working.");
    if (!warnings.empty()) r["warnings"] = warnings;
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration systemd_registration({"systemd", "systemd_service"},
                         make_module<SystemdModule>);

}  // namespace drover
