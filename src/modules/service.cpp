// service: start, stop, restart, reload and enable services
// (ansible.builtin.service, ansible-core 2.14 semantics on Linux) for
// System V init scripts (`service` or /etc/init.d/NAME, enabled with
// update-rc.d) and OpenRC (rc-service, rc-update). One script detects the
// init system as Ansible does, reads the status (the init script's exit
// code and words, or `pattern` in ps), acts and answers. Hosts run by
// systemd are handed to the systemd module, as Ansible's service action
// does. Commands that start daemons write to files, never to the session's
// pipes, so that a daemon keeping its descriptors cannot hold the session.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

constexpr const char* kServiceBody = R"SH(
_has() { command -v "$1" >/dev/null 2>&1 || [ -x "/sbin/$1" ] || [ -x "/usr/sbin/$1" ]; }
if _has systemctl && { [ -e /run/systemd/system/ ] || [ -e /dev/.run/systemd/ ] || [ -e /dev/.systemd/ ] || grep -q systemd /proc/1/comm 2>/dev/null; }; then
  _out systemd 1; exit 0
fi
PATH=$PATH:/sbin:/usr/sbin
_init=; [ -f "/etc/init.d/$name" ] && _init=/etc/init.d/$name
svc=; en=
if _has rc-service; then
  svc=rc-service; en=rc-update
else
  if [ -n "$_init" ]; then
    if _has update-rc.d; then en=update-rc.d; elif _has insserv; then en=insserv; elif _has chkconfig; then en=chkconfig; fi
  fi
  [ -n "$en" ] || _fail "Could not find the requested service $name: host"
  _has service && svc=service
  [ -n "$svc" ] || [ -n "$_init" ] || _fail "cannot find 'service' binary or init script for service,  possible typo in service name?, aborting"
fi
_o=$(mktemp); trap 'rm -f "$_rtmp" "$_rtmpo" "$_o"' EXIT
# Runs a service command with its output in files (see the header comment).
_svc() { "$@" >"$_o" 2>"$_rtmp" </dev/null; _rrc=$?; _rout=$(cat "$_o"); _rerr=$(cat "$_rtmp"); _lines=$(wc -l <"$_o"); return $_rrc; }
_control() {
  if [ "$svc" = service ] || [ "$svc" = rc-service ]; then _svc $svc "$name" "$1" $arguments
  elif [ -n "$_init" ]; then _svc "$_init" "$1" $arguments
  else _svc "$1" "$name" $arguments; fi
}
if [ -n "$enabled" ]; then
  _out enabled_given 1
  case "$en" in
    update-rc.d)
      _on=; ls /etc/rc?.d/S??"$name" >/dev/null 2>&1 && _on=yes
      if [ "$enabled" = yes ] && [ -z "$_on" ]; then
        _out enable_changed 1
        if [ -z "$check" ]; then
          if ! ls /etc/rc?.d/K??"$name" >/dev/null 2>&1; then
            _run update-rc.d "$name" defaults || _fail "${_rerr:-$_rout}"
          fi
          _run update-rc.d "$name" enable || _fail "${_rerr:-$_rout}"
        fi
      elif [ "$enabled" = no ] && [ -n "$_on" ]; then
        _out enable_changed 1
        [ -n "$check" ] || { _run update-rc.d "$name" disable || _fail "${_rerr:-$_rout}"; }
      fi ;;
    rc-update)
      _in=$(rc-update show 2>/dev/null | awk -F'|' -v n="$name" -v r="$runlevel" '{ gsub(/^[ \t]+|[ \t]+$/, "", $1); if ($1 == n) { k = split($2, a, /[ \t]+/); for (i = 1; i <= k; i++) if (a[i] == r) print "yes" } }')
      _act=
      if [ "$enabled" = yes ] && [ -z "$_in" ]; then _act=add; elif [ "$enabled" = no ] && [ -n "$_in" ]; then _act=delete; fi
      if [ -n "$_act" ]; then
        _out enable_changed 1
        if [ -n "$check" ]; then _out check_exit 1; exit 0; fi
        _run rc-update "$_act" "$name" "$runlevel" || {
          if [ -n "$_rerr" ]; then _fail "Error when trying to $_act $name: rc=$_rrc $_rerr"; else _fail "Failure for $_act $name: rc=$_rrc $_rout"; fi; }
      fi ;;
    *) _fail "drover's service module cannot enable services with $en yet" ;;
  esac
fi
[ -n "$state" ] || exit 0
running=
if [ -n "$pattern" ]; then
  ps auxww 2>/dev/null | grep -v 'pattern=' | grep -F -- "$pattern" | grep -v "grep -F" >/dev/null && running=yes || running=no
