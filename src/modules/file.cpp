// file: the state of a path (ansible.builtin.file, ansible-core 2.14):
// file (attributes of an existing file), directory (mkdir -p, every created
// directory gets the attributes; recurse applies them below), touch, link,
// hard, absent; mode / owner / group; access_time / modification_time.
// The state before is read and the change made in one script; the result is
// the module's (path or dest/src, changed, diff) plus add_path_info.
#include <ctime>
#include <functional>
#include <map>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "modules/file_attrs.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {


// The script after its variables: $p, $src; $want, the state asked ("":
// the path's current one); $force, $follow, $recurse, $diff ("1" or "");
// $has_attrs and $mode, $owner, $group (files::Attrs; mode "" keeps it);
// $enterable (below); $mtime and $atime ("now", "preserve" or a touch -t
// stamp).
//
// _fm_attrs PATH KIND [h]: _dr_attrs with the task's mode, owner and group,
// nothing (not even a stat) when the task gives none.
//
// Missing directories are created parents first, each with the
// attributes, as Ansible's file module does. When the owner can still
// enter each one after its attributes are set ($enterable: no mode, or an
// octal one with u=rwx), one mkdir and one stat serve all of them (each
// coreutil is ~1.4 ms of target CPU); otherwise, or after a failure, one by
// one, so that the message names the first that fails.
//
// _fm_times is update_timestamp_for_file: records ts_before and ts_after
// ("ATIME MTIME" as stat's %.9X %.9Y) when the times change. now/now is one
// plain touch and both "after" times are the clock read just before, as in
// Ansible; otherwise the times are compared after touch sets them (check
// mode cannot compare a stamp, and says changed).
//
// state=absent with --diff: initial_diff lists a removed directory's
// content (os.walk); the walk order is rebuilt on the controller from
// find's pre-order, which is readdir's order as os.walk's is. Names reach
// the inner sh as arguments, so any byte a name holds (a newline too)
// arrives intact.
//
// recurse: every entry below $p, walked by globs: names are never parsed
// from text (any byte, a newline too, is safe). A directory's own
// attributes are set before its entries are listed, as os.walk does
// top-down. The for loop's words are expanded once, so the recursion may
// reuse $q. Only $p's own changes are the diff's before and after
// (Ansible's diff names the path alone): the entries' records are dropped
// and their changes reported as rchanged. The walk runs in a subshell,
// which keeps $p's state (_dr_changed) from the entries'; a failure
// (_dr_die) there ends the script.
constexpr const char* kFileBody = R"SH(_nl='
'
_fm_attrs() { [ -n "$has_attrs" ] || return 0; _dr_attrs "$1" "$mode" "$owner" "$group" "$2" $3; }
_fm_touch() {
  case $2 in preserve) ;; now) touch -c "$1" -- "$p" ;; *) touch -c "$1" -t "$2" -- "$p" ;; esac
}
_fm_times() {
  [ "$mtime" = preserve ] && [ "$atime" = preserve ] && return 0
  _ts0=$(stat -c '%.9X %.9Y' -- "$p")
  if [ "$mtime" = now ] && [ "$atime" = now ]; then
    _now=$(date +%s.%N); case $_now in *N) _now=$(date +%s) ;; esac
    [ -n "$_dr_check" ] || touch -c -- "$p" || _dr_die "Error while updating modification or access time"
    _out ts_before "$_ts0"; _out ts_after "$_now $_now"; _dr_changed=1
  elif [ -z "$_dr_check" ]; then
    { _fm_touch -m "$mtime" && _fm_touch -a "$atime"; } || _dr_die "Error while updating modification or access time"
    _ts1=$(stat -c '%.9X %.9Y' -- "$p")
    [ "$_ts0" = "$_ts1" ] || { _out ts_before "$_ts0"; _out ts_after "$_ts1"; _dr_changed=1; }
  else _dr_changed=1; fi
}
_fm_mkdirs() {
  _old_ifs=$IFS; IFS=$_nl; set -f; set -- $_todo; set +f; IFS=$_old_ifs
  if [ -n "$enterable" ] && mkdir -- "$@" 2>/dev/null; then
    if [ -n "$has_attrs" ]; then
      _sts=$(stat -L -c '%f %u %g %s %h %U %G' -- "$@") || _sts=
      for q; do _dr_pre=${_sts%%"$_nl"*}; _sts=${_sts#*"$_nl"}
        _fm_attrs "$q" d || _dr_die "could not set attributes of $q"; done; _dr_pre=
    fi
  else
    for q; do [ -d "$q" ] || mkdir -- "$q" || _dr_die "There was an issue creating $q as requested"
      _fm_attrs "$q" d || _dr_die "could not set attributes of $q"; done
  fi
}
_fm_walk() {
  for q in "$1"/* "$1"/.[!.]* "$1"/..?*; do [ -e "$q" ] || [ -L "$q" ] || continue
    _dr_changed=
    { if [ -d "$q" ] && [ ! -L "$q" ]; then _fm_attrs "$q" d; else _fm_attrs "$q" f $walk_h; fi; } >/dev/null ||
      _dr_die "could not set attributes of $q"
    [ -z "$_dr_changed" ] || _out rchanged 1
    if [ -d "$q" ] && [ ! -L "$q" ]; then _fm_walk "$q"; fi
  done
}
# get_state
if [ -L "$p" ]; then prev=link; elif [ -d "$p" ]; then prev=directory
elif [ -e "$p" ]; then prev=file; [ "$(stat -c %h -- "$p")" -gt 1 ] && prev=hard; else prev=absent; fi
_out prev "$prev"
# No state asked: the path's current one, or file (Ansible's default).
state=$want
if [ -z "$state" ]; then state=$prev; [ "$prev" = absent ] && state=file; fi
_out state "$state"
case $state in
absent)
  if [ -n "$diff" ] && [ "$prev" = directory ]; then
    printf '\036walk\n'
    find "$p" -mindepth 1 -exec sh -c 'for q do if [ -d "$q" ]; then if [ -L "$q" ]; then t=L; else t=d; fi; else t=f; fi; printf "%s %s\000" "$t" "$q"; done' sh {} +
  fi
  if [ "$prev" != absent ]; then _dr_changed=1; [ -n "$_dr_check" ] || rm -rf -- "$p" || _dr_die "rmtree failed"; fi ;;
file)
  case $prev in file|hard) ;; link) [ -e "$p" ] || _dr_die "file ($p) is absent, cannot continue" ;;
    *) _dr_die "file ($p) is $prev, cannot continue" ;; esac
  _fm_attrs "$p" f || _dr_die "could not set attributes of $p" ;;
directory)
  case $prev in
  absent) _dr_changed=1
    if [ -z "$_dr_check" ]; then
      _todo=; _c=$p; while [ ! -e "$_c" ] && [ ! -L "$_c" ]; do _todo="$_c$_nl$_todo"; _dr_dirname "$_c"; _c=$_dr_d; done
      _fm_mkdirs
    fi ;;
  directory) _fm_attrs "$p" d || _dr_die "could not set attributes of $p" ;;
  link) if [ -d "$p" ] && [ -n "$follow" ]; then _fm_attrs "$p" d || _dr_die "could not set attributes of $p"
    else _dr_die "$p already exists as a link"; fi ;;
  *) _dr_die "$p already exists as a $prev" ;;
  esac
  if [ -n "$recurse" ] && [ -n "$has_attrs" ] && [ -d "$p" ]; then ( _fm_walk "$p" ) || exit 1; fi ;;
touch)
  # execute_touch: a missing file is created (in check mode that is all
  # there is to say), then attributes and times as for any other path.
  if [ "$prev" = absent ]; then _dr_changed=1
    [ -z "$_dr_check" ] || { _out changed 1; exit 0; }
    : > "$p" || _dr_die "Error, could not touch target"
  fi
  if [ -d "$p" ]; then _fm_attrs "$p" d; else _fm_attrs "$p" f; fi || _dr_die "could not set attributes of $p"
  _fm_times ;;
link)
  [ -n "$src" ] || [ "$prev" = link ] || _dr_die "src is required for creating new symlinks"
  case $src in /*) _abs=$src ;; *) _dr_dirname "$p"; _abs=$_dr_d/$src ;; esac
  [ -e "$_abs" ] || [ -n "$force" ] ||
    _dr_die "src file does not exist, use \"force=yes\" if you really want to create the link: $_abs"
  case $prev in
  directory) [ -n "$force" ] || _dr_die "refusing to convert from directory to symlink for $p"
     [ -z "$(ls -A -- "$p")" ] || _dr_die "the directory $p is not empty, refusing to convert it" ;;
  file|hard) [ -n "$force" ] || _dr_die "refusing to convert from $prev to symlink for $p" ;;
  link) _old=$(readlink -- "$p"); [ -n "$src" ] || src=$_old; _out old_src "$_old" ;;
  esac
  if [ "$prev" != link ] || [ "$_old" != "$src" ]; then _dr_changed=1
    if [ -z "$_dr_check" ]; then
      if [ "$prev" = directory ]; then rmdir -- "$p"; elif [ "$prev" != absent ]; then rm -f -- "$p"; fi
      ln -s -- "$src" "$p" || _dr_die "Error while linking"
    fi
  fi
  # A link's own owner and group only (lchown); its mode is not changed.
  if [ -L "$p" ] && [ -n "$owner$group" ]; then
    _dr_attrs "$p" '' "$owner" "$group" f h || _dr_die "could not set attributes of $p"
  fi
  _out src "$src" ;;
hard)
  [ -n "$src" ] || [ "$prev" = hard ] || _dr_die "src is required for creating new hardlinks"
  [ -z "$src" ] || [ -e "$src" ] || _dr_die "src does not exist"
  if [ -n "$src" ] && { ! [ "$p" -ef "$src" ] || [ -L "$p" ]; }; then
    case $prev in hard) [ -n "$force" ] || _dr_die "Cannot link, different hard link exists at destination" ;;
      file|directory) [ -n "$force" ] || _dr_die "Cannot link, $prev exists at destination" ;; esac
    _dr_changed=1
    if [ -z "$_dr_check" ]; then
      if [ "$prev" = directory ]; then rmdir -- "$p" || _dr_die "Error while replacing"; fi
      ln -f -- "$src" "$p" || _dr_die "Error while linking"
    fi
  fi
  if [ -e "$p" ]; then _fm_attrs "$p" f || _dr_die "could not set attributes of $p"; fi
  _out src "$src" ;;
esac
case $want in touch|absent) ;; *) [ ! -e "$p" ] || _fm_times ;; esac
# A link whose target is missing: Ansible's add_path_info adds nothing.
[ -e "$p" ] || [ ! -L "$p" ] || _out dangling 1
_dr_after "$p" ''; _out changed "$_dr_changed"
)SH";

// Whether every directory that state=directory creates can still be
// entered by its owner once its attributes are set (no mode, or an octal
// one with u=rwx): then one mkdir -p-like call and one stat serve them all.
bool enterable(const files::Attrs& attrs) {
  const std::string& m = attrs.mode;
  return m.empty() || (attrs.octal_mode() && (std::stoul(m, nullptr, 8) & 0700) == 0700);
}

// A timestamp option as Ansible's file module reads it for `state`: "now",
// "preserve", or a time.strptime(value, format) stamp, given to touch -t as
// local time. Unset is "now" for touch and "preserve" for the other states.
std::string time_spec(const Value& v, const std::string& state, const Value& format) {
  if (!v.is_string()) return state == "touch" ? "now" : "preserve";
  std::string s = v.get<std::string>(), fmt = format.is_string() ? format.get<std::string>() : "%Y%m%d%H%M.%S";
  if (s == "now" || s == "preserve") return s;
  std::tm tm{};
  const char* end = strptime(s.c_str(), fmt.c_str(), &tm);
  if (!end || *end)
    throw Error("Error while obtaining timestamp for time " + s + " using format " + fmt + ": time data '" + s +
                "' does not match format '" + fmt + "'");
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M.%S", &tm);
  return buf;
}

// Ansible's initial_diff listing of a directory about to be removed: the
// directories and files that os.walk yields (top-down; in each directory its
// subdirectories, symlinks to directories among them, then the rest), from
// find's pre-order records "T PATH\0" (T: d directory, L symlink to one, f
// other; NUL ends a record because no path holds one).
Value walk_listing(const std::string& records) {
  std::vector<std::string> entries;
  for (size_t at = 0, end; (end = records.find('\0', at)) != std::string::npos; at = end + 1)
    if (end - at >= 3) entries.push_back(records.substr(at, end - at));
  std::map<std::string, std::vector<std::pair<char, std::string>>> children;  // parent -> entries, in order
  for (const auto& entry : entries) {
    std::string path = entry.substr(2);
    children[path.substr(0, path.rfind('/'))].emplace_back(entry[0], path);
  }
  Value dirs = Value::array(), files = Value::array();
  std::function<void(const std::string&)> walk = [&](const std::string& dir) {
    auto it = children.find(dir);
    if (it == children.end()) return;
    for (const auto& [type, path] : it->second) (type == 'f' ? files : dirs).push_back(path);
    for (const auto& [type, path] : it->second)
      if (type == 'd') walk(path);
  };
  if (!children.empty()) {
    // The top directory: the parent of the first entry find printed.
    std::string first = entries.front().substr(2);
    walk(first.substr(0, first.rfind('/')));
  }
  return Value{{"directories", dirs}, {"files", files}};
}

class FileModule : public Module {
 public:
  FileModule() {
    spec_.options = {
        opt("path", OptionType::path).req().alias({"dest", "name"}),
        opt("state").one_of({"absent", "directory", "file", "hard", "link", "touch"}),
        opt("recurse", OptionType::boolean).def(false),
        opt("force", OptionType::boolean).def(false),
        opt("follow", OptionType::boolean).def(true),
        opt("src", OptionType::path),
        opt("modification_time"),
        opt("modification_time_format").def("%Y%m%d%H%M.%S"),
        opt("access_time"),
        opt("access_time_format").def("%Y%m%d%H%M.%S"),
        opt("_original_basename"),
        opt("_diff_peek", OptionType::boolean),
    };
    files::add_common_options(spec_);
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    ModuleArgs args(validated);
    const std::string path = args.str("path");
    std::string state = args.str("state");
    const std::string src = args.str("src");
    bool force = args.flag("force");
    files::Attrs attrs;
    try {
      attrs = files::attrs_from_args(validated);
    } catch (const Error& e) {
      return failed_result(e.message());
    }
    if (args.flag("recurse") && state != "directory" && !state.empty())
      return failed_result("recurse option requires state to be 'directory'");

    std::string mtime, atime;
    try {
      mtime = time_spec(args.value("modification_time"), state, args.value("modification_time_format"));
      atime = time_spec(args.value("access_time"), state, args.value("access_time_format"));
    } catch (const Error& e) {
      return failed_result(e.message());
    }
    std::string vars = shell_assign("p", path) + shell_assign("src", src) + shell_assign("want", state) +
                       shell_assign("force", force) + shell_assign("follow", args.flag("follow")) +
                       shell_assign("walk_h", args.flag("follow") ? "" : "h") +
                       shell_assign("recurse", args.flag("recurse")) + shell_assign("diff", ctx.diff_mode) +
                       shell_assign("has_attrs", !attrs.empty()) +
                       shell_assign("mode", attrs.mode == "preserve" ? "" : attrs.mode) +
                       shell_assign("owner", attrs.owner) + shell_assign("group", attrs.group) +
                       shell_assign("enterable", enterable(attrs)) + shell_assign("mtime", mtime) +
                       shell_assign("atime", atime);
    ExecResult res = run_own_script(ctx, files::script_prelude(ctx.check_mode) + vars + kFileBody);
    AnswerFields ans = parse_answer(res.out);
    if (res.exit_status != 0 || ans.count("failed")) {
      Value f = script_failure(ans, res);
      f["path"] = path;
      // Ansible's AnsibleModuleError results carry these too.
      std::string msg = f.value("msg", std::string());
      if (ends_with(msg, "cannot continue") && ans.count("prev")) f["state"] = ans["prev"];
      if (msg.rfind("src file does not exist", 0) == 0) f["src"] = src;
      return f;
    }
    state = ans["state"];
    const std::string prev = ans["prev"];
    bool changed = !ans["changed"].empty() || ans.count("rchanged");

    Value before{{"path", path}}, after{{"path", path}};
    if (prev != state) {
      before["state"] = prev;
      after["state"] = state;
      if (state == "absent" && prev == "directory" && ans.count("walk")) before["path_content"] = walk_listing(ans["walk"]);
    }
    if (state == "link" && ans.count("old_src") && ans["old_src"] != ans["src"]) {
      before["src"] = ans["old_src"];
      after["src"] = ans["src"];
    }
    files::add_attr_diff(ans, before, after);
    if (ans.count("ts_before")) {
      // "ATIME MTIME" before and after; a time that moved enters the diff.
      auto b = split(ans["ts_before"], ' '), a = split(ans["ts_after"], ' ');
      for (size_t i = 0; i < 2 && b.size() == 2 && a.size() == 2; ++i)
        if (b[i] != a[i]) {
          const char* key = i == 0 ? "atime" : "mtime";
          before[key] = files::stat_time(b[i]);
          after[key] = files::stat_time(a[i]);
        }
    }

    Value r = Value::object();
    if (state == "link" || state == "hard" || state == "touch") {
      r["dest"] = path;
      if (state != "touch") r["src"] = ans["src"].empty() ? Value() : Value(ans["src"]);
    } else {
      r["path"] = path;
    }
    r["changed"] = changed;
    if (ctx.diff_mode && !(state == "absent" && !changed)) r["diff"] = Value{{"before", before}, {"after", after}};
    if (state == "absent") {
      r["state"] = "absent";
      return r;
    }
    if (ans.count("dangling")) {
      if (args.flag("follow"))
        r["warnings"] = Value::array({"Cannot set fs attributes on a non-existent symlink target. follow should be set to False to avoid this."});
      return r;
    }
    files::FileStat st = files::parse_stat(ans["after"]);
    if (st.exists) files::add_path_info(r, st);
    else r["state"] = "absent";
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration file_registration({"file"}, make_module<FileModule>);

}  // namespace drover
