// service_facts: the target's services as ansible_facts.services
// (ansible.builtin.service_facts, ansible-core 2.14, Linux): what
// `service --status-all` (sysv), `initctl list` (upstart), chkconfig (Red
// Hat's sysv), rc-status/rc-update (OpenRC) and, when PID 1 is systemd,
// `systemctl list-units` / `list-unit-files` say, merged in Ansible's order
// (later sources win) and with Ansible's parsing. No service found: the
// task is skipped with Ansible's message.
//
// The first round trip runs the listing tools; a second one, only when
// needed, asks what the listings leave out (`systemctl show` for unit files
// that list-units does not show, `service NAME status` for chkconfig's).
#include <cctype>

#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"
#include "template/regex.hpp"

namespace drover {
namespace {

// The probes are Ansible's gather_services() conditions, in its order.
constexpr const char* kListBody = R"SH(
export LANG=C LC_ALL=C LC_MESSAGES=C
_has() { command -v "$1" >/dev/null 2>&1; }
if _has service && ! _has chkconfig && ! _has rc-status; then
  _run service --status-all
  _out sysv "$_rout"; _out sysv_rc "$_rrc"; _out sysv_err "$_rerr"
  [ -e /etc/init.d ] && _out initd 1
fi
if _has initctl && ! _has chkconfig; then
  _run initctl list; _out upstart "$_rout"; _out upstart_rc "$_rrc"; _out upstart_err "$_rerr"
elif _has chkconfig; then
  # chkconfig's output without runlevels: SLES 11 wants -l --allservices,
  # RHEL 5 --list (Ansible's special cases).
  _on='[0-9]:(on|off)[[:space:]]+'
  _run chkconfig
  if ! printf '%s\n' "$_rout" | grep -Eq "^.*[[:space:]]+$_on$_on$_on$_on$_on$_on[0-9]:(on|off)"; then
    if printf '%s\n' "$_rout" | grep -Eq '^.*[[:space:]]+(on|off)'; then _run chkconfig -l --allservices
    else case "$_rerr" in *--list*) _run chkconfig --list ;; esac; fi
  fi
  _out chkconfig "$_rout"
elif _has rc-status && _has rc-update; then
  _out openrc "$(rc-status -a -s -m 2>&1 | grep '^ ' | tr -d '[]')"
  _out openrc_levels "$(rc-update show -v 2>&1 | grep '|')"
fi
if grep -q systemd /proc/1/comm 2>/dev/null && { _has systemctl || [ -x /usr/local/bin/systemctl ]; }; then
  _run systemctl list-units --no-pager --type service --all
  _out units "$_rout"; _out units_rc "$_rrc"; _out units_err "$_rerr"
  _run systemctl list-unit-files --no-pager --type service --all
  _out unit_files "$_rout"; _out unit_files_rc "$_rrc"; _out unit_files_err "$_rerr"
fi
)SH";

// Second trip: $show and $status hold names, one a line.
constexpr const char* kAskBody = R"SH(
export LANG=C LC_ALL=C LC_MESSAGES=C
printf '%s\n' "$show" | while IFS= read -r _n; do
  [ -n "$_n" ] || continue
  _a=$(systemctl show "$_n" --property=ActiveState) && _out "show:$_n" "$_a"
done
printf '%s\n' "$status" | while IFS= read -r _n; do
  [ -n "$_n" ] || continue
  _run service "$_n" status; _out "status:$_n" "$_rrc"; _out "status_err:$_n" "$_rerr"
done
)SH";

using Services = std::map<std::string, Value>;

Value service(const std::string& name, const std::string& state, const std::string& source) {
  return Value{{"name", name}, {"state", state}, {"source", source}};
}

