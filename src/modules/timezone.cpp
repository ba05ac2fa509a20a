// timezone: the system time zone and whether the hardware clock keeps UTC
// or local time (community.general.timezone as shipped in Debian 12's
// ansible 7, Linux). As in Ansible: with a usable `timedatectl` everything
// goes through it; otherwise the distribution's files are edited
// (/etc/timezone and /etc/default/rcS with dpkg-reconfigure on Debian,
// /etc/conf.d/hwclock on Alpine and Gentoo, /etc/sysconfig/clock on Red Hat
// and SUSE), /etc/localtime is relinked or copied and `hwclock --systohc`
// runs. The result: changed, diff {before, after} of the options given, and
// msg listing the files edited and the logged commands.
//
// Round trips: one reads the state (the distribution and its files); when
// something differs and not in check mode, one makes the changes and reads
// the state again, which must then be as planned (Ansible's "still not
// desired state").
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"
#include "modules/command_steps.hpp"
#include "template/regex.hpp"

namespace drover {
namespace {

constexpr const char* kReadBody = R"SH(
export LANG=C LC_ALL=C
_file() { [ -f "$2" ] && _out "$1" "$(cat -- "$2"; printf x)"; return 0; }
_out tzfile_ok "$([ -f "/usr/share/zoneinfo/$name" ] && echo 1)"
_tdc=$(command -v timedatectl)
if [ -n "$_tdc" ] && _st=$(timedatectl 2>/dev/null); then
  _out kind systemd; _out tool "$_tdc"
  _run timedatectl status; _out status "$_rout"
  exit 0
fi
_out hwclock_bin "$(command -v hwclock)"
name_conf=/etc/timezone
if command -v dpkg-reconfigure >/dev/null 2>&1; then _out kind debian; hwclock_conf=/etc/default/rcS
elif [ -f /etc/alpine-release ]; then _out kind alpine; hwclock_conf=/etc/conf.d/hwclock
elif [ -f /etc/gentoo-release ]; then _out kind gentoo; hwclock_conf=/etc/conf.d/hwclock
else
  _out kind redhat; name_conf=/etc/sysconfig/clock hwclock_conf=/etc/sysconfig/clock
  _out suse "$( . /etc/os-release 2>/dev/null; case " $ID $ID_LIKE " in *suse*) echo 1 ;; esac)"
  _out tzdata_update "$(command -v tzdata-update)"
fi
_file name_conf "$name_conf"; _file hwclock_conf "$hwclock_conf"; _file adjtime /etc/adjtime
if [ -L /etc/localtime ]; then
  _out link "$(readlink /etc/localtime)"
  [ -e /etc/localtime ] && _out link_ok 1
elif [ -n "$name" ] && cmp -s /etc/localtime "/usr/share/zoneinfo/$name"; then
  _out same_zone 1
fi
)SH";

// Second trip: the steps the module decided, then the read body again.
constexpr const char* kStepFunctions = R"SH(
_write() { printf '%s' "$2" > "$1" || _fail "Error message:
tried to configure $3 using a file \"$1\", but could not write to it"; }
)SH";

struct State {
  std::map<std::string, std::string> values;  // hwclock / name as Ansible reads them
  std::string error;                          // an abort message
};

// Python's module.boolean() for the yes/no of config files.
bool truthy(const std::string& v) {
  std::string l = to_lower(v);
  return l == "yes" || l == "on" || l == "1" || l == "true" || l == "y" || l == "t";
}

std::optional<std::string> search(const char* pattern, const std::string& text) {
  auto m = tmpl::Regex::compile(pattern, false, true)->search(text);
  if (!m) return std::nullopt;
  return m->group(text, 1);
}

std::string file_text(const ScriptAnswer& a, const std::string& key) {
  std::string t = a.get(key);
  if (!t.empty()) t.pop_back();
  return t;
}

struct Platform {
  std::string kind;  // systemd, debian, alpine, gentoo, redhat
  std::string name_conf = "/etc/timezone", hwclock_conf;
  const char* name_re = R"(^([^\s]+))";
  std::string tz_line = "%s\n";
};

