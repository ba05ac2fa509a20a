// apt: Debian packages with apt-get and dpkg (ansible.builtin.apt,
// ansible-core 2.14 semantics), without python3-apt on the target. One
// script reads the package states (dpkg-query for what is installed,
// `apt-cache policy` for candidates and version tables, as python-apt's
// policy does), decides what to install or remove exactly as Ansible's
// install()/remove() do, runs the same apt-get command line (so that
// messages quoting it are Ansible's) and answers. Check mode runs apt-get
// with --simulate (dpkg --simulate for debs) and never updates the cache.
//
// Supported: name lists with `=VERSION` (glob) and `>=VERSION`, wildcards in
// names, state present / latest / absent / fixed, update_cache with
// cache_valid_time, deb (local path on the target), purge, autoremove,
// autoclean, clean, install_recommends, upgrade (apt-get, or aptitude when
// present), default_release, only_upgrade, force, allow_* flags,
// dpkg_options, lock_timeout (apt's DPkg::Lock::Timeout), state=build-dep
// (apt-get build-dep), deb as a URL (fetched on the target with curl or
// wget into a temporary file named as urls.py's fetch_file() names it).
// policy_rc_d as Ansible's PolicyRcD.
#include <cstdlib>

#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "modules/packages.hpp"
#include "modules/shell_script.hpp"
#include "modules/uri.hpp"

namespace drover {
namespace {

constexpr const char* kAptBody = R"SH(
export DEBIAN_FRONTEND=noninteractive DEBIAN_PRIORITY=critical LANG=C LC_ALL=C LC_MESSAGES=C LC_CTYPE=C
PATH=$PATH:/sbin:/usr/sbin:/usr/local/sbin
aptget=$(command -v apt-get) || _fail "Failed to find required executable \"apt-get\" in paths: $PATH"
aptitude=$(command -v aptitude 2>/dev/null)
[ -n "$force_apt_get" ] && aptitude=
nl='
'
# Answers stdout/stderr/rc of the last _run (names in $1) and fails with $2.
_failwith() {
  for _k in $1; do case $_k in rc) _out f_rc "$_rrc" ;; stdout) printf '\036f_stdout\n'; cat "$_rtmpo" ;; stderr) printf '\036f_stderr\n'; cat "$_rtmp" ;; esac; done
  _fail "$2"
}
# $_e: the last _run's stderr with its trailing newlines (Ansible's
# messages quote it whole).
_rawerr() { _e=$(cat "$_rtmp"; printf x); _e=${_e%x}; }
# rc, stdout and stderr of the last _run as PREFIXrc, ... (newlines kept).
_outraw() { _out "${1}rc" "$_rrc"; printf '\036%sstdout\n' "$1"; cat "$_rtmpo"; printf '\036%sstderr\n' "$1"; cat "$_rtmp"; }
_cachetime() {
  if [ -e /var/lib/apt/periodic/update-success-stamp ]; then stat -c %Y /var/lib/apt/periodic/update-success-stamp
  elif [ -e /var/lib/apt/lists ]; then stat -c %Y /var/lib/apt/lists; else echo 0; fi
}
_check=; [ -n "$check" ] && _check=--simulate
# Ansible's PolicyRcD: /usr/sbin/policy-rc.d answers "exit $policy_rc_d"
# while apt-get and dpkg run (services stay as they are); a file that was
# there is put back, on any exit.
_dl=; _prc_bak=
_cleanup() {
  rm -rf "$_rtmp" "$_rtmpo" ${_dl:+"$_dl"}
  [ -n "$policy_rc_d" ] || return 0
  if [ -n "$_prc_bak" ]; then mv -f "$_prc_bak/policy-rc.d" /usr/sbin/policy-rc.d && rmdir "$_prc_bak"
  else rm -f /usr/sbin/policy-rc.d; fi
}
trap _cleanup EXIT
if [ -n "$policy_rc_d" ]; then
  if [ -e /usr/sbin/policy-rc.d ]; then
    _prc_bak=$(mktemp -d) && mv /usr/sbin/policy-rc.d "$_prc_bak/" || { _prc_bak=; _fail "Fail to move /usr/sbin/policy-rc.d to a backup directory"; }
  fi
  { printf '#!/bin/sh\nexit %d\n' "$policy_rc_d" > /usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d; } ||
    _fail "Failed to create or chmod /usr/sbin/policy-rc.d"
