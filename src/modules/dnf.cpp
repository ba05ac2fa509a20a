// dnf and yum: RPM packages with the dnf (or yum) command line
// (ansible.builtin.dnf, ansible-core 2.14 semantics; yum shares them: on a
// dnf host Ansible's yum action runs the dnf module too). One script decides
// per name as Ansible's _mark_package_install() does (rpm -q for what is
// installed; a versioned name older than the installed one is left alone
// unless allow_downgrade), runs one dnf transaction (install, upgrade,
// remove or autoremove) and answers the packages that came and went, from
// `rpm -qa` before and after (Ansible's transaction install_set and
// remove_set), or in check mode from the transaction table that
// `dnf --assumeno` prints.
//
// Groups and environment groups ("@name", or a name with a '/') go through
// `dnf group install / upgrade / remove` with Ansible's "Group ID
// installed." results; download_only (and download_dir) runs the same
// transaction with --downloadonly and answers "Downloaded: NEVRA" from its
// transaction table.
//
// Module streams ("@name:stream/profile") go through `dnf module install /
// update / remove` (then reset), with Ansible's "Module SPEC installed."
// results.
//
// A path ("/usr/bin/vi") names the package in the repositories that
// provides it (`dnf repoquery --whatprovides`), as Ansible's _whatprovides().
// Removing, a plain name is left alone unless `rpm -q` finds it installed;
// a wildcard that matches nothing installed gives Ansible's "SPEC is not
// installed" result; any other failed package removal fails the task.
//
// Not supported: list (rejected at load time).
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "modules/packages.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

constexpr const char* kDnfBody = R"SH(
export LANG=C LC_ALL=C LC_MESSAGES=C LC_CTYPE=C
PATH=$PATH:/sbin:/usr/sbin:/usr/local/sbin:/usr/local/bin
dnf=$(command -v "$prefer" 2>/dev/null || command -v dnf 2>/dev/null || command -v yum 2>/dev/null) ||
  _fail "Failed to find required executable \"$prefer\" in paths: $PATH"
command -v rpm >/dev/null 2>&1 || _fail "Failed to find required executable \"rpm\" in paths: $PATH"
[ -n "$download_only" ] || [ "$(id -u)" = 0 ] || _fail "This command has to be run under the root user."
nl='
'
# The rpm database of installroot (dnf --installroot's).
_rpm() { if [ "$installroot" = / ]; then rpm "$@"; else rpm --root "$installroot" "$@"; fi; }
_qf='%{NAME}-%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}.%{ARCH}\n'
# dnf.rpm.detect_releasever(): Ansible warns when no release package says it.
if [ -z "$releasever" ]; then
  _rel=
  for _p in 'system-release(releasever)' system-release 'distribution-release(releasever)' distribution-release redhat-release suse-release; do
    _rpm -q --whatprovides "$_p" >/dev/null 2>&1 && { _rel=1; break; }
  done
  [ -n "$_rel" ] || _out warnings 'Unable to detect release version (use "releasever" option to specify release version)'
fi
_rpmqa() { _rpm -qa --qf "$_qf" 2>/dev/null | sort; }
if [ -n "$update_cache" ] && [ -z "$names" ]; then
  eval "_run \"\$dnf\" -y $opts makecache --refresh" || _fail "Failed to synchronize repodata: $(printf '%s' "$_rerr" | grep -i error | head -n 1)"
  _out exit cache; exit 0
fi
_refresh=; [ -n "$update_cache" ] && _refresh=--refresh
# rpm's version comparison (rpm >= 4.16 has it in its Lua), else sort -V.
_newer() {
  _c=$(rpm --eval "%{lua: print(rpm.vercmp('$1', '$2'))}" 2>/dev/null)
  case $_c in -1|0|1) [ "$_c" = 1 ]; return ;; esac
  [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -n 1)" = "$1" ]
}
# A versioned spec (name-[epoch:]version-release[.arch]) whose package is
# installed at a newer version: Ansible's _is_newer_version_installed().
_newer_installed() {
  _base=$(printf '%s' "$1" | sed -n 's/^\(.*\)-\([0-9]*:\)\{0,1\}\([^-]*\)-\([^-]*\)$/\1 \2\3-\4/p')
  [ -n "$_base" ] || return 1
  set -- $_base
  _iv=$(_rpm -q --qf '%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\n' "$1" 2>/dev/null | head -n 1) || return 1
  _want=${2%.*}; case $2 in *.noarch|*.x86_64|*.i686|*.aarch64|*.ppc64le|*.s390x) ;; *) _want=$2 ;; esac
  _newer "$_iv" "$_want"
}
install=; upgrade=; remove=; _files=; groups=; envs=; _emptyg=; mods=
case "$state" in absent|removed) _st=absent ;; latest) _st=latest ;; *) _st=present ;; esac
[ -z "$names" ] && [ -n "$autoremove" ] && _st=absent
if [ "$names" = "*$nl" ] && [ "$_st" = latest ]; then
  upgrade='*'
