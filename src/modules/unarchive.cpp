// unarchive: unpack a tar (plain, gz, bz2, xz, zstd) or zip archive into a
// directory of the target (ansible.builtin.unarchive, ansible-core 2.14),
// from the controller (found along the search path, files/ first; the bytes
// ride on the script's stdin into a temporary file) or with remote_src from
// the target.
//
// The handler is found as Ansible's pick_handler finds it: `unzip -l`, then
// `tar --list` with -z, none (tar detects the compression), -j, -J and zstd;
// the first that lists anything names the handler (ZipArchive, TgzArchive,
// TarArchive...) and its listing is the result's `files`. In check mode a
// tar archive is skipped as Ansible's tar handlers skip it.
//
// Whether to extract is decided without GNU tar's --diff or zipinfo
// (busybox has neither): the archive is unpacked into a scratch directory
// and each listed entry compared with dest by the rules Ansible applies to
// those tools' reports. tar: a missing entry (not a symlink), a file's or a
// directory's mode, a file's mtime and (as root) owner and group -- a
// differing content, symlink or kind alone is not a change, as with --diff.
// zip: Ansible's itemized ">f++++++.??" lines (missing, kind, mtime, size,
// content, mode, owner, group), returned as diff.prepared; busybox unzip
// does not restore mtimes, so a scratch file no older than the extraction
// has no mtime to compare. Only then is the
// archive extracted, straight into dest with the command Ansible runs, so
// dest's own attributes change only when the archive has a "./" entry.
// mode/owner/group go to every listed entry and its top folder, as
// Ansible's set_fs_attributes_if_different loop does.
//
// GNU tar is relied on where Ansible relies on it: exclude (--exclude),
// extra_opts with --show-transformed-names (added only for GNU tar) and
// keep_newer (--keep-newer-files). Without them busybox tar and unzip do.
#include <set>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/vault.hpp"
#include "modules/answer_script.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "modules/file_attrs.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

using files::q;

// The script's variables, set by the module: $sl (src as reported), $d
// (dest), $ua_creates, $ua_stdin (the archive comes on stdin; else $sl is
// on the target), the option lists as shell words the controller quoted
// ($ua_extra: extra_opts; $ua_texcl: --exclude=P... for tar; $ua_zexcl: -x
// P... for unzip, or nothing; $ua_incl: include), $ua_keep
// (--keep-newer-files or nothing), $ua_mode (the mode asked; $ua_octal when
// it is octal), $ua_own and $ua_grp (owner and group asked, or empty),
// $ua_attrs (1 when any of the three is asked). A command line that takes a
// list is evaluated (_ua_tar, _ua_unzip), every other value is expanded
// quoted.
//
// A controller archive is read off stdin before anything can end the script.
constexpr const char* kReceive = R"SH(if [ -n "$ua_stdin" ]; then
  a=$(mktemp) || _dr_die 'could not create a temporary file'; trap 'rm -f "$a"' EXIT; cat > "$a"
fi
)SH";

// Ansible's action: creates is checked before anything else.
constexpr const char* kCreatesCheck = R"SH([ -z "$ua_creates" ] || [ ! -e "$ua_creates" ] || { _out skipped 1; exit 0; }
)SH";

constexpr const char* kScript = R"SH([ -d "$d" ] || { _out nodest 1; exit 0; }
if [ -z "$ua_stdin" ]; then a=$sl; [ -e "$a" ] || _dr_die "Source '$a' does not exist"; fi
t=$(mktemp -d) || _dr_die 'could not create a temporary directory'
trap 'rm -rf "$t"; [ -z "$ua_stdin" ] || rm -f "$a"' EXIT
# tar and unzip with the lists: ACTION DIR [KEEP] and OPTIONS DIR.
_ua_tar() { eval "LC_ALL=C.UTF-8 \"\$tp\" \"\$1\" -C \"\$2\" \$z \$go $ua_extra \${3:+\"\$3\"} $ua_texcl -f \"\$a\" $ua_incl"; }
_ua_unzip() { eval "\"\$uz\" $1 $ua_extra \"\$a\" $ua_zexcl $ua_incl -d \"\$2\""; }
[ -r "$a" ] || _dr_die "Source '$sl' not readable"
[ -s "$a" ] || _dr_die "Invalid archive '$sl', the file is 0 bytes"
uz=$(command -v unzip); tp=$(command -v gtar || command -v tar); h=; i=0
_ua_no() { i=$((i+1)); printf '\036reason%s\n%s' "$i" "$1"; [ -z "$2" ] || cat "$2"; }
if [ -z "$uz" ]; then
  command -v zipinfo >/dev/null && _ua_no "Unable to find required 'unzip' binary in the path." || _ua_no "Unable to find required 'unzip' or 'zipinfo' binary in the path."
  _ua_no "Unable to find required 'unzip' or 'unzip' binary in the path."