fi
# Package specs and the release go through eval inside single quotes (the
# command line Ansible prints): no Debian name or version holds a quote.
case "$names$release" in *"'"*) _fail "invalid package spec: $(printf '%s' "$names$release" | grep "'" | head -n 1)" ;; esac
if [ -n "$clean" ]; then
  _run "$aptget" clean || _failwith "rc stdout" "apt-get clean failed"
  [ -z "$_rerr" ] || _failwith "rc stdout" "apt-get clean failed: $_rerr"
  # Ansible 2.14 meant to stop here when there is nothing else to do, but
  # its upgrade is still the truthy default 'no' at this point: it goes on.
fi
ctime=$(_cachetime); updated=
if [ -n "$update_cache" ] || [ "$valid" -gt 0 ]; then
  now=$(date +%s)
  if [ "$valid" -le 0 ] || [ $((ctime + valid)) -lt "$now" ]; then
    if [ -z "$check" ]; then
      _try=0; _delay=1
      while :; do
        _run "$aptget" update -q $lockopt && break
        _try=$((_try + 1))
        [ "$_try" -lt "$retries" ] || _fail "Failed to update apt cache: $(printf '%s' "${_rerr:-unknown reason}" | tr '\n' ' ')"
        sleep "$_delay"; _delay=$((_delay * 2)); [ "$_delay" -le "$max_delay" ] || _delay=$max_delay
      done
    fi
    _post=$(_cachetime)
    { [ -n "$check" ] || [ "$_post" != "$ctime" ]; } && updated=1
    ctime=$_post
  fi
  _out cache_updated "$updated"
  if [ -z "$names$upgrade$deb" ]; then _out cache_update_time "$ctime"; _out exit cache; exit 0; fi
