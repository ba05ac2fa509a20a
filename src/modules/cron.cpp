// cron: jobs and environment lines in a user's crontab or a cron.d file
// (ansible.builtin.cron, ansible-core 2.14 semantics): Ansible's
// "#Ansible: <name>" marker line above each job, minute..weekday or
// special_time, disabled jobs, env=yes variables (insertafter/insertbefore),
// cron_file (removed when its last job goes), backup, check and diff.
//
// The crontab is edited on the controller by CronTab (a pure function of
// the text, unit-tested): one round trip reads it and, only when it must
// change, a second one installs the new text. The idempotent run, the common
// one, costs one round trip like every other module.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"
#include "modules/cron_tab.hpp"

namespace drover {
namespace {

// Reads the crontab (or cron_file) and says who runs the script.
constexpr const char* kReadBody = R"SH(
_out whoami "$(id -un)"
if [ -n "$cron_file" ]; then
  if [ -r "$cron_file" ]; then _out content "$(cat "$cron_file"; printf x)"; fi
else
  set -- crontab
  [ -n "$u" ] && [ "$u" != "$(id -un)" ] && set -- "$@" -u "$u"
  _run "$@" -l; _out rc "$_rrc"
  if [ "$_rrc" = 0 ]; then
    if [ -n "$_rout" ]; then _out content "$_rout
x"; else _out content x; fi
  fi
fi
)SH";

// Writes `new` (and the backup) and answers backup_file.
constexpr const char* kWriteBody = R"SH(
umask 022
if [ -n "$backup" ]; then
  _b=$(mktemp /tmp/crontabXXXXXXXX) && printf '%s' "$old" > "$_b" && _out backup_file "$_b"
fi
if [ -n "$remove_file" ]; then
  rm -f "$cron_file" || _fail "cannot remove $cron_file"
elif [ -n "$cron_file" ]; then
  printf '%s' "$new" > "$cron_file" || _fail "cannot write $cron_file"
else
  set -- crontab
  [ -n "$u" ] && [ "$u" != "$(id -un)" ] && set -- "$@" -u "$u"
  printf '%s' "$new" | "$@" - 2>"$_rtmp" || _fail "$(cat "$_rtmp")"
fi
)SH";

// The text after "x": command substitution drops trailing newlines, so the
// read script appends a sentinel and the module removes it.
std::string strip_sentinel(std::string s) {
  if (!s.empty() && s.back() == 'x') s.pop_back();
  return s;
}