Platform platform_of(const ScriptAnswer& a) {
  Platform p;
  p.kind = a.get("kind");
  if (p.kind == "debian") p.hwclock_conf = "/etc/default/rcS";
  if (p.kind == "alpine" || p.kind == "gentoo") p.hwclock_conf = "/etc/conf.d/hwclock";
  if (p.kind == "redhat") {
    p.name_conf = p.hwclock_conf = "/etc/sysconfig/clock";
    bool suse = a.has("name_conf") ? search(R"(^TIMEZONE\s*=)", file_text(a, "name_conf")).has_value()
                                   : !a.get("suse").empty();
    p.name_re = suse ? R"RE(^TIMEZONE\s*=\s*"?([^"\s]+)"?)RE" : R"RE(^ZONE\s*=\s*"?([^"\s]+)"?)RE";
    p.tz_line = suse ? "TIMEZONE=\"%s\"\n" : "ZONE=\"%s\"\n";
  }
  return p;
}

// Ansible's get() for every option given, at `phase`.
State read_state(const ScriptAnswer& a, const Platform& p, const std::map<std::string, std::string>& planned,
                 bool before) {
  State s;
  for (const auto& [key, want] : planned) {
    std::string v;
    if (p.kind == "systemd") {
      auto m = search(key == "name" ? R"(^\s*Time ?zone\s*:\s*([^\s]+))" : R"(^\s*RTC in local TZ\s*:\s*([^\s]+))",
                      a.get("status"));
      v = !m ? "n/a" : key == "name" ? *m : truthy(*m) ? "local" : "UTC";
    } else if (key == "hwclock") {
      auto m = a.has("hwclock_conf") && !p.hwclock_conf.empty()
                   ? search(R"(^UTC\s*=\s*([^\s]+))", file_text(a, "hwclock_conf")) : std::nullopt;
      v = !m ? "n/a" : truthy(*m) ? "UTC" : "local";
      if (v == want) {
        auto adj = a.has("adjtime") ? search(R"(^(UTC|LOCAL)$)", file_text(a, "adjtime")) : std::nullopt;
        v = !adj || *adj == "UTC" ? "UTC" : "local";
      }
    } else {
      auto m = a.has("name_conf") ? search(p.name_re, file_text(a, "name_conf")) : std::nullopt;
      if (a.has("name_conf") && !m && !before) {
        s.error = "tried to configure name using a file \"" + p.name_conf +
                  "\", but could not find a valid value in it";
        return s;
      }
      v = m ? *m : "n/a";
      if (v == want) {
        if (a.has("link")) {
          auto linked = search(R"((?:/(?:usr/share|etc)/zoneinfo/)(.*))", a.get("link"));
          if (!a.has("link_ok") || !linked) v = "n/a";
          else if (*linked != want) v = *linked;
        } else if (!a.has("same_zone")) {
          v = "n/a";
        }
      }
    }
    s.values[key] = v;
  }
  return s;
}

// Ansible's _edit_file: the first line matching `re` replaced by `line`,
// the other matches deleted; a line added at the top when none matches.
std::string edited(const std::string& text, const char* re, const std::string& line, size_t& deleted) {
  auto rx = tmpl::Regex::compile(re);
  std::vector<std::string> lines = split_lines_keep_ends(text);
  std::vector<std::string> kept;
  size_t insert_at = std::string::npos;
  deleted = 0;
  for (const auto& l : lines) {
    if (rx->search(l)) {
      if (insert_at == std::string::npos) insert_at = kept.size();
      ++deleted;
    } else {
      kept.push_back(l);
    }
  }
  kept.insert(kept.begin() + static_cast<long>(insert_at == std::string::npos ? 0 : insert_at), line);
  return join(kept, "");
}

std::string py_dict(const std::map<std::string, std::string>& m) {
  std::string out = "{";
  for (const auto& [k, v] : m) out += (out.size() > 1 ? ", '" : "'") + k + "': '" + v + "'";
  return out + "}";
}