fi
_out cache_update_time "$ctime"
_t=; [ -n "$release" ] && _t="-t '$release'"
_policy() { eval "apt-cache policy $_t -- \"\$1\"" 2>/dev/null; }
# The installed version of $1 ("" when its dpkg state is not "installed").
_instver() { dpkg-query -W -f='${db:Status-Status} ${Version}\n' "$1" 2>/dev/null | sed -n 's/^installed //p' | head -n 1; }
# Ansible's package_status(): sets inst (installed version or ""), ver_ok
# (the installed version meets the spec), installable (a version, "True"
# for a virtual package apt must resolve, or ""), has_files.
_status() {
  _n=$1; _cmp=$2; _v=$3; _mode=$4
  inst=; ver_ok=; installable=; has_files=
  _pol=$(_policy "$_n")
  _cand=$(printf '%s\n' "$_pol" | sed -n 's/^  Candidate: //p' | head -n 1)
  _vers=$(printf '%s\n' "$_pol" | sed -n 's/^ \*\*\* \([^ ]*\) .*/\1/p; s/^     \([^ ][^ ]*\) .*/\1/p')
  if [ -z "$_vers" ]; then
    [ "$_mode" = install ] || return 0
    _prov=$(apt-cache showpkg "$_n" 2>/dev/null | awk '/^Reverse Provides:/ { f = 1; next } f && NF { print $1 }' | sort -u)
    [ -n "$_prov" ] || _fail "No package matching '$_n' is available"
    if [ "$(printf '%s\n' "$_prov" | wc -l)" = 1 ]; then
      _status "$_prov" "$_cmp" "$_v" install
      [ -n "$inst" ] && return 0
    fi
    inst=; ver_ok=; installable=True; has_files=
    return 0
  fi
  for _l in "/var/lib/dpkg/info/$_n.list" /var/lib/dpkg/info/"$_n":*.list; do [ -s "$_l" ] && has_files=1; done
  inst=$(_instver "$_n")
  _best=$_cand; [ "$_best" = "(none)" ] && _best=
  if [ "$_cmp" = "=" ]; then
    _best=
    for _x in $_vers; do case $_x in $_v) _best=$_x; break ;; esac; done
  fi
  if [ -n "$inst" ]; then
    case $_cmp in
      "=") case $inst in $_v) ver_ok=1 ;; esac
           if [ -n "$_best" ] && [ "$inst" != "$_best" ]; then installable=$_best; fi ;;
      ">=") dpkg --compare-versions "$inst" ge "$_v" && ver_ok=1
            if [ -n "$_best" ] && [ "$inst" != "$_best" ] && dpkg --compare-versions "$_best" ge "$_v"; then installable=$_best; fi ;;
      *) ver_ok=1; if [ -n "$_best" ] && [ "$inst" != "$_best" ]; then installable=$_best; fi ;;
    esac
  else
    installable=$_best
  fi
}
# package_split(): sets name, cmp and ver from $1.
_split() {
  name=$1; cmp=; ver=
  case $1 in
    *=*) name=${1%%=*}; ver=${1#*=}; cmp="="
         case $name in *">") name=${name%>}; cmp=">=" ;; esac ;;
  esac
}
# Wildcards in names (fnmatch against every package name apt knows).
_expand() {
  _specs=
  for _s in $names; do
    _split "$_s"
    case $name in
      *[\*\?\[\]!]*)
        _all=$(apt-cache pkgnames 2>/dev/null | sort)
        case $name in *:*) ;; *) _all=$(printf '%s\n' "$_all" | grep -v :) ;; esac
        _m=
        for _p in $_all; do case $_p in $name) _m="$_m$_p$nl" ;; esac; done
        [ -n "$_m" ] || _fail "No package(s) matching '$name' available"
        _specs="$_specs$_m" ;;
      *) _specs="$_specs$_s$nl" ;;
    esac
  done
  names=$_specs
}
# Ansible's install(): $1 the specs; sets i_changed and answers apt-get's
# output as $2rc, $2stdout, $2stderr; fails as Ansible does.
_install() {
  _list=; _pnames=; i_changed=; i_ran=
  for _s in $1; do
    # build-dep: apt decides what to install.
    if [ -n "$builddep" ]; then _list="$_list '$_s'"; continue; fi
    _split "$_s"; _pnames="$_pnames $name"
    _status "$name" "$cmp" "$ver" install
    [ -z "$inst" ] && [ -n "$only_upgrade" ] && continue
    if [ -z "$ver_ok" ] && [ -z "$installable" ]; then _out with_cache 1; _fail "no available installation candidate for $_s"; fi
    if [ -n "$installable" ] && { [ -z "$inst" ] || [ -n "$latest" ] || [ -z "$ver_ok" ]; }; then
      if [ "$installable" != True ]; then _list="$_list '$name=$installable'"
      elif [ -n "$ver" ]; then _list="$_list '$name=$ver'"
      else _list="$_list '$name'"; fi
    elif [ -n "$ver_ok" ] && [ -n "$installable" ] && [ "$cmp" = "=" ]; then
      _list="$_list '$name=$ver'"
    fi
  done
  if [ -n "$_list" ]; then
    if [ -n "$builddep" ]; then _cmd="$aptget -y $dpkg_options $only_upgrade_opt $fixed_opt $force_yes $no_remove $_check build-dep${_list}"
    else _cmd="$aptget -y $dpkg_options $only_upgrade_opt $fixed_opt $force_yes $autoremove_opt $no_remove $_check install${_list}"; fi
    [ -n "$release" ] && _cmd="$_cmd -t '$release'"
    case $recommends in no) _cmd="$_cmd -o APT::Install-Recommends=no" ;; yes) _cmd="$_cmd -o APT::Install-Recommends=yes" ;; esac
    [ -n "$allow_unauth" ] && _cmd="$_cmd --allow-unauthenticated"
    [ -n "$allow_downgrade" ] && _cmd="$_cmd --allow-downgrades"
    [ -n "$allow_held" ] && _cmd="$_cmd --allow-change-held-packages"
    eval "_run $_cmd $lockopt"
    if [ "$_rrc" != 0 ]; then _out with_cache 1; _rawerr; _failwith "stdout stderr rc" "'$_cmd' failed: $_e"; fi
    i_changed=1; i_ran=1; _outraw "$2"
    [ -n "$builddep" ] && case $_rout in *"$nl""0 upgraded, 0 newly installed"*) i_changed= ;; esac
  fi
  if [ -z "$builddep" ] && [ -z "$check" ] && [ -n "$_pnames" ]; then
    _mark=$(command -v apt-mark)
    if [ -n "$_mark" ]; then
      _run $_mark manual $_pnames || { _rawerr; _failwith "stdout stderr rc" "'$_mark manual$_pnames' failed: $_e"; }
    fi
  fi
}
_upgrade() {
  _ucmd=$aptget; _uname=$aptget
  case $1 in
    dist) _sub="dist-upgrade $autoremove_opt" ;;
    full) if [ -n "$aptitude" ]; then _ucmd=$aptitude; _sub=full-upgrade; else _sub="dist-upgrade $autoremove_opt"; fi ;;
    *) if [ -n "$aptitude" ]; then _ucmd=$aptitude; _sub=safe-upgrade; else _sub="upgrade --with-new-pkgs $autoremove_opt"; fi ;;
  esac
  _fy=; if [ -n "$force" ]; then if [ "$_ucmd" = "$aptget" ]; then _fy=--force-yes; else _fy="--assume-yes --allow-untrusted"; fi; fi
  _ua=; [ -n "$allow_unauth" ] && _ua=--allow-unauthenticated
  _ud=; [ -n "$allow_downgrade" ] && _ud=--allow-downgrades
  _cmd="$_ucmd -y $dpkg_options $_fy $no_remove $_ua $_ud $_check $_sub"
  [ -n "$release" ] && _cmd="$_cmd -t '$release'"
  eval "_run $_cmd" </dev/null
  [ "$_uname" = "$_ucmd" ] && _uname=apt-get || _uname=aptitude
  [ "$_rrc" = 0 ] || { _rawerr; _failwith "stdout rc" "'$_ucmd $_sub' failed: $_e"; }
  _out exit upgrade
  case $_rout in *"$nl""0 upgraded, 0 newly installed"*|*"$nl""0 packages upgraded, 0 newly installed"*) ;; *) _changed ;; esac
  _outrun; exit 0
}
# urls.py fetch_file(): the deb at URL $deb into a temporary file named
# $deb_prefix + 8 random characters + $deb_ext (dpkg's output shows the
# name) in the directory $_dl, removed on exit; deb then names that file.
# An HTTP error leaves the file empty, as urls.py does after reading the
# error's body. Ansible fetches with Python's urllib, which is always
# there; a target with neither curl nor wget has no equivalent in Ansible,
# so the message says what is missing in urls.py's words.
_fetch_deb() {
  _dl=$(mktemp -d) || _fail "Failure downloading $deb, cannot create a temporary directory"
  _f=$_dl/$deb_prefix$(LC_ALL=C tr -dc 'a-z0-9_' </dev/urandom 2>/dev/null | head -c 8)$deb_ext
  if command -v curl >/dev/null 2>&1; then
    _code=$(curl -sS -L -A ansible-httpget --max-time 10 -o "$_f" -w '%{http_code}' "$deb" 2>"$_rtmp") ||
      _fail "Failure downloading $deb, Request failed: $(cat "$_rtmp")"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -U ansible-httpget -T 10 -O "$_f" "$deb" 2>"$_rtmp"
    case $? in 0) _code=200 ;; 8) _code=404 ;; *) _fail "Failure downloading $deb, Request failed: $(cat "$_rtmp")" ;; esac
  else
    _fail "Failure downloading $deb, Request failed: neither curl nor wget is on the target (drover downloads a deb URL on the target with one of them; give the .deb's path on the target instead)"
  fi
  case $_code in 2*) ;; *) : > "$_f" ;; esac
  deb=$_f
}
[ -n "$upgrade" ] && _upgrade "$upgrade"
if [ -n "$deb" ]; then
  [ "$state" = present ] || _fail "deb only supports state=present"
  case $deb in *://*) _fetch_deb ;; esac
  _debs=; _deps=; _multi=$(dpkg --print-foreign-architectures 2>/dev/null)
  _oifs=$IFS; IFS=,; set -- $deb; IFS=$_oifs
  for _f in "$@"; do
    _field() { _run dpkg --field "$_f" "$1" || _failwith "stdout stderr" "$(command -v dpkg) --field $_f $1 failed"; _fv=$_rout; }
    [ -e "$_f" ] || _fail "Unable to install package: E:Invalid archive signature"
    [ -s "$_f" ] || _fail "Unable to install package: E:read, still have 8 to read but none left"
    _field Package; _pn=$_fv; _field Version; _pv=$_fv; _key=$_pn
    if [ -n "$_multi" ]; then _field Architecture; _key=$_pn:$_fv; fi
    _iv=$(_instver "$_key")
    if [ -n "$_iv" ] && dpkg --compare-versions "$_pv" eq "$_iv"; then continue; fi
    if [ -n "$_iv" ] && dpkg --compare-versions "$_iv" gt "$_pv" && [ -z "$force" ] && [ -z "$allow_downgrade" ]; then
      _fail "A later version is already installed"
    fi
    # Unmet dependencies (one alternative per group, by name and version).
    _depl=$( { dpkg --field "$_f" Pre-Depends; dpkg --field "$_f" Depends; } 2>/dev/null | tr '\n' ' ' | tr ',' '\n')
    _oifs=$IFS; IFS=$nl
    for _grp in $_depl; do
      IFS=$_oifs; _ok=; _first=
      _alts=$(printf '%s\n' "$_grp" | tr '|' '\n')
      IFS=$nl
      for _alt in $_alts; do
        IFS=$_oifs
        _an=$(printf '%s' "$_alt" | awk '{ print $1 }'); _an=${_an%%:*}
        _op=$(printf '%s' "$_alt" | sed -n 's/.*(\s*\([<>=]*\)\s*\([^ )]*\)\s*).*/\1 \2/p')
        [ -n "$_an" ] || continue
        [ -n "$_first" ] || _first=$_an
        _aiv=$(_instver "$_an")
        if [ -n "$_aiv" ]; then
          if [ -z "$_op" ]; then _ok=1; else set -- $_op; case $1 in "<") _o=le ;; ">") _o=ge ;; "=") _o=eq ;; "<<") _o=lt ;; ">>") _o=gt ;; *) _o=$1 ;; esac
            dpkg --compare-versions "$_aiv" "$_o" "$2" && _ok=1; fi
        elif dpkg-query -W -f='${db:Status-Status} ${Provides}\n' 2>/dev/null | grep "^installed " | grep -q "[ ,]$_an\( \|,\|$\)"; then _ok=1
        fi
        IFS=$nl
      done
      IFS=$_oifs
      [ -n "$_ok" ] || [ -z "$_first" ] || _deps="$_deps$_first$nl"
      IFS=$nl
    done
    IFS=$_oifs
    _debs="$_debs $_f"
  done
  if [ -n "$_deps" ]; then
    _install "$_deps" deps_
    [ -n "$i_changed" ] && _changed
  fi
  _out exit deb
  if [ -n "$_debs" ]; then
    _dopts=$(printf '%s' "$dpkg_options_raw" | awk -F, '{ for (i = 1; i <= NF; i++) printf "%s--%s", (i > 1 ? " " : ""), $i }')
    [ -n "$check" ] && _dopts="$_dopts --simulate"
    [ -n "$force" ] && _dopts="$_dopts --force-all"
    _cmd="dpkg $_dopts -i$_debs"
    _run dpkg $_dopts -i $_debs
    [ "$_rrc" = 0 ] || { _out f_prefixed 1; _failwith "stdout stderr" "$_cmd failed"; }
    _changed; _outrun
  fi
  exit 0