class CronModule : public Module {
 public:
  CronModule() {
    spec_.options = {
        opt("name").req(),
        opt("user"),
        opt("job").alias({"value"}),
        opt("cron_file", OptionType::path),
        opt("state").def("present").one_of({"present", "absent"}),
        opt("backup", OptionType::boolean).def(false),
        opt("minute").def("*"),
        opt("hour").def("*"),
        opt("day").def("*").alias({"dom"}),
        opt("month").def("*"),
        opt("weekday").def("*").alias({"dow"}),
        opt("special_time").one_of({"reboot", "yearly", "annually", "monthly", "weekly", "daily", "hourly"}),
        opt("disabled", OptionType::boolean).def(false),
        opt("env", OptionType::boolean).def(false),
        opt("insertafter"),
        opt("insertbefore"),
    };
    spec_.mutually_exclusive = {{"insertafter", "insertbefore"}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    auto str = [&](const char* k) { return args[k].is_null() ? std::string() : to_display_string(args[k]); };
    std::string cron_file = str("cron_file");
    if (!cron_file.empty() && cron_file[0] != '/') cron_file = "/etc/cron.d/" + cron_file;
    const std::string user = str("user");
    const bool install = args["state"] == "present";
    Value warnings = Value::array();
    if (!cron_file.empty()) {
      if (cron_file == "/etc/crontab") return failed_result("Will not manage /etc/crontab via cron_file, see documentation.");
      std::string base = cron_file.substr(cron_file.rfind('/') + 1);
      bool ok = !base.empty();
      for (char c : base)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) ok = false;
      if (!ok)
        warnings.push_back("Filename portion of cron_file (\"" + base +
                           "\") should consist solely of upper- and lower-case letters, digits, underscores, and hyphens");
    }
    const std::string special = str("special_time");
    if (!special.empty())
      for (const char* k : {"minute", "hour", "day", "month", "weekday"})
        if (str(k) != "*") return failed_result("You must specify time and date fields or special time.");
    if (install) {
      if (!cron_file.empty() && user.empty())
        return failed_result("To use cron_file=... parameter you must specify user=... as well");
      if (args["job"].is_null()) return failed_result("You must specify 'job' to install a new cron job or variable");
      if ((!args["insertafter"].is_null() || !args["insertbefore"].is_null()) && args["env"] != true)
        return failed_result("Insertafter and insertbefore parameters are valid only with env=yes");
    }

    std::string vars = shell_assign("u", args["user"]) + shell_assign("cron_file", cron_file);
    ScriptAnswer read = run_answer_script(ctx, vars + kReadBody);
    Value failure = script_failure(read);
    if (!failure.is_null()) return failure;
    if (cron_file.empty() && read.get_int("rc") != 0 && read.get_int("rc") != 1)
      return failed_result("Unable to read crontab");
    CronTab tab(strip_sentinel(read.get("content")), !cron_file.empty());
    std::string header = !cron_file.empty() ? cron_file
                         : !user.empty()    ? "crontab for user \"" + user + "\""
                                            : "crontab";
    Value diff = Value::object();
    diff["before"] = tab.existing();
    diff["before_header"] = header;
    const std::string original = tab.render();

    bool changed = false;
    const std::string name = str("name");
    const std::string job = str("job");
    if (args["env"] == true) {
      if (name.find(' ') != std::string::npos) return failed_result("Invalid name for environment variable");
      std::string decl = name + "=\"" + job + "\"";
      auto old = tab.find_env(name);
      if (install) {
        if (!old) {
          std::string err = tab.add_env(decl, str("insertafter"), str("insertbefore"));
          if (!err.empty()) return failed_result(err);
          changed = true;
        } else if (old->second != decl) {
          tab.update_env(name, decl);
          changed = true;
        }
      } else if (old) {
        tab.remove_env(name);
        changed = true;
      }
    } else if (install) {
      std::string stripped = job;
      while (!stripped.empty() && (stripped.back() == '\n' || stripped.back() == '\r')) stripped.pop_back();
      while (!stripped.empty() && (stripped.front() == '\n' || stripped.front() == '\r')) stripped.erase(0, 1);
      if (stripped.find_first_of("\r\n") != std::string::npos) warnings.push_back("Job should not contain line breaks");
      std::string line = tab.job_line(str("minute"), str("hour"), str("day"), str("month"), str("weekday"), job,
                                      special, args["disabled"] == true, user);
      auto found = tab.find_job(name, line);
      if (!found.found || found.line != line || found.inserted_header) {
        if (found.found)
          tab.update_job(name, line);
        else
          tab.add_job(name, line);
        changed = true;
      }
    } else if (tab.find_job(name, "").found) {
      tab.remove_job(name);
      changed = true;
      if (!cron_file.empty() && tab.empty()) {
        // The file goes away with its last job.
        Value r = Value::object();
        bool exists = read.has("content");
        if (!ctx.check_mode) {
          ScriptAnswer w = run_answer_script(ctx, vars + shell_assign("remove_file", true) +
                                                      shell_assign("backup", false) + kWriteBody);
          Value f = script_failure(w);
          if (!f.is_null()) return f;
        }
        r["changed"] = exists;
        r["cron_file"] = str("cron_file");
        r["state"] = args["state"];
        r["diff"] = ctx.diff_mode ? Value{{"before", tab.existing()}, {"before_header", header}, {"after", ""},
                                          {"after_header", "/dev/null"}}
                                  : Value::object();
        return r;
      }
    }
    // No change, but an existing crontab lacking its final newline gets one.
    const std::string& existing = tab.existing();
    if (!changed && !existing.empty() && existing.back() != '\n' && existing.back() != '\r') changed = true;

    Value r = Value::object();
    r["jobs"] = tab.job_names();
    r["envs"] = tab.env_names();
    if (!warnings.empty()) r["warnings"] = warnings;
    r["changed"] = changed;
    if (changed) {
      if (!ctx.check_mode) {
        ScriptAnswer w = run_answer_script(ctx, vars + shell_assign("backup", args["backup"]) +
                                                    shell_assign("old", original) +
                                                    shell_assign("new", tab.render()) + kWriteBody);
        Value f = script_failure(w);
        if (!f.is_null()) return f;
        if (w.has("backup_file")) r["backup_file"] = w.get("backup_file");
      }
      if (ctx.diff_mode) {
        diff["after"] = tab.render();
        diff["after_header"] = header;
        r["diff"] = diff;
      }
    }
    if (!cron_file.empty()) r["cron_file"] = str("cron_file");
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration cron_registration({"cron"}, make_module<CronModule>);

}  // namespace drover