elif "$uz" -l "$a" > "$t/l" 2> "$t/e"; then h=ZipArchive
else _ua_no "Command \"$uz\" could not handle archive: " "$t/e"; fi
go=
if [ -z "$h" ]; then
  [ -z "$_dr_check" ] || { _out checkskip 1; exit 0; }
  if [ -z "$tp" ]; then _ua_no "Unable to find required 'gtar' or 'tar' binary in the path"
  else
    [ -z "$ua_extra" ] || ! "$tp" --version 2>/dev/null | grep -q GNU || go=--show-transformed-names
    for z in -z '' -j -J --use-compress-program=zstd; do
      if _ua_tar --list "$d" > "$t/l" 2> "$t/e"; then
        if [ -s "$t/l" ]; then
          case $z in -z) h=TgzArchive ;; '') h=TarArchive ;; -j) h=TarBzipArchive ;; -J) h=TarXzArchive ;; *) h=TarZstdArchive ;; esac
          break
        fi
        _ua_no "Command \"$tp\" found no files in archive. Empty archive files are not supported."
      else _ua_no "Command \"$tp\" could not handle archive: Unable to list files in the archive: " "$t/e"; fi
    done
  fi
  [ -n "$h" ] || { _out nohandler 1; exit 0; }
  cp "$t/l" "$t/n"
else
  # unzip -l lists what include/exclude select when they are given.
  [ -z "$ua_incl$ua_zexcl" ] || eval "\"\$uz\" -l \"\$a\" $ua_incl $ua_zexcl" > "$t/l" 2> /dev/null
  awk 'f && /^ *-----/ { exit } f { sub(/^ *[0-9]+ +[^ ]+ +[^ ]+   /, ""); print } /^-----/ { f = 1 }' "$t/l" > "$t/n"
fi
_out handler "$h"; _out tp "$tp"; _out uz "$uz"; _out z "$z"; _out go "$go"; _out a "$a"
printf '\036files\n'; cat "$t/n"
_ua_st() {
  set -- $(stat -c '%f %a %u %g %Y %s' -- "$1" 2>/dev/null); [ $# = 6 ] || return 1
  case $(( 0x$1 & 0170000 )) in 32768) k=f ;; 16384) k=d ;; 40960) k=l ;; *) k=o ;; esac
  m=$2; u=$3; g=$4; y=$5; s=$6
}
_ua_sym() {
  _T=$(mktemp -d) || return 1
  if [ "$2" = d ]; then mkdir "$_T/x"; else : > "$_T/x"; fi
  chmod "$1" "$_T/x" && chmod -- "$3" "$_T/x" && stat -c %a "$_T/x"; rm -rf "$_T"
}
ru=$(id -u); rg=$(id -g); fu=$ru; fg=$rg
[ -z "$ua_own" ] || { case $ua_own in *[!0-9]*) fu=$(id -u -- "$ua_own" 2>/dev/null) || fu=$ru ;; *) fu=$ua_own ;; esac; }
[ -z "$ua_grp" ] || { case $ua_grp in
  *[!0-9]*) fg=$( { getent group "$ua_grp" || grep "^$ua_grp:" /etc/group; } 2>/dev/null | head -n 1 | cut -d: -f3); [ -n "$fg" ] || fg=$rg ;;
  *) fg=$ua_grp ;; esac; }