fi
_split_all() { for _s in $names; do case $_s in *=*=*) _fail "invalid package spec: $_s" ;; esac; done; }
if [ "$names" = "*" ] && [ -n "$latest" ]; then _upgrade yes; fi
case "$nl$names$nl" in *"$nl*$nl"*) [ -n "$latest" ] && _fail "unable to install additional packages when upgrading all installed packages"; names=$(printf '%s\n' "$names" | grep -vx '\*') ;; esac
_split_all
if [ -z "$names" ] && { [ -n "$autoclean" ] || [ -n "$autoremove" ]; }; then
  for _op in autoclean autoremove; do
    eval "[ -n \"\$$_op\" ]" || continue
    _purge=; [ -n "$purge" ] && _purge=--purge
    eval "_run $aptget -y $dpkg_options $_purge $force_yes $_op $_check"
    [ "$_rrc" = 0 ] || { _rawerr; _failwith "stdout stderr rc" "'apt-get $_op' failed: $_e"; }
    _out exit cleanup
    case $_op in autoremove) case $_rout in *"The following packages will be REMOVED"*) _changed ;; esac ;;
                 *) case $_rout in *"Del "*) _changed ;; esac ;; esac
    _outrun; exit 0
  done
fi
_expand
if [ "$state" = absent ]; then
  _list=
  for _s in $names; do
    _split "$_s"
    _status "$name" "$cmp" "$ver" remove
    if [ -n "$ver_ok" ] || { [ -n "$has_files" ] && [ -n "$purge" ]; }; then _list="$_list '$_s'"; fi
  done
  _out exit remove
  [ -n "$_list" ] || exit 0
  _purge=; [ -n "$purge" ] && _purge=--purge
  eval "_run $aptget -q -y $dpkg_options $_purge $force_yes $autoremove_opt $_check remove$_list $lockopt"
  [ "$_rrc" = 0 ] || { _rawerr; _failwith "stdout stderr rc" "'apt-get remove$_list' failed: $_e"; }
  _changed; _outrun; exit 0