void list_sysv(const ScriptAnswer& a, Services& out, Value& warnings) {
  if (a.get("sysv_rc") == "4" && !a.has("initd")) return;
  if (a.get("sysv_rc") != "0")
    warnings.push_back("Unable to query 'service' tool (" + a.get("sysv_rc") + "): " + a.get("sysv_err"));
  static const auto re = tmpl::Regex::compile(R"(^\s*\[ (?P<state>\+|\-) \]\s+(?P<name>.+)$)", false, true);
  const std::string text = a.get("sysv");
  for (const auto& m : re->find_all(text)) {
    std::string name = m.group(text, 2);
    out[name] = service(name, m.group(text, 1) == "+" ? "running" : "stopped", "sysv");
  }
}

void list_upstart(const ScriptAnswer& a, Services& out, Value& warnings) {
  if (a.get("upstart_rc") != "0") {
    warnings.push_back("Unable to query upstart for service data: " + a.get("upstart_err"));
    return;
  }
  static const auto re =
      tmpl::Regex::compile(R"(^\s?(?P<name>.*)\s(?P<goal>\w+)\/(?P<state>\w+)(\,\sprocess\s(?P<pid>[0-9]+))?\s*$)");
  std::string text = a.get("upstart");
  std::erase(text, '\r');
  for (const auto& line : split(text, '\n')) {
    auto m = re->match(line);
    if (!m) continue;
    std::string name = m->group(line, 1);
    Value s = service(name, m->group(line, 3), "upstart");
    s["goal"] = m->group(line, 2);
    out[name] = s;
  }
}

// chkconfig's services (names and runlevel 3) for the status trip.
std::vector<std::pair<std::string, bool>> list_rh(const ScriptAnswer& a) {
  static const auto re = tmpl::Regex::compile(
      R"((?P<service>.*?)\s+[0-9]:(?P<rl0>on|off)\s+[0-9]:(?P<rl1>on|off)\s+[0-9]:(?P<rl2>on|off)\s+)"
      R"([0-9]:(?P<rl3>on|off)\s+[0-9]:(?P<rl4>on|off)\s+[0-9]:(?P<rl5>on|off)\s+[0-9]:(?P<rl6>on|off))");
  std::vector<std::pair<std::string, bool>> found;
  for (const auto& line : split(a.get("chkconfig"), '\n'))
    if (auto m = re->match(line)) found.emplace_back(m->group(line, 1), m->group(line, 5) == "on");
  return found;
}

void list_openrc(const ScriptAnswer& a, Services& out) {
  std::map<std::string, Value> levels;
  for (const auto& line : split(a.get("openrc_levels"), '\n')) {
    auto bar = line.find('|');
    if (bar == std::string::npos) continue;
    auto next = line.find('|', bar + 1);
    std::vector<std::string> lv = split_whitespace(line.substr(bar + 1, next == std::string::npos ? next : next - bar - 1));
    Value v = lv.empty() ? Value() : Value::array();
    for (const auto& l : lv) v.push_back(l);
    levels[trim(line.substr(0, bar))] = v;
  }
  for (const auto& line : split(a.get("openrc"), '\n')) {
    auto f = split_whitespace(line);
    if (f.size() < 2) continue;
    Value s{{"name", f[0]}, {"runlevels", levels[f[0]]}, {"state", f[1]}, {"source", "openrc"}};
    out[f[0]] = s;
  }
}

// `systemctl show NAME --property=ActiveState` as Ansible reads it:
// "ActiveState=" removed anywhere, trailing blanks dropped; "unknown" when
// it failed or said nothing.
std::string active_state(const ScriptAnswer& ask, const std::string& name) {
  std::string shown = ask.get("show:" + name, "");
  if (shown.empty()) return "unknown";
  const std::string key = "ActiveState=";
  for (size_t p = shown.find(key); p != std::string::npos; p = shown.find(key, p)) shown.erase(p, key.size());
  while (!shown.empty() && std::isspace(static_cast<unsigned char>(shown.back()))) shown.pop_back();
  return shown;
}

bool bad_state(const std::string& s) { return s == "not-found" || s == "masked" || s == "failed"; }