mkdir "$t/x"
if [ "$h" = ZipArchive ]; then
  : > "$t/stamp"; _ua_unzip '-o -q' "$t/x" > /dev/null 2>&1
  while IFS= read -r n; do
    _ua_st "$t/x/$n" || continue; sk=$k; sm=$m; sy=$y; ss=$s
    case $n in */) ft=d ;; *) if [ "$sk" = l ]; then ft=L; else ft=f; fi ;; esac
    _ua_st "$d/$n" || { echo ">$ft++++++.?? $n"; continue; }
    case $ft$k in d[!d]|f[!f]|L[!l]) echo "c$ft++++++.?? $n"; continue ;; esac
    c2=.; c3=.; c4=.; c5=.; c6=.
    if [ "$k" = f ]; then
      [ "$y" = "$sy" ] || [ ! "$t/x/$n" -ot "$t/stamp" ] || c4=t
      [ "$s" = "$ss" ] || c3=s
      cmp -s "$t/x/$n" "$d/$n" || c2=c
    fi
    if [ "$ft" != L ]; then
      # The mode the entry should have: the archive's, the octal asked, or
      # the symbolic one applied to dest's.
      if [ -z "$ua_mode" ]; then w=$sm; elif [ -n "$ua_octal" ]; then w=$ua_mode; else w=$(_ua_sym "$m" "$k" "$ua_mode"); fi
      [ "$((0$w))" = "$((0$m))" ] || c5=p
    fi
    [ "$u" = "$fu" ] || c6=o
    [ "$g" = "$fg" ] || c6=g
    [ "$c2$c3$c4$c5$c6" = ..... ] || echo ".$ft$c2$c3$c4$c5$c6..?? $n"
  done < "$t/n" > "$t/diff"
  printf '\036diff\n'; cat "$t/diff"
  [ -s "$t/diff" ] && ch=1 || ch=
  _ua_x() { _ua_unzip -o "$d"; }