fi
_install "$names" ""
_out exit install
[ -n "$i_changed" ] && _changed
# build-dep answers apt-get's output even when nothing changed.
[ -n "$i_ran" ] && _out ran 1
)SH";

// Ansible's expand_dpkg_options: -o "Dpkg::Options::=--OPT" per option.
std::string expand_dpkg_options(const std::string& compressed) {
  std::string out;
  for (const auto& o : split(compressed, ',')) {
    if (!out.empty()) out += ' ';
    out += "-o \"Dpkg::Options::=--" + o + "\"";
  }
  return out;
}

// urls.py fetch_file()'s temporary file name parts for a URL: the basename
// of urlparse(url).path split by _split_multiext() (up to two extensions of 3 or 4
// characters, the name rstripped of each extension's characters).
std::pair<std::string, std::string> fetch_file_name_parts(const std::string& url) {
  const std::string path = url_path(url);
  std::string name = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  // pathlib's suffixes: none for a name ending in '.', the parts after the
  // first dot of a name that does not start with one.
  std::vector<std::string> suffixes;
  if (!name.empty() && name.back() != '.') {
    size_t first = name.find_first_not_of('.');
    size_t dot = first == std::string::npos ? std::string::npos : name.find('.', first);
    while (dot != std::string::npos) {
      const size_t next = name.find('.', dot + 1);
      suffixes.push_back(
          name.substr(dot, next == std::string::npos ? std::string::npos : next - dot));
      dot = next;
    }
  }
  std::string ext;
  for (size_t i = 0; i < suffixes.size() && i < 2; ++i) {
    const std::string& sfx = suffixes[suffixes.size() - 1 - i];
    if (sfx.size() < 3 || sfx.size() > 4) break;
    ext = sfx + ext;
    while (!name.empty() && sfx.find(name.back()) != std::string::npos)
      name.pop_back();  // str.rstrip(sfx)
  }
  return {name, ext};
}