else
  _oifs=$IFS; IFS=$nl
  for _s in $names; do
    IFS=$_oifs
    case $_s in
      *://*) _fail "drover's $module module installs rpm files from paths on the target only, not URLs: $_s" ;;
      /*.rpm|*.rpm) ;;
      /*)
        # Ansible's _whatprovides(): the name of a package in the
        # repositories (not one only installed) that has this file or
        # provides this path; a path none provides is dropped, as there.
        _p=$(eval "\"\$dnf\" -q $opts $_refresh repoquery --available --qf '%{name}' --whatprovides \"\$_s\"" 2>/dev/null | head -n 1)
        if [ -z "$_p" ]; then IFS=$nl; continue; fi
        _s=$_p ;;
      @*|*/*)
        # Ansible's _parse_spec_group_file(): a module when dnf knows one
        # by that name, else a group or an environment group (by id or name).
        _g=$(printf '%s' "${_s#@}" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
        if eval "\"\$dnf\" -q $opts module info \"\${_g%%[:/]*}\"" >/dev/null 2>&1; then
          mods="$mods$_g$nl"; IFS=$nl; continue
        fi
        _info=$(eval "\"\$dnf\" -v $opts group info \"\$_g\"" 2>/dev/null)
        _id=$(printf '%s\n' "$_info" | sed -n 's/^ *Group-Id: //p' | head -n 1)
        if [ -n "$_id" ]; then
          groups="$groups$_id$nl"
          printf '%s\n' "$_info" | grep -Eq '^ *(Mandatory|Default|Conditional) Packages:' || _emptyg="$_emptyg$_id$nl"
        else
          _id=$(printf '%s\n' "$_info" | sed -n 's/^ *Environment-Id: //p' | head -n 1)
          [ -n "$_id" ] || { _out no_rc 1; _fail "No group $_g available."; }
          envs="$envs$_id$nl"
        fi
        IFS=$nl; continue ;;
    esac
    if [ "$_st" = absent ]; then
      case $_s in *.rpm) _fail "Cannot remove paths -- please specify package name." ;; esac
      case $_s in *\**) remove="$remove $_s" ;; *) _rpm -q "$_s" >/dev/null 2>&1 && remove="$remove $_s" ;; esac
    else
      case $_s in
        *.rpm)
          [ -e "$_s" ] || _fail "Error occurred attempting remote rpm install of package: $_s. Can not load RPM file: $_s."
          _files="$_files$_s$nl"
          _nevra=$(rpm -qp --qf "$_qf" "$_s" 2>/dev/null)
          if _rpm -q "${_nevra%.*}" >/dev/null 2>&1; then :
          elif _newer_installed "${_nevra%.*}" && [ -z "$allow_downgrade" ]; then :
          else install="$install $_s"; fi ;;
        *)
          if _rpm -q "$_s" >/dev/null 2>&1; then
            [ "$_st" = latest ] && upgrade="$upgrade $_s"
          elif _newer_installed "$_s"; then
            [ -n "$allow_downgrade" ] && install="$install $_s"
          elif [ -n "$update_only" ]; then
            _out skipped "Packages providing $_s not installed due to update_only specified"
          else
            install="$install $_s"
          fi ;;
      esac
    fi
    IFS=$nl
  done
  IFS=$_oifs
