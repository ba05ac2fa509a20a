// What every file module (copy, template, file, lineinfile, stat, ...) shares:
// the shell functions its one script calls on the target, the target's stat
// line, the mode / owner / group options and the result fields Ansible
// returns for a path.
//
// Promises: scripts use only POSIX sh and coreutils that GNU and busybox both
// have (stat -c, sha1sum, md5sum, mktemp, chmod, chown, id); check mode
// (`_dr_check` set) never changes the target; every attribute change is
// reported as records (mode_before/mode_after, owner_before/..) so that
// modules can show Ansible's diff.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.hpp"
#include "modules/answer_script.hpp"
#include "modules/module.hpp"

namespace drover::files {

// ---- the script ---------------------------------------------------------
// Shell functions for the start of a file module's script, after the
// answer functions (_out NAME VALUE, _dr_st PATH, _dr_stl PATH: lstat line
// "hexmode uid gid size nlink owner group"; answer_script.hpp):
//   _dr_die MSG            answer "failed" and exit 1 (stderr joins the
//                          module's msg)
//   _dr_dirname PATH       dirname(1) without a process: sets _dr_d
//   _dr_after PATH [-L]    record "after": PATH's stat line (-L: followed),
//                          the one _dr_attrs read when nothing changed since
//   _dr_tmp DIR            makes an empty private (0600) temporary file in
//                          DIR: sets _dr_t
//   _dr_attrs PATH MODE OWNER GROUP KIND [h]
//                          brings mode (octal "0644" or symbolic "u+x"),
//                          owner and group (names or ids, empty: keep) to
//                          what is asked; KIND d|f picks X semantics;
//                          h: do not follow a symlink. Sets _dr_changed=1
//                          and prints mode_before/mode_after/... records.
//   _dr_backup PATH        copies PATH to Ansible's backup name
//                          (PATH.PID.YYYY-MM-DD@HH:MM:SS~) and prints it
//                          as record backup_file
//   _dr_new_perm TMP DEST  gives TMP DEST's mode/owner when DEST exists,
//                          else 0666 & ~umask (Ansible's atomic_move)
// `check` sets _dr_check so that nothing changes.
std::string script_prelude(bool check);

// ---- stat ---------------------------------------------------------------
struct FileStat {
  bool exists = false;
  char kind = 0;  // 'f' file, 'd' directory, 'l' symlink, 'o' other
  unsigned mode = 0;  // permission bits (07777)
  unsigned long long uid = 0, gid = 0, size = 0, nlink = 1;
  std::string owner, group;
};
FileStat parse_stat(std::string_view line);
// Ansible's mode string: "0644", "01777".
std::string mode_string(unsigned mode);
// Ansible's get_state: file, directory, link, hard (a file with nlink > 1),
// absent.
std::string state_name(const FileStat& st);

// stat(1) format of the stat and find modules, and the dict they share
// (path, mode, is*, uid, gid, size, inode, dev, nlink, times, permission
// bits, pw_name, gr_name). Null when the line does not parse.
// Times with nanoseconds where stat(1) has them (GNU; busybox and old GNU
// print whole seconds for the precision), read as Python's os.stat floats.
constexpr const char* kStatFormat = "%f %u %g %s %h %i %d %b %o %.9X %.9Y %.9Z %t %T %U %G";
Value stat_dict(std::string_view line, const std::string& path);
// A time as stat's %.9Y prints it ("SECONDS[.NANOSECONDS]") as Python's
// os.stat float: seconds + nanoseconds * 1e-9.
double stat_time(const std::string& t);

// uid, gid, owner, group, mode, state, size: the fields Ansible's
// add_path_info puts into a result (owner/group only when known).
void add_path_info(Value& result, const FileStat& st);

// ---- options --------------------------------------------------------------
// mode / owner / group of a task, normalised: mode "" (keep), an octal
// string "0644" (from 420, "644", "0644") or a checked symbolic string.
struct Attrs {
  std::string mode;
  std::string owner;
  std::string group;
  bool empty() const { return mode.empty() && owner.empty() && group.empty(); }
  bool octal_mode() const { return !mode.empty() && mode.find_first_not_of("01234567") == std::string::npos; }
};
// Throws Error("bad symbolic permission for mode: ...") as Ansible does.
Attrs attrs_from_args(const Value& args);
// `_dr_attrs "$var" mode owner group kind [h]` for a shell variable name.
std::string attrs_call(const Attrs& a, const std::string& path_var, const std::string& kind_expr,
                       bool no_follow = false);

// Ansible's file-attribute diff fragments from the script's records: adds
// "mode", "owner", "group" to before/after when they changed.
void add_attr_diff(const AnswerFields& ans, Value& before, Value& after);

// ---- results --------------------------------------------------------------
// sha1 / md5 of bytes as lowercase hex (Ansible's checksum and md5sum).
std::string sha1_hex(std::string_view data);
std::string md5_hex(std::string_view data);

// Files bigger than this are not diffed (Ansible's max_file_size_for_diff).
constexpr unsigned long long kMaxDiffSize = 104448;

// ---- controller files -----------------------------------------------------
// Ansible's _find_needle: a relative `name` is looked for as
// <dir>/<subdir>/<name>, then <dir>/<name>, for each dir of the search path
// (role, task file's dir, playbook dir). Empty when nothing exists.
std::string find_controller_file(const std::vector<std::string>& search_path, const std::string& subdir,
                                 const std::string& name);
// Ansible's failure when _find_needle finds nothing (AnsibleFileNotFound,
// raised again as AnsibleActionFail): the paths searched for a relative
// name, the remote_src hint, and as "exception" the text whose last line
// the default callback shows.
Value controller_file_missing(const std::vector<std::string>& search_path, const std::string& subdir,
                              const std::string& name);
// Whole file; false when it cannot be read.
bool read_local_file(const std::string& path, std::string& out);

// The shell quoting of a string for a script.
std::string q(const std::string& s);

}  // namespace drover::files