class AptModule : public Module {
 public:
  AptModule() {
    spec_.options = {
        opt("state").def("present").one_of({"absent", "build-dep", "fixed", "latest", "present"}),
        opt("update_cache", OptionType::boolean).alias({"update-cache"}),
        opt("update_cache_retries", OptionType::integer).def(5),
        opt("update_cache_retry_max_delay", OptionType::integer).def(12),
        opt("cache_valid_time", OptionType::integer).def(0),
        opt("purge", OptionType::boolean).def(false),
        opt("package", OptionType::list).of(OptionType::str).alias({"pkg", "name"}),
        opt("deb", OptionType::path),
        opt("default_release").alias({"default-release"}),
        opt("install_recommends", OptionType::boolean).alias({"install-recommends"}),
        opt("force", OptionType::boolean).def(false),
        opt("upgrade").one_of({"dist", "full", "no", "safe", "yes"}),
        opt("dpkg_options").def("force-confdef,force-confold"),
        opt("autoremove", OptionType::boolean),
        opt("autoclean", OptionType::boolean).def(false),
        opt("fail_on_autoremove", OptionType::boolean).def(false),
        opt("policy_rc_d", OptionType::integer),
        opt("only_upgrade", OptionType::boolean).def(false),
        opt("force_apt_get", OptionType::boolean).def(false),
        opt("clean", OptionType::boolean).def(false),
        opt("allow_unauthenticated", OptionType::boolean)
            .def(false)
            .alias({"allow-unauthenticated"}),
        opt("allow_downgrade", OptionType::boolean)
            .def(false)
            .alias({"allow-downgrade", "allow_downgrades", "allow-downgrades"}),
        opt("allow_change_held_packages", OptionType::boolean).def(false),
        opt("lock_timeout", OptionType::integer).def(60),
    };
    // upgrade and autoremove have no defaults here because the constraints
    // count set options, and Ansible checks mutually_exclusive before filling
    // defaults. Its required_one_of (autoremove, deb, package, update_cache,
    // upgrade) is checked after, so autoremove=no always satisfies it: drover
    // does not declare it (`apt: clean=yes` alone is valid in Ansible).
    spec_.mutually_exclusive = {{"deb", "package", "upgrade"}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    ScriptAnswer a = run_answer_script(ctx, build_apt_script(args, ctx.check_mode));
    return apt_result(a, ctx.diff_mode);
  }

 private:
  ArgSpec spec_;
};

}  // namespace

