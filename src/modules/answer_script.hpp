// The one answer protocol between a module's shell script on the target and
// the module on the controller, and the shell functions every script starts
// with. A module builds one POSIX shell script that both decides and acts;
// the script answers in named fields that the module turns into Ansible's
// result.
//
// Protocol: every field is written as "\x1e" NAME "\n" VALUE (the value may
// hold newlines; it ends at the next \x1e or the end of output). A field
// answered twice keeps its last value. Values that are file contents never
// hold \x1e (scripts that show contents check). answer_functions() gives
// every script:
//
//   _out NAME VALUE     answer a field
//   _fail MSG           answer failed=MSG and exit 0 (the module fails)
//   _changed            answer changed=1 (any number of times)
//   _dr_st PATH         PATH's lstat line (kStatLine's format) or nothing
//   _dr_stl PATH        the same, following symlinks
//
// answer_prelude() adds what the system modules (user, group, cron, sysctl,
// hostname, authorized_key, wait_for, ...) use:
//
//   _run CMD ARGS...    run a command; its stdout, stderr and status are
//                       left in $_rout, $_rerr and $_rrc (and returned)
//   _outrun             answer rc, stdout and stderr of the last _run
//                       exactly (trailing newlines kept)
//   _pwent NAME|UID     the passwd line of a user (getent, or /etc/passwd)
//   _grent NAME|GID     the group line of a group (getent, or /etc/group)
//
// The file modules add theirs (files::script_prelude, file_attrs.hpp).
// Nothing here needs more than /bin/sh and coreutils (GNU or busybox).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.hpp"
#include "modules/module.hpp"

namespace drover {

// A script's fields by name.
using AnswerFields = std::map<std::string, std::string>;

// Splits a script's stdout into fields; text before the first \x1e is
// ignored.
AnswerFields parse_answer(std::string_view out);

struct ScriptAnswer {
  AnswerFields fields;
  ExecResult exec;  // the raw round trip (exit status, stderr)

  bool has(const std::string& name) const { return fields.count(name) != 0; }
  // The field's value, or `fallback` when the script did not answer it.
  std::string get(const std::string& name, const std::string& fallback = "") const;
  // The field as an integer; `fallback` when absent or not a number.
  long long get_int(const std::string& name, long long fallback = 0) const;
  bool changed() const { return has("changed"); }
};

// _out, _fail, _changed, _dr_st, _dr_stl (above).
const std::string& answer_functions();
// answer_functions() and the system modules' functions, to put before a
// module's body.
const std::string& answer_prelude();

// Runs answer_prelude() + body with the context's become, timeout and
// environment.
ScriptAnswer run_answer_script(ModuleContext& ctx, const std::string& body, std::string stdin_data = {});

// The failure of a script, null when it did not fail: become's own message
// ("Incorrect sudo password"); else the script's `failed` field, followed by
// its stderr when it exited non-zero (the file modules' `_dr_die`); else a
// timeout; else, for a non-zero exit, its stderr (or the status) and rc.
Value script_failure(const AnswerFields& fields, const ExecResult& exec);
inline Value script_failure(const ScriptAnswer& a) { return script_failure(a.fields, a.exec); }

// `name='value'` and a newline, for the variables a script's body reads:
// null gives an empty value, true "1", false "" (so `[ -n "$name" ]` tests
// a boolean option), anything else its display string, shell-quoted.
std::string shell_assign(const std::string& name, const Value& v);

// Ansible's diff object for a module that shows before/after text.
Value text_diff(const std::string& before, const std::string& after, const std::string& before_header = "",
                const std::string& after_header = "");

// AnsibleModule's add_path_info for a stat line from `_dr_stl PATH`: uid,
// gid, owner, group, mode, size and the kind as "state" ("absent" for an
// empty line).
void add_path_info(Value& r, const std::string& stat_line);

// Values of `list` (strings or scalars) as strings.
std::vector<std::string> string_list(const Value& list);

}  // namespace drover
