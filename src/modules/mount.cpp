// mount: fstab entries and mounted file systems (ansible.posix.mount as
// shipped in Debian 12's ansible 7, Linux): state present, absent,
// absent_from_fstab, mounted, unmounted, remounted; src, fstype, opts, dump,
// passno, boot, fstab, backup. The ephemeral state is not implemented.
//
// One round trip reads the fstab and whether the path is a mount point
// (/proc/self/mountinfo); the fstab text is edited here as Ansible edits it
// (fields escaped with \040 \046 \134, a changed line rewritten whole), and a
// second round trip writes it and mounts, unmounts or remounts when needed.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

constexpr const char* kReadBody = R"SH(
if [ "$state" != ephemeral ] && [ ! -e "$fstab" ]; then
  if [ -z "$check" ]; then mkdir -p "$(dirname "$fstab")" && : >> "$fstab" || _fail "Failed to open $fstab"; fi
fi
[ -f "$fstab" ] && _out content "$(cat "$fstab"; printf x)"
# The path's own mount: mountinfo field 5 is the mount point (octal-escaped).
_esc=$(printf '%s' "$name" | sed -e 's/\\/\\134/g' -e 's/ /\\040/g' -e 's/	/\\011/g')
awk -v p="$_esc" '$5 == p { found = 1 } END { exit !found }' /proc/self/mountinfo 2>/dev/null && _out mounted 1
[ -e "$name" ] && _out exists 1
exit 0
)SH";

constexpr const char* kWriteBody = R"SH(
_err() { _fail "$1: $_rout$_rerr"; }
if [ -n "$write" ]; then
  if [ -n "$backup" ]; then
    _b="$fstab.$$.$(date +%Y-%m-%d@%H:%M:%S~)"; cp -p "$fstab" "$_b" && _out backup_file "$_b"
  fi
  printf '%s' "$new" > "$fstab" || _fail "cannot write $fstab"
fi
_tab=; [ "$fstab" != /etc/fstab ] && _tab="-T $fstab"
case "$action" in
  mount)
    _made=
    if [ ! -e "$name" ]; then
      _d=; _IFS=$IFS; IFS=/
      for _p in $name; do [ -z "$_p" ] && continue; _d="$_d/$_p"; [ -e "$_d" ] || { mkdir "$_d" && _made="$_d $_made"; } || _fail "Error making dir $name"; done
      IFS=$_IFS
    fi
    if ! _run mount $_tab "$name"; then
      [ -n "$write" ] && printf '%s' "$old" > "$fstab"
      for _d in $_made; do rmdir "$_d" 2>/dev/null; done
      _err "Error mounting $name"
    fi ;;
  umount) _run umount "$name" || _err "Error unmounting $name" ;;
  umount_rmdir)
    if [ -n "$mounted" ]; then _run umount "$name" || _err "Error unmounting $name"; fi
    if [ -e "$name" ]; then rmdir "$name" 2>"$_rtmp" || _fail "Error rmdir $name: $(cat "$_rtmp")"; fi ;;
  remount)
    if [ "$state" = remounted ] && [ "$opts" != defaults ]; then set -- -o "remount,$opts"; else set -- -o remount; fi
    if ! _run mount "$@" $_tab "$name"; then
      if [ "$state" = remounted ] && [ "$opts" != defaults ]; then
        _fail 'Options were specified with remounted, but the remount command failed. Failing in order to prevent an unexpected mount result. Try replacing this command with a "state: unmounted" followed by a "state: mounted" using the full desired mount options instead.'
      fi
      _run umount "$name" && _run mount $_tab "$name" || _err "Error remounting $name"
    fi ;;
esac
exit 0
)SH";

std::string escape_field(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\134";
    else if (c == ' ') out += "\\040";
    else if (c == '&') out += "\\046";
    else out += c;
  }
  return out;
}

struct Entry {
  std::string src, name, fstype, opts, dump, passno;
  std::string line() const { return src + " " + name + " " + fstype + " " + opts + " " + dump + " " + passno + "\n"; }
};