void list_units(const ScriptAnswer& a, Services& out, Value& warnings) {
  if (a.get("units_rc") != "0") {
    warnings.push_back("Could not list units from systemd: " + a.get("units_err"));
    return;
  }
  for (const auto& line : split(a.get("units"), '\n')) {
    if (line.find(".service") == std::string::npos) continue;
    auto f = split_whitespace(line);
    std::string status;
    for (const char* bad : {"not-found", "masked", "failed"})
      if (std::find(f.begin(), f.end(), bad) != f.end()) {
        status = bad;
        f.erase(f.begin());
        break;
      }
    if (f.size() < 4) continue;  // Ansible would fail on such a line; systemctl prints none
    if (status.empty()) status = f[2];
    Value s = service(f[0], f[3] == "running" ? "running" : "stopped", "systemd");
    s["status"] = status;
    out[f[0]] = s;
  }
}

class ServiceFactsModule : public Module {
 public:
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value&, ModuleContext& ctx) const override {
    ScriptAnswer a = run_answer_script(ctx, kListBody);
    Value failure = script_failure(a);
    if (!failure.is_null()) return failure;
    Services services;
    Value warnings = Value::array();
    if (a.has("sysv")) list_sysv(a, services, warnings);
    if (a.has("upstart")) list_upstart(a, services, warnings);
    std::vector<std::pair<std::string, bool>> rh;
    if (a.has("chkconfig")) rh = list_rh(a);
    if (a.has("openrc")) list_openrc(a, services);

    Services units;
    std::vector<std::pair<std::string, std::string>> unit_files;  // name, status, in listing order
    if (a.has("units")) list_units(a, units, warnings);
    if (a.has("unit_files") && a.get("unit_files_rc") != "0") {
      warnings.push_back("Could not get unit files data from systemd: " + a.get("unit_files_err"));
    } else if (a.has("unit_files")) {
      for (const auto& line : split(a.get("unit_files"), '\n')) {
        if (line.find(".service") == std::string::npos) continue;
        auto f = split_whitespace(line);
        if (f.size() < 2) return failed_result("Malformed output discovered from systemd list-unit-files: " + line);
        unit_files.emplace_back(f[0], f[1]);
      }
    }
    std::string show, status;
    for (const auto& [name, st] : unit_files)
      if (!units.count(name)) show += name + "\n";
    for (const auto& [name, on] : rh) status += name + "\n";
    ScriptAnswer ask;
    if (!show.empty() || !status.empty()) {
      ask = run_answer_script(ctx, shell_assign("show", show) + shell_assign("status", status) + kAskBody);
      Value f = script_failure(ask);
      if (!f.is_null()) return f;
    }
    for (const auto& [name, on] : rh) {
      std::string rc = ask.get("status:" + name), state = rc == "0" ? "running" : "stopped";
      std::string err = to_lower(ask.get("status_err:" + name));
      for (const char* x : {"root", "permission", "not in sudoers"})
        if (rc != "0" && err.find(x) != std::string::npos) {
          warnings.push_back("Insufficient permissions to query sysV service \"" + name + "\" and their states");
          state = rc;
          break;
        }
      Value s = service(name, state, "sysv");
      s["status"] = on ? "enabled" : "disabled";
      if (state == rc) s["state"] = std::atoi(rc.c_str());
      services[name] = s;
    }
    for (const auto& [name, st] : unit_files) {
      if (!units.count(name)) {
        std::string state = active_state(ask, name);
        Value s = service(name, state, "systemd");
        s["status"] = st;
        units[name] = s;
      } else if (!bad_state(units[name]["status"].get<std::string>())) {
        units[name]["status"] = st;
      }
    }
    for (auto& [name, s] : units) services[name] = s;

    Value r{{"changed", false}};
    if (services.empty()) {
      r["skipped"] = true;
      r["msg"] = "Failed to find any services. This can be due to privileges or some other configuration issue.";
    } else {
      Value all = Value::object();
      for (auto& [name, s] : services) all[name] = s;
      r["ansible_facts"] = {{"services", all}};
    }
    if (!warnings.empty()) r["warnings"] = warnings;
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration service_facts_registration({"service_facts"}, make_module<ServiceFactsModule>);

}  // namespace drover