fi
_yes=-y; [ -n "$check" ] && _yes=--assumeno
# download_only: the transaction is only downloaded, its table says what.
[ -n "$download_only" ] && [ -z "$check" ] && _yes="-y --downloadonly $downloaddir"
# Ansible sets localpkg_gpgcheck = not disable_gpg_check and checks the
# signatures of rpm files itself (after check mode has returned).
if [ -z "$check" ] && [ -z "$nogpgcheck" ]; then
  for _f in $install; do
    case $_f in *.rpm) ;; *) continue ;; esac
    case $(rpm -K "$_f" 2>&1) in *signatures*) ;; *)
      _out plain_failure 1
      _fail "Failed to validate GPG signature for $(rpm -qp --qf "$_qf" "$_f" 2>/dev/null): Package ${_f##*/} is not signed" ;;
    esac
  done
fi
_before=$(_rpmqa)
_all_out=; _all_err=; _gres=
_txn() {
  eval "_run \"\$dnf\" $_yes $opts $_refresh \"\$@\""
  _all_out="$_all_out$_rout$nl"; _all_err="$_all_err$_rerr$nl"
  if [ "$2" = remove ]; then
    # Groups, environments and modules: Ansible passes over one that is not
    # installed (CompsError).
    case "$_rout$_rerr" in *"No packages marked for removal"*|*"No groups marked for removal"*|*"Nothing to do"*|*"is not installed"*) return 0 ;; esac
  elif [ "$1" = remove ]; then
    # Packages: only wildcards get here unless installed. One that matches
    # nothing is "SPEC is not installed" in the results
    # (_sanitize_dnf_error_msg_remove()); any failure of the transaction
    # is a failure, whatever dnf or a scriptlet printed.
    _out not_installed "$(printf '%s\n' "$_rout$nl$_rerr" | sed -n 's/^No match for argument: \(.*\)$/\1 is not installed/p' | sort -u)"
  elif [ "$1" != autoremove ]; then case "$_rout$_rerr" in *"No match for argument"*|*"Unable to find a match"*)
    _out failures "$(printf '%s\n' "$_rout$nl$_rerr" | sed -n 's/^No match for argument: \(.*\)$/No package \1 available./p' | sort -u)"
    _fail "Failed to install some of the specified packages" ;;
  esac; fi
  if [ "$_rrc" != 0 ]; then
    [ -n "$check" ] && case "$_rout$_rerr" in *"Operation aborted"*) return 0 ;; esac
    # The solver found no way (dnf prints "Error: " and the problems, then
    # a hint): Ansible's DepsolveError message.
    case "$_rerr" in *"Error: "*"Problem"*)
      _out failures ""
      _fail "Depsolve Error occurred: $(printf '%s\n' "$_rerr" | awk '/^Error: / { on = 1; sub(/^Error: /, "") } /^\(try to add/ { on = 0 } on')" ;;
    esac
    # rpm failed a package (a scriptlet, a file conflict): Ansible lists
    # the transaction's output, rpm's "error:" lines, as one failure.
    case "$_rerr" in *"Error: Transaction failed"*)
      _out txn_failure "$(printf '%s\n' "$_rout$nl$_rerr" | grep '^error: ')"
      _fail "Failed to install some of the specified packages" ;;
    esac
    _fail "Unknown Error occurred: $(printf '%s\n' "$_rerr" | sed -n 's/^Error: //p' | head -n 1)"
  fi
}
# The "I"/"U"/"R" lines of dnf's transaction tables in $1 (awk below).
_table() {
  printf '%s\n' "$1" | awk '
    /^[A-Z][A-Za-z /]*:$/ { sec = $0; next }
    /^[A-Z]/ || /^$/ || /^=/ { sec = ""; pend = ""; next }
    sec ~ /(Groups|profiles|streams|modules):$/ { next }
    sec != "" {
      line = pend $0; n = split(line, f, " ")
      if (n < 3) { pend = f[1] " "; next }
      pend = ""
      kind = (sec ~ /^(Removing|Erasing)/) ? "R" : (sec ~ /^(Upgrading|Downgrading)/) ? "U" : "I"
      print kind, f[1] "-" f[3] "." f[2], f[1]
    }'
}
# Groups first, as Ansible marks them before packages. dnf's
# group_install() counts the group's packages whether installed or not:
# "already installed" only for a group without any.
_group_install() {
  _txn group install "$1"
  case "$nl$_emptyg" in *"$nl$1$nl"*) _gres="${_gres}Group $1 already installed.$nl" ;;
    *) _gres="${_gres}Group $1 installed.$nl" ;; esac
}
# Module streams (name[:stream][/profile]) as Ansible's module_base calls:
# "installed" when no stream of the name (or not the one asked for) is
# enabled; absent removes, then resets the module.
_mod_enabled() {
  _mn=${1%%[:/]*}; _ms=; case $1 in *:*) _ms=${1#*:}; _ms=${_ms%%[:/]*} ;; esac
  _en=$(eval "\"\$dnf\" -q $opts module list --enabled \"\$_mn\"" 2>/dev/null |
    awk -v n="$_mn" '$1 == n && $0 ~ /\[e\]/ { print $2 }')
  [ -n "$_en" ] || return 1
  [ -z "$_ms" ] || printf '%s\n' "$_en" | grep -qxF "$_ms"
}
_oifs=$IFS; IFS=$nl
for _m in $mods; do
  IFS=$_oifs
  case $_st in
    present)
      _mod_enabled "$_m" || _gres="${_gres}Module $_m installed.$nl"
      _txn module install "$_m" ;;
    latest)
      _mod_enabled "$_m" && _gres="${_gres}Module $_m upgraded.$nl"
      _txn module update "$_m" ;;
    absent)
      if _mod_enabled "$_m"; then
        _gres="${_gres}Module $_m removed.$nl"
        _txn module remove "$_m"; _txn module reset "${_m%%[:/]*}"
      fi ;;
  esac
  IFS=$nl
