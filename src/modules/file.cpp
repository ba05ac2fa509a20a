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
#include "modules/registry.hpp"
#include "modules/file_attrs.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

using files::q;

// get_state in shell: $prev for $p.
constexpr const char* kGetState =
    "if [ -L \"$p\" ]; then prev=link; elif [ -d \"$p\" ]; then prev=directory; "
    "elif [ -e \"$p\" ]; then prev=file; [ \"$(stat -c %h -- \"$p\")\" -gt 1 ] && prev=hard; else prev=absent; fi\n"
    "_out prev \"$prev\"\n";

// Creates the directories listed in $_todo (parents first, one per line)
// and gives each the attributes, as Ansible's file module does. When the
// owner can still enter each one after its attributes are set (no mode, or
// an octal one with u=rwx), one mkdir and one stat serve all of them (each
// coreutil is ~1.4 ms of target CPU); otherwise, or after a failure, one
// by one, so that the message names the first that fails.
std::string make_missing_dirs(const files::Attrs& attrs) {
  const std::string& m = attrs.mode;
  bool enterable = m.empty() || (attrs.octal_mode() && (std::stoul(m, nullptr, 8) & 0700) == 0700);
  std::string one_by_one = "for q; do [ -d \"$q\" ] || mkdir -- \"$q\" || _dr_die \"There was an issue creating $q as requested\"; " +
                           files::attrs_call(attrs, "q", "d") + " || _dr_die \"could not set attributes of $q\"; done\n";
  std::string s = "      _old_ifs=$IFS; IFS='\n'; set -f; set -- $_todo; set +f; IFS=$_old_ifs\n";
  if (!enterable) return s + "      " + one_by_one;
  s += "      if mkdir -- \"$@\" 2>/dev/null; then :\n";
  if (!attrs.empty())
    s += "        _sts=$(stat -L -c '%f %u %g %s %h %U %G' -- \"$@\") || _sts=\n"
         "        for q; do _dr_pre=${_sts%%\"\n\"*}; _sts=${_sts#*\"\n\"}; " + files::attrs_call(attrs, "q", "d") +
         " || _dr_die \"could not set attributes of $q\"; done; _dr_pre=\n";
  return s + "      else " + one_by_one + "      fi\n";
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

// update_timestamp_for_file in shell for $p: records ts_before and ts_after
// ("ATIME MTIME" as stat's %.9X %.9Y) when the times change. now/now is one
// plain touch and both "after" times are the clock read just before, as in
// Ansible; otherwise the times are compared after touch sets them (check mode
// cannot compare a stamp, and says changed).
std::string timestamp_script(const std::string& mtime, const std::string& atime) {
  if (mtime == "preserve" && atime == "preserve") return "";
  const char* fail = " || _dr_die \"Error while updating modification or access time\"";
  std::string s = "  _ts0=$(stat -c '%.9X %.9Y' -- \"$p\")\n";
  if (mtime == "now" && atime == "now")
    return s + "  _now=$(date +%s.%N); case $_now in *N) _now=$(date +%s) ;; esac\n"
               "  [ -n \"$_dr_check\" ] || touch -c -- \"$p\"" + fail + "\n"
               "  _out ts_before \"$_ts0\"; _out ts_after \"$_now $_now\"; _dr_changed=1\n";
  std::string touches;
  for (const auto& [spec, flag] : {std::pair{mtime, "-m"}, std::pair{atime, "-a"}})
    if (spec != "preserve") touches += "touch -c " + std::string(flag) + (spec == "now" ? "" : " -t " + q(spec)) + " -- \"$p\" && ";
  return s + "  if [ -z \"$_dr_check\" ]; then " + touches + ":" + fail + "\n"
             "    _ts1=$(stat -c '%.9X %.9Y' -- \"$p\")\n"
             "    [ \"$_ts0\" = \"$_ts1\" ] || { _out ts_before \"$_ts0\"; _out ts_after \"$_ts1\"; _dr_changed=1; }\n"
             "  else _dr_changed=1; fi\n";
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
        opt("mode", OptionType::octal_mode),
        opt("owner"),
        opt("group"),
        opt("modification_time"),
        opt("modification_time_format").def("%Y%m%d%H%M.%S"),
        opt("access_time"),
        opt("access_time_format").def("%Y%m%d%H%M.%S"),
        opt("unsafe_writes", OptionType::boolean).def(false),
        opt("attributes").alias({"attr"}),
        opt("_original_basename"),
        opt("_diff_peek", OptionType::boolean),
        opt("seuser"), opt("serole"), opt("setype"), opt("selevel"),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string path = args["path"].get<std::string>();
    std::string state = args["state"].is_string() ? args["state"].get<std::string>() : "";
    const std::string src = args["src"].is_string() ? args["src"].get<std::string>() : "";
    bool force = args["force"] == true;
    files::Attrs attrs;
    try {
      attrs = files::attrs_from_args(args);
    } catch (const Error& e) {
      return failed_result(e.message());
    }
    if (args["recurse"] == true && state != "directory" && !state.empty())
      return failed_result("recurse option requires state to be 'directory'");

    std::string s = files::script_prelude(ctx.check_mode);
    s += "p=" + q(path) + "; src=" + q(src) + "\n";
    s += kGetState;
    // No state: the path's current one, or file (Ansible's default).
    if (state.empty()) s += "state=$prev; [ \"$prev\" = absent ] && state=file\n";
    else s += "state=" + q(state) + "\n";
    s += "_out state \"$state\"\n";
    std::string attrs_f = files::attrs_call(attrs, "p", "f"), attrs_d = files::attrs_call(attrs, "p", "d");
    std::string mtime, atime;
    try {
      mtime = time_spec(args["modification_time"], state, args["modification_time_format"]);
      atime = time_spec(args["access_time"], state, args["access_time_format"]);
    } catch (const Error& e) {
      return failed_result(e.message());
    }
    s += "case $state in\n";
    s += "absent)\n";
    // initial_diff lists a removed directory's content (os.walk); the walk
    // order is rebuilt on the controller from find's pre-order, which is
    // readdir's order as os.walk's is. Names reach the inner sh as
    // arguments, so any byte a name holds (a newline too) arrives intact.
    if (ctx.diff_mode)
      s += "  if [ \"$prev\" = directory ]; then printf '\\036walk\\n'; find \"$p\" -mindepth 1 -exec sh -c '"
           "for q do if [ -d \"$q\" ]; then if [ -L \"$q\" ]; then t=L; else t=d; fi; else t=f; fi; "
           "printf \"%s %s\\000\" \"$t\" \"$q\"; done' sh {} +; fi\n";
    s += "  if [ \"$prev\" != absent ]; then _dr_changed=1; [ -n \"$_dr_check\" ] || rm -rf -- \"$p\" || _dr_die \"rmtree failed\"; fi ;;\n";
    s += "file)\n"
         "  case $prev in file|hard) ;; link) [ -e \"$p\" ] || _dr_die \"file ($p) is absent, cannot continue\" ;;\n"
         "    *) _dr_die \"file ($p) is $prev, cannot continue\" ;; esac\n"
         "  " + attrs_f + " || _dr_die \"could not set attributes of $p\" ;;\n";
    s += "directory)\n"
         "  case $prev in\n"
         "  absent) _dr_changed=1\n"
         "    if [ -z \"$_dr_check\" ]; then\n"
         "      _todo=; _c=$p; while [ ! -e \"$_c\" ] && [ ! -L \"$_c\" ]; do _todo=\"$_c\n$_todo\"; _dr_dirname \"$_c\"; _c=$_dr_d; done\n" +
         make_missing_dirs(attrs) +
         "    fi ;;\n"
         "  directory) " + attrs_d + " || _dr_die \"could not set attributes of $p\" ;;\n"
         "  link) if [ -d \"$p\" ] && [ \"" + std::string(args["follow"] == true ? "1" : "") + "\" ]; then " + attrs_d +
         " || _dr_die \"could not set attributes of $p\"; else _dr_die \"$p already exists as a link\"; fi ;;\n"
         "  *) _dr_die \"$p already exists as a $prev\" ;;\n"
         "  esac\n";
    if (args["recurse"] == true && !attrs.empty()) {
      // Every entry below $p, walked by globs: names are never parsed from
      // text (any byte, a newline too, is safe). A directory's own
      // attributes are set before its entries are listed, as os.walk does
      // top-down. The for loop's words are expanded once, so the recursion
      // may reuse $q. Only $p's own changes are the diff's before and after
      // (Ansible's diff names the path alone): the entries' records are
      // dropped and their changes reported as rchanged. The walk runs in a
      // subshell, which keeps $p's state (_dr_changed) from the entries';
      // a failure (_dr_die) there ends the script.
      s += "  _dr_walk() { for q in \"$1\"/* \"$1\"/.[!.]* \"$1\"/..?*; do [ -e \"$q\" ] || [ -L \"$q\" ] || continue; "
           "_dr_changed=; { if [ -d \"$q\" ] && [ ! -L \"$q\" ]; then " + files::attrs_call(attrs, "q", "d") + "; else " +
           files::attrs_call(attrs, "q", "f", args["follow"] != true) +
           "; fi; } >/dev/null || _dr_die \"could not set attributes of $q\"; [ -z \"$_dr_changed\" ] || _out rchanged 1; "
           "if [ -d \"$q\" ] && [ ! -L \"$q\" ]; then _dr_walk \"$q\"; fi; done; }\n"
           "  if [ -d \"$p\" ]; then ( _dr_walk \"$p\" ) || exit 1; fi\n";
    }
    s += "  ;;\n";
    // execute_touch: a missing file is created (in check mode that is all
    // there is to say), then attributes and times as for any other path.
    s += "touch)\n"
         "  if [ \"$prev\" = absent ]; then _dr_changed=1\n"
         "    [ -z \"$_dr_check\" ] || { _out changed 1; exit 0; }\n"
         "    : > \"$p\" || _dr_die \"Error, could not touch target\"\n"
         "  fi\n"
         "  if [ -d \"$p\" ]; then " + attrs_d + "; else " + attrs_f + "; fi || _dr_die \"could not set attributes of $p\"\n" +
         timestamp_script(mtime, atime) + "  ;;\n";
    s += "link)\n"
         "  [ -n \"$src\" ] || [ \"$prev\" = link ] || _dr_die \"src is required for creating new symlinks\"\n"
         "  case $src in /*) _abs=$src ;; *) _dr_dirname \"$p\"; _abs=$_dr_d/$src ;; esac\n"
         "  [ -e \"$_abs\" ] || [ -n \"" + std::string(force ? "1" : "") + "\" ] || _dr_die \"src file does not exist, use \\\"force=yes\\\" if you really want to create the link: $_abs\"\n"
         "  case $prev in\n"
         "  directory) [ -n \"" + std::string(force ? "1" : "") + "\" ] || _dr_die \"refusing to convert from directory to symlink for $p\"\n"
         "     [ -z \"$(ls -A -- \"$p\")\" ] || _dr_die \"the directory $p is not empty, refusing to convert it\" ;;\n"
         "  file|hard) [ -n \"" + std::string(force ? "1" : "") + "\" ] || _dr_die \"refusing to convert from $prev to symlink for $p\" ;;\n"
         "  link) _old=$(readlink -- \"$p\"); [ -n \"$src\" ] || src=$_old; _out old_src \"$_old\" ;;\n"
         "  esac\n"
         "  if [ \"$prev\" != link ] || [ \"$_old\" != \"$src\" ]; then _dr_changed=1\n"
         "    if [ -z \"$_dr_check\" ]; then\n"
         "      if [ \"$prev\" = directory ]; then rmdir -- \"$p\"; elif [ \"$prev\" != absent ]; then rm -f -- \"$p\"; fi\n"
         "      ln -s -- \"$src\" \"$p\" || _dr_die \"Error while linking\"\n"
         "    fi\n"
         "  fi\n"
         "  if [ -L \"$p\" ]; then " + files::attrs_call(files::Attrs{"", attrs.owner, attrs.group}, "p", "f", true) +
         " || _dr_die \"could not set attributes of $p\"; fi\n"
         "  _out src \"$src\" ;;\n";
    s += "hard)\n"
         "  [ -n \"$src\" ] || [ \"$prev\" = hard ] || _dr_die \"src is required for creating new hardlinks\"\n"
         "  [ -z \"$src\" ] || [ -e \"$src\" ] || _dr_die \"src does not exist\"\n"
         "  if [ -n \"$src\" ] && { ! [ \"$p\" -ef \"$src\" ] || [ -L \"$p\" ]; }; then\n"
         "    case $prev in hard) [ -n \"" + std::string(force ? "1" : "") + "\" ] || _dr_die \"Cannot link, different hard link exists at destination\" ;;\n"
         "      file|directory) [ -n \"" + std::string(force ? "1" : "") + "\" ] || _dr_die \"Cannot link, $prev exists at destination\" ;; esac\n"
         "    _dr_changed=1\n"
         "    if [ -z \"$_dr_check\" ]; then\n"
         "      if [ \"$prev\" = directory ]; then rmdir -- \"$p\" || _dr_die \"Error while replacing\"; fi\n"
         "      ln -f -- \"$src\" \"$p\" || _dr_die \"Error while linking\"\n"
         "    fi\n"
         "  fi\n"
         "  if [ -e \"$p\" ]; then " + attrs_f + " || _dr_die \"could not set attributes of $p\"; fi\n"
         "  _out src \"$src\" ;;\n";
    s += "esac\n";
    if (state != "touch" && state != "absent") s += "if [ -e \"$p\" ]; then :\n" + timestamp_script(mtime, atime) + "fi\n";
    // A link whose target is missing: Ansible's add_path_info adds nothing.
    s += "[ -e \"$p\" ] || [ ! -L \"$p\" ] || _out dangling 1\n";
    s += "_dr_after \"$p\" ''; _out changed \"$_dr_changed\"\n";

    ExecResult res = run_own_script(ctx, s);
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
      if (args["follow"] == true)
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