else
  _ua_tar --extract "$t/x" > /dev/null 2>&1
  ch=
  while IFS= read -r n; do
    p=${n#/}; p=${p%/}; [ -n "$p" ] || p=.
    _ua_st "$t/x/$p" || continue; sk=$k; sm=$m; su=$u; sg=$g; sy=$y
    if ! _ua_st "$d/$p"; then [ "$sk" = l ] || ch=1
    elif [ "$sk$k" = dd ]; then [ -n "$ua_mode" ] || [ "$m" = "$sm" ] || ch=1
    elif [ "$sk$k" = ff ]; then
      [ -n "$ua_mode" ] || [ "$m" = "$sm" ] || ch=1
      [ "$ru" != 0 ] || [ -n "$ua_own" ] || [ "$u" = "$su" ] || ch=1
      [ "$ru" != 0 ] || [ -n "$ua_grp" ] || [ "$g" = "$sg" ] || ch=1
      [ "$y" = "$sy" ] || ch=1
    fi
    [ -z "$ch" ] || break
  done < "$t/n"
  _ua_x() { _ua_tar --extract "$d" "$ua_keep"; }
fi
[ -z "$_dr_check" ] || { _out changed "$ch"; _out after "$(_dr_st "$d")"; exit 0; }
if [ -n "$ch" ]; then
  (cd "$d" && _ua_x) > "$t/o" 2> "$t/e"; rc=$?
  _out xrc "$rc"; printf '\036xout\n'; cat "$t/o"; printf '\036xerr\n'; cat "$t/e"
  [ "$rc" = 0 ] || { _out after "$(_dr_st "$d")"; exit 0; }
fi
_ua_attrs() {
  if [ -L "$1" ]; then
    # Ansible's chmod of a symlink reports a change unless the mode is 0777.
    if [ -n "$ua_octal" ]; then [ "$((0$ua_mode))" = "$((0777))" ] || _dr_changed=1
    elif [ -n "$ua_mode" ]; then [ "$(_ua_sym 777 f "$ua_mode")" = 777 ] || _dr_changed=1; fi
    _dr_attrs "$1" '' "$ua_own" "$ua_grp" f h || exit 1
  elif [ -d "$1" ]; then _dr_attrs "$1" "$ua_mode" "$ua_own" "$ua_grp" d || exit 1
  else _dr_attrs "$1" "$ua_mode" "$ua_own" "$ua_grp" f || exit 1; fi
}
if [ -n "$ua_attrs" ]; then
  tops=
  while IFS= read -r n; do
    n=${n#/}
    [ -e "$d/$n" ] || [ -L "$d/$n" ] || continue
    _ua_attrs "$d/$n"
    case $n in */*) f=${n%%/*}; case "/$tops/" in *"/$f/"*) ;; *) tops="$tops/$f" ;; esac ;; esac
  done < "$t/n"
  IFS=/; for f in ${tops#/}; do IFS=' '; [ -z "$f" ] || _ua_attrs "$d/$f"; done; unset IFS
fi
_out changed "$ch$_dr_changed"; _out after "$(_dr_st "$d")"
)SH";

// Shell words: each item quoted, each after `prefix` (" --exclude=" quotes
// the prefix with the item).
std::string words(const Value& list, const std::string& prefix = "", bool strip_slash = false) {
  std::string out;
  for (const auto& v : list) {
    std::string s = v.get<std::string>();
    if (strip_slash)
      while (!s.empty() && s.back() == '/') s.pop_back();
    out += " " + q(prefix + s);
  }
  return out;
}

class UnarchiveModule : public Module {
 public:
  UnarchiveModule() {
    spec_.options = {
        opt("src", OptionType::path).req(),
        opt("dest", OptionType::path).req(),
        opt("remote_src", OptionType::boolean).def(false),
        opt("copy", OptionType::boolean).def(true),
        opt("creates", OptionType::path),
        opt("list_files", OptionType::boolean).def(false),
        opt("keep_newer", OptionType::boolean).def(false),
        opt("exclude", OptionType::list).def(Value::array()).of(OptionType::str),
        opt("include", OptionType::list).def(Value::array()).of(OptionType::str),
        opt("extra_opts", OptionType::list).def(Value::array()).of(OptionType::str),
        opt("io_buffer_size", OptionType::integer),
        opt("validate_certs", OptionType::boolean).def(true),
        opt("decrypt", OptionType::boolean).def(true),
    };
    files::add_common_options(spec_);
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    ModuleArgs args(validated);
    const std::string src = args.str("src");
    const std::string dest = args.str("dest");
    const std::string creates =
        args.str("creates");
    bool remote = args.flag("remote_src") || !args.flag("copy");
    // AnsibleModule's mutually_exclusive counts given lists, not defaults.
    if (!args.value("include").empty() && !args.value("exclude").empty())
      return failed_result("parameters are mutually exclusive: include|exclude");
    files::Attrs attrs;
    try {
      attrs = files::attrs_from_args(validated);
    } catch (const Error& e) {
      return failed_result(e.message());
    }

    // Ansible's action: creates first, then the controller file, then dest.
    const std::string prelude = files::script_prelude(ctx.check_mode) + shell_assign("ua_creates", creates);
    std::string data, found;
    if (!remote) {
      found = files::find_controller_file(ctx.search_path, "files", src);
      bool read = !found.empty() && files::read_local_file(found, data);
      if (read && args.flag("decrypt")) data = decrypt_if_vaulted(std::move(data), found);
      if (!read) {
        if (!creates.empty() &&
            parse_answer(run_script(ctx, prelude + kCreatesCheck).out).count("skipped"))
          return skipped(creates);
        return files::controller_file_missing(ctx.search_path, "files", src);
      }
    }
    // Ansible's src for a controller archive is the copy it made in its
    // remote temporary directory, a path gone when the task ends; drover
    // reports the controller file it sent, as its copy module does.
    const std::string label = remote ? src : found;

    const Value& ex = args.value("exclude");
    const Value& in = args.value("include");
    const std::string s =
        prelude + shell_assign("ua_stdin", !remote) + shell_assign("d", dest) + shell_assign("sl", label) +
        shell_assign("ua_extra", words(args.value("extra_opts"))) +
        shell_assign("ua_texcl", words(ex, "--exclude=", true)) +
        shell_assign("ua_zexcl", ex.empty() ? "" : " -x" + words(ex)) + shell_assign("ua_incl", words(in)) +
        shell_assign("ua_keep", args.flag("keep_newer") ? "--keep-newer-files" : "") +
        shell_assign("ua_mode", attrs.mode) + shell_assign("ua_octal", attrs.octal_mode()) +
        shell_assign("ua_own", attrs.owner) + shell_assign("ua_grp", attrs.group) +
        shell_assign("ua_attrs", !attrs.empty()) + kReceive + kCreatesCheck + kScript;

    ExecResult res = run_script(ctx, s, data);
    AnswerFields ans = parse_answer(res.out);
    if (ans.count("skipped")) return skipped(creates);
    if (ans.count("checkskip")) return check_mode_skipped();
    if (ans.count("nodest")) {
      // The action's AnsibleActionFail, raised outside any exception.
      Value f = failed_result("dest '" + dest + "' must be an existing dir");
      f["exception"] = "NoneType: None\n";
      return f;
    }
    if (res.exit_status != 0 || ans.count("failed")) return script_failure(ans, res);
    if (ans.count("nohandler")) return failed_result(no_handler_message(label, ans));

    Value r{{"changed", !ans["changed"].empty()},
            {"dest", dest},
            {"src", label},
            {"handler", ans["handler"]}};
    if (ans.count("xrc")) {
      Value cmd = extract_command(args, ans, dest);
      r["extract_results"] = Value{
          {"cmd", cmd}, {"rc", std::stoi(ans["xrc"])}, {"out", ans["xout"]}, {"err", ans["xerr"]}};
    }
    if (ans.count("diff") && !ans["diff"].empty()) r["diff"] = Value{{"prepared", ans["diff"]}};
    if (ans.count("xrc") && ans["xrc"] != "0") {
      r.erase("changed");
      r.erase("diff");
      r["failed"] = true;
      r["msg"] = "failed to unpack " + label + " to " + dest;
      files::add_path_info(r, files::parse_stat(ans["after"]));
      return r;
    }
    if (args.flag("list_files")) {
      Value list = Value::array();
      bool tar = ans["handler"] != "ZipArchive";
      for (const auto& f : split_lines(ans["files"])) {
        std::string name = tar ? escape_decode(f) : f;
        if (tar && starts_with(name, "/")) name.erase(0, 1);
        list.push_back(name);
      }
      r["files"] = list;
    }
    files::add_path_info(r, files::parse_stat(ans["after"]));
    return r;
  }

 private:
  // creates exists: the action's AnsibleActionSkip, nothing else.
  static Value skipped(const std::string& creates) {
    return Value{
        {"changed", false}, {"skipped", true}, {"msg", "skipped, since " + creates + " exists"}};
  }
  // Ansible's tar handlers exit at construction in check mode; the action
  // always runs the module as ansible.legacy.unarchive.
  static Value check_mode_skipped() {
    return Value{
        {"changed", false},
        {"skipped", true},
        {"msg",
         "remote module (ansible.legacy.unarchive) does not support check mode when using gtar"}};
  }
  // The command the script extracted with (Ansible's cmd list).
  static Value extract_command(const ModuleArgs& args, const AnswerFields& ans,
                               const std::string& dest) {
    Value cmd = Value::array();
    auto add = [&](const Value& list, const std::string& prefix = "") {
      for (const auto& v : list) cmd.push_back(prefix + v.get<std::string>());
    };
    const std::string& a = ans.at("a");
    if (ans.at("handler") == "ZipArchive") {
      cmd = Value::array({ans.at("uz"), "-o"});
      add(args.value("extra_opts"));
      cmd.push_back(a);
      if (!args.value("exclude").empty()) cmd.push_back("-x");
      add(args.value("exclude"));
      add(args.value("include"));
      cmd.push_back("-d");
      cmd.push_back(dest);
      return cmd;
    }
    cmd = Value::array({ans.at("tp"), "--extract", "-C", dest});
    if (!ans.at("z").empty()) cmd.push_back(ans.at("z"));
    if (!ans.at("go").empty()) cmd.push_back(ans.at("go"));
    add(args.value("extra_opts"));
    if (args.flag("keep_newer")) cmd.push_back("--keep-newer-files");
    for (const auto& v : args.value("exclude")) {
      std::string e = v.get<std::string>();
      while (!e.empty() && e.back() == '/') e.pop_back();
      cmd.push_back("--exclude=" + e);
    }
    cmd.push_back("-f");
    cmd.push_back(a);
    add(args.value("include"));
    return cmd;
  }
  // pick_handler's failure: each handler's reason once (Ansible keeps them
  // in a set, so its order varies from run to run).
  static std::string no_handler_message(const std::string& src, const AnswerFields& ans) {
    std::string msg = "Failed to find handler for \"" + src +
                      "\". Make sure the required command to extract the file is installed.\n";
    std::set<std::string> seen;
    bool first = true;
    for (int i = 1;; ++i) {
      auto it = ans.find("reason" + std::to_string(i));
      if (it == ans.end()) break;
      if (!seen.insert(it->second).second) continue;
      msg += (first ? "" : "\n") + it->second;
      first = false;
    }
    return msg;
  }

  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration unarchive_registration({"unarchive"}, make_module<UnarchiveModule>);

}  // namespace drover