done
for _g in $groups; do
  IFS=$_oifs
  case $_st in
    present) _group_install "$_g" ;;
    latest)
      eval "_run \"\$dnf\" -q $opts group list installed --ids"
      if printf '%s\n' "$_rout" | grep -qF "($_g)"; then _txn group upgrade "$_g"; _gres="${_gres}Group $_g upgraded.$nl"
      elif [ -z "$update_only" ]; then _group_install "$_g"; fi ;;
    absent) _txn group remove "$_g" ;;
  esac
  IFS=$nl
done
for _g in $envs; do
  IFS=$_oifs
  case $_st in present|latest) _txn group install "$_g" ;; absent) _txn group remove "$_g" ;; esac
  IFS=$nl
done
IFS=$_oifs
[ -n "$install" ] && _txn install $install
if [ -n "$upgrade" ]; then
  if [ "$upgrade" = '*' ]; then _txn upgrade; else _txn upgrade $upgrade; fi
fi
[ -n "$remove" ] && _txn remove $remove
[ "$_st" = absent ] && [ -n "$autoremove" ] && _txn autoremove
_out exit ensure
_out groups "$_gres"
if [ -n "$check" ] || [ -n "$download_only" ]; then
  # The transaction tables: "Installing:", "Upgrading:", ...
  _tab=$(_table "$_all_out")
  _in=; _rm=
  _oifs=$IFS; IFS=$nl
  for _l in $_tab; do
    IFS=$_oifs; set -- $_l
    case $1 in
      R) _rm="$_rm$2$nl" ;;
      U) _in="$_in$2$nl"; _old=$(_rpm -q --qf "$_qf" "$3" 2>/dev/null) && _rm="$_rm$_old$nl" ;;
      *) _in="$_in$2$nl" ;;
    esac
    IFS=$nl
  done
  IFS=$_oifs
else
  _after=$(_rpmqa)
  _in=$(printf '%s\n' "$_after" | grep -vxF -e "$_before" -e '' 2>/dev/null)
  [ -n "$_before" ] || _in=$_after
  _rm=$(printf '%s\n' "$_before" | grep -vxF -e "$_after" -e '' 2>/dev/null)
  [ -n "$_after" ] || _rm=$_before
fi
_out files "$_files"
_out installed "$_in"
_out removed "$_rm"
)SH";

std::string repeat_option(const char* flag, const std::vector<std::string>& list) {
  std::string out;
  for (const auto& v : list) out += std::string(" ") + flag + shell_quote(v);
  return out;
}