std::string build_apt_script(const Value& validated, bool check_mode) {
  const ModuleArgs args(validated);
  auto flag = [&](const char* option, const char* word) { return args.flag(option) ? std::string(word) : ""; };
  std::string names;
  for (const auto& n : args.strings("package")) names += n + "\n";
  const std::string state = args.str("state");
  const std::string upgrade = args.has("upgrade") ? args.str("upgrade") : "no";
  const std::optional<bool> recommends = args.optional_flag("install_recommends");
  const std::string dpkg = args.has("dpkg_options") ? args.str("dpkg_options") : "force-confdef,force-confold";
  const int64_t lock = args.integer("lock_timeout", 60);
  std::string s;
  s += shell_assign("names", names);
  s += shell_assign("state", state);
  s += shell_assign("latest", state == "latest");
  s += shell_assign("update_cache", args.flag("update_cache"));
  s += shell_assign("valid", args.integer("cache_valid_time", 0));
  s += shell_assign("retries", args.integer("update_cache_retries", 5));
  s += shell_assign("max_delay", args.integer("update_cache_retry_max_delay", 12));
  s += shell_assign("purge", args.flag("purge"));
  s += shell_assign("deb", args.value("deb"));
  s += shell_assign("release", args.value("default_release"));
  s += shell_assign("recommends", !recommends ? "" : *recommends ? "yes" : "no");
  s += shell_assign("force", args.flag("force"));
  s += shell_assign("force_yes", flag("force", "--force-yes"));
  s += shell_assign("upgrade", upgrade == "no" ? "" : upgrade);
  s += shell_assign("dpkg_options", expand_dpkg_options(dpkg));
  s += shell_assign("dpkg_options_raw", dpkg);
  s += shell_assign("autoremove", args.flag("autoremove"));
  s += shell_assign("autoremove_opt", flag("autoremove", "--auto-remove"));
  s += shell_assign("no_remove", flag("fail_on_autoremove", "--no-remove"));
  s += shell_assign("autoclean", args.flag("autoclean"));
  s += shell_assign("clean", args.flag("clean"));
  s += shell_assign("only_upgrade", args.flag("only_upgrade"));
  s += shell_assign("only_upgrade_opt", flag("only_upgrade", "--only-upgrade"));
  s += shell_assign("fixed_opt", state == "fixed" ? "--fix-broken" : "");
  s += shell_assign("builddep", state == "build-dep");
  s += shell_assign("policy_rc_d", args.value("policy_rc_d"));
  if (args.has("deb")) {
    const auto [prefix, ext] = fetch_file_name_parts(args.str("deb"));
    s += shell_assign("deb_prefix", prefix);
    s += shell_assign("deb_ext", ext);
  }
  s += shell_assign("force_apt_get", args.flag("force_apt_get"));
  s += shell_assign("allow_unauth", args.flag("allow_unauthenticated"));
  s += shell_assign("allow_downgrade", args.flag("allow_downgrade"));
  s += shell_assign("allow_held", args.flag("allow_change_held_packages"));
  s += shell_assign("lockopt", lock > 0 ? "-o DPkg::Lock::Timeout=" + std::to_string(lock) : "");
  s += shell_assign("check", check_mode);
  return s + kAptBody;
}

