// The shared plumbing of modules that inspect and change a target system
// (user, group, cron, sysctl, hostname, authorized_key, wait_for, ...): the
// module builds one POSIX shell script that both decides and acts, and the
// script answers in named fields that the module turns into Ansible's result.
//
// Protocol: every field is written as "\x1e" NAME "\n" VALUE (the value may
// hold newlines; it ends at the next \x1e or the end of output). The prelude
// (answer_prelude()) gives every script these shell functions:
//
//   _out NAME VALUE     answer a field
//   _fail MSG           answer failed=MSG and exit 0 (the module fails)
//   _run CMD ARGS...    run a command; its stdout, stderr and status are
//                       left in $_rout, $_rerr and $_rrc (and returned)
//   _outrun             answer rc, stdout and stderr of the last _run
//                       exactly (trailing newlines kept)
//   _changed            answer changed=1 (any number of times)
//   _pwent NAME|UID     the passwd line of a user (getent, or /etc/passwd)
//   _grent NAME|GID     the group line of a group (getent, or /etc/group)
//
// Nothing in the prelude needs more than /bin/sh and coreutils (GNU or
// busybox).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "modules/module.hpp"

namespace drover {

struct ScriptAnswer {
  std::map<std::string, std::string> fields;
  ExecResult exec;  // the raw round trip (exit status, stderr)

  bool has(const std::string& name) const { return fields.count(name) != 0; }
  // The field's value, or `fallback` when the script did not answer it.
  std::string get(const std::string& name, const std::string& fallback = "") const;
  // The field as an integer; `fallback` when absent or not a number.
  long long get_int(const std::string& name, long long fallback = 0) const;
  bool changed() const { return has("changed"); }
};

// The shell functions described above, to put before a module's body.
const std::string& answer_prelude();

// Splits a script's stdout into fields (exposed for unit tests).
std::map<std::string, std::string> parse_answer_fields(const std::string& out);

// Runs prelude + body with the context's become, timeout and environment.
ScriptAnswer run_answer_script(ModuleContext& ctx, const std::string& body, std::string stdin_data = {});

// A failure result when the script failed outside its own _fail (a shell
// syntax error, a missing program, an unexpected exit): Ansible-like
// "msg" with the script's stderr, plus rc. Empty (null) when it did not fail.
Value script_failure(const ScriptAnswer& a);

// `name='value'` and a newline, for the variables a script's body reads:
// null gives an empty value, true "1", false "" (so `[ -n "$name" ]` tests
// a boolean option), anything else its display string, shell-quoted.
std::string shell_assign(const std::string& name, const Value& v);

// Ansible's diff object for a module that shows before/after text.
Value text_diff(const std::string& before, const std::string& after, const std::string& before_header = "",
                const std::string& after_header = "");

// The shell command whose output add_path_info() reads: `stat` of "$1".
constexpr const char* kPathInfoCommand = "stat -L -c '%u %g %U %G %a %s %F'";

// AnsibleModule's add_path_info: a result with "path" gets the file's uid,
// gid, owner, group, mode, size and its kind as "state" (absent when the
// stat line is empty).
void add_path_info(Value& r, const std::string& stat_line);

// Values of `list` (strings or scalars) as strings.
std::vector<std::string> string_list(const Value& list);

}  // namespace drover