class DnfModule : public Module {
 public:
  explicit DnfModule(std::string name) : name_(std::move(name)) {
    spec_.options = {
        opt("allow_downgrade", OptionType::boolean).def(false),
        opt("autoremove", OptionType::boolean).def(false),
        opt("bugfix", OptionType::boolean).def(false),
        opt("cacheonly", OptionType::boolean).def(false),
        opt("conf_file"),
        opt("disable_excludes"),
        opt("disable_gpg_check", OptionType::boolean).def(false),
        opt("disable_plugin", OptionType::list).of(OptionType::str).def(Value::array()),
        opt("disablerepo", OptionType::list).of(OptionType::str).def(Value::array()),
        opt("download_only", OptionType::boolean).def(false),
        opt("download_dir"),
        opt("enable_plugin", OptionType::list).of(OptionType::str).def(Value::array()),
        opt("enablerepo", OptionType::list).of(OptionType::str).def(Value::array()),
        opt("exclude", OptionType::list).of(OptionType::str).def(Value::array()),
        opt("installroot").def("/"),
        // yum-only in Ansible: its dnf module ignores it too.
        opt("install_repoquery", OptionType::boolean).def(true),
        opt("install_weak_deps", OptionType::boolean).def(true),
        // list is not implemented: left out, so that a task using it is
        // rejected at load time (unsupported parameter).
        opt("name", OptionType::list).of(OptionType::str).alias({"pkg"}),
        opt("releasever"),
        opt("security", OptionType::boolean).def(false),
        opt("skip_broken", OptionType::boolean).def(false),
        opt("state").one_of({"absent", "installed", "latest", "present", "removed"}),
        opt("update_cache", OptionType::boolean).alias({"expire-cache"}),
        opt("update_only", OptionType::boolean).def(false),
        opt("validate_certs", OptionType::boolean).def(true),
        opt("sslverify", OptionType::boolean).def(true),
        // Ansible 2.14's dnf module never waits on it (only yum.py does);
        // dnf itself waits for its lock.
        opt("lock_timeout", OptionType::integer).def(30),
        opt("allowerasing", OptionType::boolean).def(false),
        opt("nobest", OptionType::boolean).def(false),
    };
    if (name_ == "yum")
      spec_.options.push_back(
          opt("use_backend").def("auto").one_of({"auto", "yum", "yum4", "dnf"}));
    // name and update_cache have no defaults: the constraints count set options.
    // Ansible's wording names list too.
    spec_.required_one_of = {{"name", "list", "update_cache"}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    ScriptAnswer a = run_answer_script(ctx, build_dnf_script(args, ctx.check_mode, name_));
    return dnf_result(a, args, ctx.check_mode);
  }

 private:
  std::string name_;
  ArgSpec spec_;
};

}  // namespace

std::string build_dnf_script(const Value& validated, bool check_mode, const std::string& manager) {
  const ModuleArgs args(validated);
  std::string opts;
  opts += repeat_option("--disablerepo=", args.strings("disablerepo"));
  opts += repeat_option("--enablerepo=", args.strings("enablerepo"));
  opts += repeat_option("--exclude=", args.strings("exclude"));
  opts += repeat_option("--disableplugin=", args.strings("disable_plugin"));
  opts += repeat_option("--enableplugin=", args.strings("enable_plugin"));
  if (args.has("conf_file")) opts += " -c " + shell_quote(args.str("conf_file"));
  if (args.flag("disable_gpg_check")) opts += " --nogpgcheck";
  const std::string installroot = args.has("installroot") ? args.str("installroot") : "/";
  if (installroot != "/") opts += " --installroot=" + shell_quote(installroot);
  if (args.has("releasever")) opts += " --releasever=" + shell_quote(args.str("releasever"));
  if (args.optional_flag("install_weak_deps") == false) opts += " --setopt=install_weak_deps=False";
  if (args.optional_flag("sslverify") == false || args.optional_flag("validate_certs") == false)
    opts += " --setopt=sslverify=False";
  if (args.flag("nobest")) opts += " --nobest";
  if (args.flag("skip_broken")) opts += " --skip-broken";
  if (args.flag("allowerasing")) opts += " --allowerasing";
  if (args.flag("cacheonly")) opts += " -C";
  if (args.flag("security")) opts += " --security";
  if (args.flag("bugfix")) opts += " --bugfix";
  if (args.has("disable_excludes"))
    opts += " --disableexcludes=" + shell_quote(args.str("disable_excludes"));
  std::string names;
  for (const auto& n : args.strings("name")) names += trim(n) + "\n";
  // use_backend is declared for yum only.
  const std::string backend = manager == "yum" ? args.str("use_backend") : "";
  const std::string prefer = manager != "yum"                                       ? "dnf"
                             : backend.empty() || backend == "auto" || backend == "yum4" ? "yum"
                                                                                     : backend;
  std::string s;
  s += shell_assign("module", manager);
  s += shell_assign("prefer", prefer);
  s += shell_assign("names", names);
  s += shell_assign("state", args.value("state"));
  s += shell_assign("opts", opts);
  s += shell_assign("update_cache", args.flag("update_cache"));
  s += shell_assign("autoremove", args.flag("autoremove"));
  s += shell_assign("allow_downgrade", args.flag("allow_downgrade"));
  s += shell_assign("update_only", args.flag("update_only"));
  s += shell_assign("releasever", args.value("releasever"));
  s += shell_assign("nogpgcheck", args.flag("disable_gpg_check"));
  s += shell_assign("installroot", installroot);
  s += shell_assign("download_only", args.flag("download_only"));
  s += shell_assign("downloaddir",
                    args.has("download_dir") ? "--downloaddir=" + shell_quote(args.str("download_dir")) : "");
  s += shell_assign("check", check_mode);
  return s + kDnfBody;
}