class TimezoneModule : public Module {
 public:
  TimezoneModule() {
    spec_.options = {
        opt("hwclock").one_of({"local", "UTC"}).alias({"rtc"}),
        opt("name"),
    };
    spec_.required_one_of = {{"hwclock", "name"}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    std::map<std::string, std::string> planned;
    for (const char* k : {"hwclock", "name"})
      if (!args[k].is_null()) planned[k] = to_display_string(args[k]);
    const std::string name = planned.count("name") ? planned["name"] : "";
    std::string vars = shell_assign("name", name);
    ScriptAnswer now = run_answer_script(ctx, vars + kReadBody);
    Value failure = script_failure(now);
    if (!failure.is_null()) return failure;
    Platform p = platform_of(now);
    if (!name.empty() && now.get("tzfile_ok").empty())
      return failed_result("Error message:\ngiven timezone \"" + name + "\" is not available");
    if (p.kind != "systemd" && now.get("hwclock_bin").empty())
      return failed_result("Failed to find required executable \"hwclock\" in paths: /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    State before = read_state(now, p, planned, true);

    std::map<std::string, std::string> after = planned;
    std::vector<std::string> msgs;
    if (!ctx.check_mode) {
      std::string steps;
      std::map<std::string, std::string> files;  // what the edits leave, for the next edit
      auto edit = [&](const std::string& key, const std::string& path, const char* re, const std::string& line) {
        std::string current = files.count(path) ? files[path] : now.has(key + "_conf") ? file_text(now, key + "_conf") : "";
        size_t deleted = 0;
        files[path] = edited(current, re, line, deleted);
        steps += "_write " + shell_quote(path) + " " + shell_quote(files[path]) + " " + key + "\n";
        msgs.push_back("Added 1 line and deleted " + std::to_string(deleted) + " line(s) on " + path);
      };
      auto exec = [&](const std::string& cmd, bool log) {
        steps += command_step(split_whitespace(cmd));
        if (log) msgs.push_back("executed `" + cmd + "`");
      };
      for (const auto& [key, want] : planned) {
        if (before.values[key] == want) continue;
        if (p.kind == "systemd") {
          exec(now.get("tool") + (key == "name" ? " set-timezone " + want : std::string(" set-local-rtc ") +
                                                                                (want == "local" ? "yes" : "no")),
               true);
        } else if (key == "hwclock") {
          if (!p.hwclock_conf.empty())
            edit("hwclock", p.hwclock_conf, R"(^UTC\s*=\s*([^\s]+))", want == "local" ? "UTC=no\n" : "UTC=yes\n");
          exec(now.get("hwclock_bin") + " --systohc " + (want == "local" ? "--localtime" : "--utc"), true);
        } else {
          std::string line = p.tz_line;
          line.replace(line.find("%s"), 2, want);
          edit("name", p.name_conf, p.name_re, line);
          const std::string tzfile = "/usr/share/zoneinfo/" + want;
          if (p.kind == "debian") {
            exec("ln -sf " + tzfile + " /etc/localtime", false);
            exec("dpkg-reconfigure --frontend noninteractive tzdata", false);
          } else if (p.kind == "alpine") {
            exec("setup-timezone -z " + want, false);
          } else if (p.kind == "redhat" && !now.get("tzdata_update").empty() && !now.has("link")) {
            exec(now.get("tzdata_update"), false);
          } else {
            exec("cp --remove-destination " + tzfile + " /etc/localtime", false);
          }
        }
      }
      if (!steps.empty()) {
        ScriptAnswer done = run_answer_script(ctx, vars + kStepFunctions + kCommandStepFunction + steps + kReadBody);
        failure = command_steps_failure(done);
        if (!failure.is_null()) return failure;
        State now_state = read_state(done, p, planned, false);
        if (!now_state.error.empty()) return failed_result(abort_message(now_state.error, msgs));
        if (now_state.values != planned)
          return failed_result(abort_message("still not desired state, though changes have made - planned: " +
                                                 py_dict(planned) + ", after: " + py_dict(now_state.values),
                                             msgs));
        after = now_state.values;
      } else {
        after = before.values;
      }
    }
    Value b = Value::object(), a = Value::object();
    for (const auto& [k, v] : before.values) b[k] = v;
    for (const auto& [k, v] : after) a[k] = v;
    Value r{{"changed", b != a}, {"diff", {{"before", b}, {"after", a}}}};
    if (!msgs.empty()) r["msg"] = join(msgs, "\n");
    return r;
  }

 private:
  static std::string abort_message(const std::string& msg, const std::vector<std::string>& others) {
    std::string out = "Error message:\n" + msg;
    if (!others.empty()) out += "\nOther message(s):\n" + join(others, "\n");
    return out;
  }

  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration timezone_registration({"timezone", "community.general.timezone"}, make_module<TimezoneModule>);

}  // namespace drover