else
  _control status
  _rc=$_rrc
  if [ "$svc" = rc-service ]; then
    case "$_rout" in *started*) running=yes ;; *) running=no ;; esac
  fi
  if [ -z "$running" ]; then case "$_rc" in 1|2|3|4|69) running=no ;; esac; fi
  if [ -z "$running" ] && [ "$_lines" -le 1 ]; then
    _lo=$(printf '%s' "$_rout" | tr 'A-Z' 'a-z' | awk -v n="$(printf '%s' "$name" | tr 'A-Z' 'a-z')" '{ while (n != "" && (i = index($0, n)) > 0) $0 = substr($0, 1, i - 1) substr($0, i + length(n)); print }')
    case "$_lo" in
      *stop*) running=no ;;
      *run*) case "$_lo" in *"not "*) running=no ;; *) running=yes ;; esac ;;
      *start*) case "$_lo" in *"not "*) ;; *) running=yes ;; esac ;;
      *"could not access pid file"*|*"is dead and pid file exists"*|*"dead but subsys locked"*|*"dead but pid file exists"*) running=no ;;
    esac
  fi
  [ -z "$running" ] && [ "$_rc" = 0 ] && running=yes
fi
[ -n "$running" ] || _fail "failed determining service state, possible typo of service name?"
_act=
case "$state" in
  started) [ "$running" = no ] && _act=start ;;
  reloaded) if [ "$running" = no ]; then _act=start; else _act=reload; fi ;;
  stopped) [ "$running" = yes ] && _act=stop ;;
  restarted) _act=restart ;;
esac
[ -n "$_act" ] || exit 0
_out svc_change 1
if [ -n "$check" ]; then _out check_exit 1; exit 0; fi
if [ "$_act" = restart ] && [ "$svc" != rc-service ]; then
  _control stop; _rc1=$_rrc; _o1=$_rout; _e1=$_rerr
  [ -n "$sleep" ] && sleep "$sleep"
  _control start; _rc2=$_rrc
  if [ "$_rc1" != 0 ] && [ "$_rc2" = 0 ]; then :; else _rrc=$((_rc1 + _rc2)); _rout=$_o1$_rout; _rerr=$_e1$_rerr; fi
else
  _control "$_act"
fi
if [ "$_rrc" != 0 ]; then
  case "$_rerr" in *"Job is already running"*) ;; *) _fail "${_rerr:-$_rout}" ;; esac
fi
)SH";

class ServiceModule : public Module {
 public:
  ServiceModule() {
    spec_.options = {
        opt("name").req(),
        opt("state").one_of({"started", "stopped", "reloaded", "restarted"}),
        opt("sleep", OptionType::integer),
        opt("pattern"),
        opt("enabled", OptionType::boolean),
        opt("runlevel").def("default"),
        opt("arguments").def("").alias({"args"}),
        opt("use").def("auto"),
    };
    spec_.required_one_of = {{"state", "enabled"}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string use = args["use"].get<std::string>();
    if (use == "systemd") return run_systemd(args, ctx);
    Value enabled = args["enabled"];
    std::string script = shell_assign("name", args["name"]) + shell_assign("state", args["state"]) +
                         shell_assign("sleep", args["sleep"]) + shell_assign("pattern", args["pattern"]) +
                         shell_assign("enabled", enabled.is_null() ? Value("") : Value(enabled == true ? "yes" : "no")) +
                         shell_assign("runlevel", args["runlevel"]) + shell_assign("arguments", args["arguments"]) +
                         shell_assign("check", ctx.check_mode) + kServiceBody;
    ScriptAnswer a = run_answer_script(ctx, script);
    if (a.has("systemd")) return run_systemd(args, ctx);
    Value failure = script_failure(a);
    if (!failure.is_null()) return failure;
    // update-rc.d reports the enable change only through `changed`;
    // Ansible's check mode stops early for a state change (and rc-update).
    const bool enable_changed = a.has("enable_changed");
    if (a.has("check_exit")) {
      if (a.has("svc_change")) return Value{{"changed", true}, {"msg", "service state changed"}};
      return Value{{"changed", true}};
    }
    Value r = Value::object();
    r["name"] = args["name"];
    if (!enabled.is_null()) r["enabled"] = enabled;
    if (args["state"].is_null()) {
      r["changed"] = enable_changed;
      return r;
    }
    const std::string state = args["state"].get<std::string>();
    r["state"] = state == "stopped" ? "stopped" : "started";
    r["changed"] = enable_changed || a.has("svc_change");
    return r;
  }

 private:
  // Ansible's service action runs the systemd module on systemd hosts,
  // without the options that module does not know.
  static Value run_systemd(const Value& args, ModuleContext& ctx) {
    const ModuleEntry* systemd = find_module("systemd");
    if (!systemd) return failed_result("the systemd module is not available");
    Value sargs = Value::object();
    for (const char* k : {"name", "state", "enabled"})
      if (!args[k].is_null()) sargs[k] = args[k];
    return systemd->module->run(validate_args("systemd", systemd->module->spec(), sargs), ctx);
  }
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration service_registration({"service"}, make_module<ServiceModule>);

}  // namespace drover