Value dnf_result(const ScriptAnswer& a, const Value& args, bool check_mode) {
  auto lines_of = [](const std::string& text) {
    Value out = Value::array();
    for (const auto& l : split_lines(text))
      if (!l.empty()) out.push_back(l);
    return out;
  };
  Value warnings = lines_of(a.get("warnings"));
  if (a.has("failed")) {
    Value r = failed_result(a.get("failed"));
    if (a.has("failures")) r["failures"] = lines_of(a.get("failures"));
    if (a.has("txn_failure")) r["failures"] = Value::array({lines_of(a.get("txn_failure"))});
    if (a.has("no_rc")) r["results"] = Value::array();
    if (!a.has("plain_failure") && !a.has("no_rc")) {
      r["results"] = Value::array();
      r["rc"] = 1;
    }
    if (!warnings.empty()) r["warnings"] = warnings;
    return r;
  }
  Value failure = script_failure(a);
  if (!failure.is_null()) return failure;
  if (a.get("exit") == "cache") {
    Value r{{"msg", "Cache updated"}, {"changed", false}, {"results", Value::array()}, {"rc", 0}};
    if (!warnings.empty()) r["warnings"] = warnings;
    return r;
  }
  Value results = Value::array();
  // Ansible lists every rpm file given, installed now or before.
  for (const auto& f : split_lines(a.get("files")))
    if (!f.empty()) results.push_back("Installed " + f);
  for (const auto& g : split_lines(a.get("groups")))
    if (!g.empty()) results.push_back(g);
  if (a.has("skipped")) results.push_back(a.get("skipped"));
  for (const auto& n : split_lines(a.get("not_installed")))
    if (!n.empty()) results.push_back(n);
  bool changed = false;
  const std::string action = ModuleArgs(args).flag("download_only") ? "Downloaded: " : "Installed: ";
  for (const auto& p : split_lines(a.get("installed")))
    if (!p.empty()) {
      results.push_back(action + p);
      changed = true;
    }
  for (const auto& p : split_lines(a.get("removed")))
    if (!p.empty()) {
      results.push_back("Removed: " + p);
      changed = true;
    }
  Value r = Value::object();
  r["msg"] = !changed     ? "Nothing to do"
             : check_mode ? "Check mode: No changes made, but would have if not in check mode"
                          : "";
  r["changed"] = changed;
  r["results"] = results;
  r["rc"] = 0;
  if (!warnings.empty()) r["warnings"] = warnings;
  return r;
}

const ModuleRegistration dnf_registration({"dnf"},
                         []() -> std::unique_ptr<Module> {
                           return std::make_unique<DnfModule>("dnf");
                         });
const ModuleRegistration yum_registration({"yum"},
                         []() -> std::unique_ptr<Module> {
                           return std::make_unique<DnfModule>("yum");
                         });

}  // namespace drover