class MountModule : public Module {
 public:
  MountModule() {
    spec_.options = {
        opt("boot", OptionType::boolean).def(true),
        opt("dump").def("0"),
        opt("fstab"),
        opt("fstype"),
        opt("path", OptionType::path).req().alias({"name"}),
        opt("opts"),
        opt("passno").def("0"),
        opt("src", OptionType::path),
        opt("backup", OptionType::boolean).def(false),
        opt("state").req().one_of({"absent", "absent_from_fstab", "mounted", "present", "unmounted", "remounted",
                                   "ephemeral"}),
    };
    spec_.required_if = {{"state", "mounted", {"src", "fstype"}},
                         {"state", "present", {"src", "fstype"}},
                         {"state", "ephemeral", {"src", "fstype"}}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string state = args["state"].get<std::string>();
    if (state == "ephemeral") return failed_result("drover's mount module does not implement state=ephemeral yet");
    auto str = [&](const char* k, const std::string& d) { return args[k].is_null() ? d : to_display_string(args[k]); };
    Value out = Value::object();  // Ansible returns its `args` dict
    Entry want{str("src", ""), args["path"].get<std::string>(), str("fstype", ""), str("opts", "defaults"),
               str("dump", "0"), str("passno", "0")};
    const std::string fstab = str("fstab", "/etc/fstab");
    Value warnings = Value::array();
    std::string boot = "yes";
    {
      auto opts = split(want.opts, ',');
      if (std::find(opts.begin(), opts.end(), "noauto") != opts.end()) {
        warnings.push_back("Ignore the 'boot' due to 'opts' contains 'noauto'.");
      } else if (args["boot"] == false) {
        boot = "no";
        if (std::find(opts.begin(), opts.end(), "defaults") != opts.end()) {
          warnings.push_back("Ignore the 'boot' due to 'opts' contains 'defaults'.");
        } else {
          opts.push_back("noauto");
          want.opts = join(opts, ",");
        }
      }
    }
    const std::string name = want.name;
    std::string vars = shell_assign("name", name) + shell_assign("fstab", fstab) + shell_assign("state", state) +
                       shell_assign("check", ctx.check_mode);
    ScriptAnswer read = run_answer_script(ctx, vars + kReadBody);
    Value failure = script_failure(read);
    if (!failure.is_null()) return failure;
    std::string content = read.get("content");
    if (!content.empty() && content.back() == 'x') content.pop_back();
    const bool mounted = read.has("mounted");

    // _set_mount_save_old / unset_mount
    const bool has_src = !args["src"].is_null();
    Entry esc{escape_field(want.src), escape_field(want.name), escape_field(want.fstype), escape_field(want.opts),
              escape_field(want.dump), escape_field(want.passno)};
    std::string set_text, unset_text;
    bool set_changed = false, unset_changed = false, exists = false;
    for (auto line : split_lines_keep_ends(content)) {
      if (line.back() != '\n') line += '\n';
      std::string t = trim(line);
      auto fields = split_whitespace(line);
      if (t.empty() || t[0] == '#' || fields.size() < 4 || fields.size() > 6) {
        set_text += line;
        unset_text += line;
        continue;
      }
      Entry ld{fields[0], fields[1], fields[2], fields[3], fields.size() > 4 ? fields[4] : "0",
               fields.size() > 5 ? fields[5] : "0"};
      bool other = ld.name != esc.name ||
                   (has_src && ld.name == "none" && ld.fstype == "swap" && ld.src != want.src);
      if (other) {
        set_text += line;
        unset_text += line;
        continue;
      }
      unset_changed = true;  // unset_mount drops the line
      exists = true;
      bool changed_here = false;
      for (auto [have, wanted] : {std::pair<std::string*, const std::string*>{&ld.src, &esc.src},
                                  {&ld.fstype, &esc.fstype},
                                  {&ld.opts, &esc.opts},
                                  {&ld.dump, &esc.dump},
                                  {&ld.passno, &esc.passno}}) {
        if (*have != *wanted) {
          *have = *wanted;
          changed_here = true;
        }
      }
      // Ansible's flag is sticky: once one line changed, later matching
      // lines are rewritten too.
      if (changed_here) set_changed = true;
      set_text += set_changed ? ld.line() : line;
    }
    if (!exists) {
      set_text += esc.line();
      set_changed = true;
    }

    bool changed = false;
    bool write = false;
    std::string action, new_text;
    if (state == "absent_from_fstab" || state == "absent") {
      changed = unset_changed;
      write = changed;
      new_text = unset_text;
      if (state == "absent" && changed) action = "umount_rmdir";
    } else if (state == "unmounted") {
      if (mounted) {
        changed = true;
        action = "umount";
      }
    } else if (state == "mounted") {
      changed = set_changed;
      write = changed;
      new_text = set_text;
      if (mounted) {
        if (changed) action = "remount";
      } else {
        changed = true;
        action = "mount";
      }
    } else if (state == "present") {
      changed = set_changed;
      write = changed;
      new_text = set_text;
    } else if (state == "remounted") {
      changed = true;
      action = "remount";
    }

    std::string backup_file;
    if (!ctx.check_mode && (write || !action.empty())) {
      ScriptAnswer w = run_answer_script(
          ctx, vars + shell_assign("write", write) + shell_assign("new", new_text) + shell_assign("old", content) +
                   shell_assign("backup", args["backup"]) + shell_assign("action", action) +
                   shell_assign("opts", want.opts) + shell_assign("mounted", mounted) + kWriteBody);
      Value f = script_failure(w);
      if (!f.is_null()) return f;
      backup_file = w.get("backup_file");
    }
    out["name"] = name;
    out["opts"] = want.opts;
    out["dump"] = want.dump;
    out["passno"] = want.passno;
    out["fstab"] = fstab;
    out["boot"] = boot;
    out["warnings"] = warnings;
    out["backup_file"] = backup_file;
    if (has_src) out["src"] = want.src;
    if (!args["fstype"].is_null()) out["fstype"] = want.fstype;
    out["changed"] = changed;
    if (warnings.empty()) out.erase("warnings");
    return out;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

// Not in ansible-core: the ansible.posix collection, by its full name too.
const ModuleRegistration mount_registration({"mount", "ansible.posix.mount"},
                         make_module<MountModule>);

}  // namespace drover