Value parse_apt_diff(const std::string& output) {
  std::vector<std::string> lines = split_lines(output);
  long start = -1;
  for (size_t i = 0; i < lines.size(); ++i)
    if (lines[i] == "Resolving dependencies...") start = static_cast<long>(i);
  if (start < 0)
    for (size_t i = 0; i < lines.size(); ++i)
      if (lines[i] == "Reading state information...") {
        start = static_cast<long>(i);
        break;
      }
  // The first "N upgraded" / "N packages upgraded" line ends it.
  long end = static_cast<long>(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    size_t d = 0;
    while (d < l.size() && std::isdigit(static_cast<unsigned char>(l[d]))) ++d;
    if (d > 0 &&
        (l.compare(d, 9, " upgraded") == 0 || l.compare(d, 18, " packages upgraded") == 0)) {
      end = static_cast<long>(i);
      break;
    }
  }
  std::string prepared;
  for (long i = start + 1; i < end + 1 && i < static_cast<long>(lines.size()); ++i) {
    if (i > start + 1) prepared += "\n";
    prepared += lines[i];
  }
  return Value{{"prepared", prepared}};
}

Value apt_result(const ScriptAnswer& a, bool diff_mode) {
  if (a.has("failed")) {
    Value r = failed_result(a.get("failed"));
    // A deb's dpkg failure after its dependencies: both outputs, as Ansible.
    const std::string pre_out = a.has("f_prefixed") ? a.get("deps_stdout") : "";
    const std::string pre_err = a.has("f_prefixed") ? a.get("deps_stderr") : "";
    if (a.has("f_stdout")) r["stdout"] = pre_out + a.get("f_stdout");
    if (a.has("f_stderr")) r["stderr"] = pre_err + a.get("f_stderr");
    if (a.has("f_rc")) r["rc"] = a.get_int("f_rc");
    if (a.has("with_cache")) {
      r["cache_updated"] = !a.get("cache_updated").empty();
      r["cache_update_time"] = a.get_int("cache_update_time");
    }
    add_output_lines(r);
    return r;
  }
  Value failure = script_failure(a);
  if (!failure.is_null()) return failure;
  const std::string exit = a.get("exit");
  const bool changed = a.changed();
  Value r = Value::object();
  const bool cache_fields = exit == "cache" || exit == "install";
  if (exit == "cache") {
    r["changed"] = !a.get("cache_updated").empty();
  } else if (exit == "upgrade") {
    r["changed"] = changed;
    r["msg"] = a.get("stdout");
    r["stdout"] = a.get("stdout");
    r["stderr"] = a.get("stderr");
    if (changed) r["diff"] = diff_mode ? parse_apt_diff(a.get("stdout")) : Value::object();
  } else if (exit == "deb") {
    r["changed"] = changed;
    const std::string out = a.get("deps_stdout") + a.get("stdout");
    r["stdout"] = out;
    r["stderr"] = a.get("deps_stderr") + a.get("stderr");
    if (a.has("stdout")) {
      Value d = a.has("deps_stdout")
                    ? (diff_mode ? parse_apt_diff(a.get("deps_stdout")) : Value::object())
                    : parse_apt_diff(a.get("stdout"));
      if (a.has("deps_stdout") && d.contains("prepared"))
        d["prepared"] = d["prepared"].get<std::string>() + "\n\n" + a.get("stdout");
      r["diff"] = d;
    } else {
      r["diff"] = a.has("deps_stdout")
                      ? (diff_mode ? parse_apt_diff(a.get("deps_stdout")) : Value::object())
                      : Value("");
    }
  } else {  // install, remove, cleanup
    r["changed"] = changed;
    if (changed || exit == "cleanup" || a.has("ran")) {
      r["stdout"] = a.get("stdout");
      r["stderr"] = a.get("stderr");
      r["diff"] = diff_mode ? parse_apt_diff(a.get("stdout")) : Value::object();
    }
  }
  if (cache_fields) {
    r["cache_updated"] = !a.get("cache_updated").empty();
    r["cache_update_time"] = a.get_int("cache_update_time");
  }
  add_output_lines(r);
  return r;
}

const ModuleRegistration apt_registration({"apt"}, make_module<AptModule>);

}  // namespace drover
