// git: clone and update a checkout with the git CLI on the target
// (ansible.builtin.git, ansible-core 2.14 semantics). One script follows
// Ansible's main(): clone when dest has no repository (ls-remote only in
// check mode or with clone=no), otherwise check for local modifications,
// update the remote URL, fetch (the same refspecs as Ansible for depth,
// tags and bare repositories) and switch to `version` (a branch, a tag or a
// sha) with the same git commands, so that their failures read the same.
// Returns before, after, changed, remote_url_changed, and diff.prepared in
// diff mode.
//
// archive (and archive_prefix) as Ansible's create_archive(): git archive
// of `version` from the checkout, an existing archive replaced only when
// the new one differs (changed says which); verify_commit (git
// verify-commit, or verify-tag for an annotated tag, with gpg_whitelist
// checked against the VALIDSIG fingerprint) after the clone and after the
// checkout. Not supported (rejected at load time): separate_git_dir.
// Submodules: after the checkout, Ansible's submodules_fetch() decides
// whether they changed (submodules_changed, which also makes the task
// changed); only then are they synced and updated (`git submodule update
// --init --recursive`, --remote with track_submodules, --force with force).
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "modules/packages.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

constexpr const char* kGitBody = R"SH(
export LANG=C LC_ALL=C LC_MESSAGES=C LC_CTYPE=C
set -f
git=${executable:-$(command -v git)} || _fail "Failed to find required executable \"git\" in paths: $PATH"
[ -n "$umask" ] && umask "$umask"
[ -n "$ssh_cmd" ] && export GIT_SSH_COMMAND="$ssh_cmd"
case $repo in "~"/*) repo=$HOME/${repo#"~/"} ;; esac
case $repo in /*) repo=file://$repo ;; esac
case $dest in "~"/*) dest=$HOME/${dest#"~/"} ;; "") ;; /*) ;; *) dest=$(pwd)/$dest ;; esac
[ -n "$dest" ] && dest=$(realpath -m "$dest")
# rc, stdout and stderr of the last _run as PREFIXrc, ... (newlines kept).
_outraw() { _out "${1}rc" "$_rrc"; printf '\036%sstdout\n' "$1"; cat "$_rtmpo"; printf '\036%sstderr\n' "$1"; cat "$_rtmp"; }
# Runs git, failing like run_command(check_rc=True).
_gitc() { _run "$git" "$@" || { _out f_cmd "$git $*"; _outraw f_; _fail "$_rerr"; }; }
# In dest, like Ansible's run_command(cwd=dest).
_ind() { _od=$(pwd); cd "$dest" 2>/dev/null; "$@"; _st=$?; cd "$_od"; return $_st; }
_warn() { _warnings="$_warnings$1
"; _out warnings "$_warnings"; }
# Ansible runs these with check_rc: an unreachable remote fails the task.
_is_remote_branch() { _ind _gitc ls-remote "$1" -h "refs/heads/$2"; case $_rout in *"$2"*) return 0 ;; esac; return 1; }
_is_remote_tag() { _ind _gitc ls-remote "$1" -t "refs/tags/$2"; case $_rout in *"$2"*) return 0 ;; esac; return 1; }
_is_local_branch() { _ind "$git" branch --no-color -a 2>/dev/null | sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | grep -qxF -e "$1" -e "* $1"; }
_repo_path() {
  if [ -n "$bare" ]; then repo_path=$dest; else repo_path=$dest/.git; fi
  if [ -f "$repo_path" ]; then
    _gd=$(sed -n '1s/^gitdir: //p' "$repo_path")
    case $_gd in "") repo_path= ;; /*) repo_path=$_gd ;; *) repo_path=$dest/$_gd ;; esac
    [ -n "$repo_path" ] && [ -d "$repo_path" ] ||
      _fail "Current repo does not have a valid reference to a separate Git dir or it refers to the invalid path"
  fi
}
# Ansible's head_splitter() on a HEAD file.
_head_of() {
  [ -e "$1" ] || return 0
  _h=$(head -n 1 "$1" | sed "s|refs/remotes/$remote||")
  _h=${_h##* }
  case $_h in */*/*) printf '%s\n' "${_h#*/*/}" ;; */*) printf '%s\n' "${_h#*/}" ;; *) printf '%s\n' "$_h" ;; esac
}
_head_branch() {
  _repo_path
  _hf=$repo_path/HEAD
  if _ind "$git" branch --no-color -a 2>/dev/null | grep -q '^\* .*\(no branch\|detached from\|detached at\)'; then
    _hf=$repo_path/refs/remotes/$remote/HEAD
  fi
  _head_of "$_hf"
}
# get_remote_head(): the sha `version` has on remote $1.
_remote_head() {
  _r=$1; _cloning=; _tag=
  [ "$_r" = "$repo" ] && _cloning=1
  if [ "$version" = HEAD ]; then
    if [ -n "$_cloning" ]; then set -- ls-remote "$_r" -h HEAD
    else set -- ls-remote "$_r" -h "refs/heads/$(_head_branch)"; fi
  elif _is_remote_branch "$_r" "$version"; then set -- ls-remote "$_r" -h "refs/heads/$version"
  elif _is_remote_tag "$_r" "$version"; then _tag=1; set -- ls-remote "$_r" -t "refs/tags/$version*"
  else rhead=$version; return 0; fi
  if [ -n "$_cloning" ]; then _gitc "$@"; else _ind _gitc "$@"; fi
  [ -n "$_rout" ] || { _outraw f_; _fail "Could not determine remote revision for $version"; }
  _line=$(printf '%s\n' "$_rout" | head -n 1)
  if [ -n "$_tag" ]; then
    _line=$(printf '%s\n' "$_rout" | awk -v v="$version" '
      { if (substr($0, length($0) - length(v) - 2) == v "^{}") { hit = $0; exit } if (substr($0, length($0) - length(v) + 1) == v) hit = $0 }
      END { print hit }')
  fi
  rhead=${_line%%[[:space:]]*}
}
_version() { _ind "$git" rev-parse HEAD 2>/dev/null; }
_same_url() { [ "$1" = "$2" ] || [ "$(realpath -m -- "$1")" = "$(realpath -m -- "$2")" ]; }
# set_remote_url(): 1 when the URL changed.
_set_remote_url() {
  _url=$(_ind "$git" ls-remote --get-url "$remote" 2>/dev/null) || return 1
  _same_url "$_url" "$repo" && return 1
  _ind _run "$git" remote set-url "$remote" "$repo" || _fail "Failed to set a new url $repo for $remote: $_rout $_rerr"
  return 0
}
_fetch() {
  _set_remote_url
  set --
  _refspecs=
  if [ -n "$depth" ]; then
    _cur=$(_head_branch)
    if [ -n "$refspec" ]; then _refspecs=$refspec
    elif [ "$version" = HEAD ]; then _refspecs=$_cur
    elif _is_remote_branch "$repo" "$version"; then
      [ "$_cur" != "$version" ] && _refspecs="+refs/heads/$version:refs/heads/$version"
      _refspecs="$_refspecs +refs/heads/$version:refs/remotes/$remote/$version"
    elif _is_remote_tag "$repo" "$version"; then _refspecs="+refs/tags/$version:refs/tags/$version"
    fi
    [ -n "$_refspecs" ] && set -- --depth "$depth"
  fi
  if [ -z "$depth" ] || [ -z "$_refspecs" ]; then
    if [ -n "$bare" ]; then _refspecs='+refs/heads/*:refs/heads/* +refs/tags/*:refs/tags/*'
    else set -- "$@" --tags; _refspecs=; fi
    [ -n "$refspec" ] && _refspecs="$_refspecs $refspec"
  fi
  [ -n "$force" ] && set -- "$@" --force
  _ind _run "$git" fetch "$@" "$remote" $_refspecs || _fail "Failed to download remote objects and refs: $_rout $_rerr"
}
_diff() {
  [ -n "$diff" ] || return 0
  if [ -z "$1" ]; then _out diff ">> Newly checked out $2"; return 0; fi
  [ "$1" != "$2" ] || return 0
  [ -n "$bare" ] || [ -d "$dest" ] || return 0
  _fetch_version=$version; version=$2; _fetch; version=$_fetch_version
  if _ind _run "$git" diff "$1" "$2"; then
    if [ -n "$_rout" ]; then printf '\036diff\n'; cat "$_rtmpo"; else _out diff ">> No visual differences between $1 and $2"; fi
  elif [ -n "$_rerr" ]; then _out diff ">> Failed to get proper diff between $1 and $2:
>> $_rerr"
  else _out diff ">> Failed to get proper diff between $1 and $2"; fi
}
_switch() {
  if [ "$version" = HEAD ]; then
    _b=$(_head_branch)
    _ind _run "$git" checkout --force "$_b" || { _outraw f_; _fail "Failed to checkout branch $_b"; }
    set -- reset --hard "$remote/$_b" --; _what="branch $_b"
  else
    _what=$version
    if _is_remote_branch "$remote" "$version"; then
      if [ -n "$depth" ] && ! _is_local_branch "$version"; then
        _ind _run "$git" fetch "--depth=$depth" "$remote" "+refs/heads/$version:refs/heads/$version" "+refs/heads/$version:refs/remotes/$remote/$version" ||
          { _outraw f_; _fail "Failed to fetch branch from remote: $version"; }
      fi
      if ! _is_local_branch "$version"; then set -- checkout --track -b "$version" "$remote/$version"
      else
        _ind _run "$git" checkout --force "$version" || { _outraw f_; _fail "Failed to checkout branch $version"; }
        set -- reset --hard "$remote/$version"
      fi
    else set -- checkout --force "$version"; fi
  fi
  _ind _run "$git" "$@" || { _out f_cmd "$git $*"; _outraw f_; _fail "Failed to checkout $_what"; }
  _verify
}
# The submodules' shas (git submodule foreach git rev-parse $1) in $_vers,
# as get_submodule_versions(): the "Entering" lines name them, so equal
# text means equal versions.
_submodule_versions() {
  _ind _run "$git" submodule foreach "$git" rev-parse "$1" ||
    { _outraw f_; _out f_plain 1; _fail "Unable to determine hashes of submodules"; }
  _vers=$_rout
}
# submodules_fetch(): submodules changed when .gitmodules names a path that
# has no .git yet, or, after a fetch in every submodule, when (with
# track_submodules) their $remote/master differs from what is checked out
# -- Ansible's fixed branch name -- or (without) `git submodule status`
# flags one (a line not starting with a space). Only then
# submodule_update(): sync, then update (--remote with track_submodules).
# Sets submodules_changed.
_submodules() {
  submodules_changed=
  [ -n "$recursive" ] && [ -f "$dest/.gitmodules" ] || return 0
  while IFS= read -r _l || [ -n "$_l" ]; do
    _l=$(printf '%s' "$_l" | sed 's/^[[:space:]]*//')
    case $_l in path*=*) ;; *) continue ;; esac
    _p=$(printf '%s' "${_l#*=}" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
    [ -e "$dest/$_p/.git" ] || { submodules_changed=1; break; }
  done < "$dest/.gitmodules"
  if [ -z "$submodules_changed" ]; then
    _submodule_versions HEAD; _begin=$_vers
    _ind _run "$git" submodule foreach "$git" fetch ||
      { _out f_cmd "$git submodule foreach $git fetch"; _outraw f_; _out f_plain 1; _fail "$_rerr"; }
    if [ -n "$track_submodules" ]; then
      _submodule_versions "$remote/master"
      [ "$_vers" = "$_begin" ] || submodules_changed=1
    else
      _ind _run "$git" submodule status ||
        { _out f_cmd "$git submodule status"; _outraw f_; _out f_plain 1; _fail "$_rerr"; }
      printf '%s\n' "$_rout" | grep -q '^[^ ]' && submodules_changed=1
    fi
  fi
  [ -n "$submodules_changed" ] || return 0
  _out submodules_changed 1
  _ind _run "$git" submodule sync ||
    { _out f_cmd "$git submodule sync"; _outraw f_; _out f_plain 1; _fail "$_rerr"; }
  set -- submodule update --init --recursive
  [ -n "$track_submodules" ] && set -- "$@" --remote
  [ -n "$force" ] && set -- "$@" --force
  _ind _run "$git" "$@" || { _out f_plain 1; _fail "Failed to init/update submodules: $_rout$_rerr"; }
}
# verify_commit_sign(): the signature of $version in dest.
_verify() {
  [ -n "$verify_commit" ] || return 0
  _ind _run "$git" for-each-ref refs/tags/ --format '%(objecttype):%(refname:short)' ||
    { _outraw f_; _out f_plain 1; _fail "Could not determine tag data - received $_rout"; }
  _sub=verify-commit
  printf '%s\n' "$_rout" | grep -qxF "tag:$version" && _sub=verify-tag
  set -- "$_sub" "$version"; [ -n "$gpg_whitelist" ] && set -- "$@" --raw
  _ind _run "$git" "$@" || { _outraw f_; _out f_plain 1; _fail "Failed to verify GPG signature of commit/tag \"$version\""; }
  [ -n "$gpg_whitelist" ] || return 0
  _fp=$(printf '%s\n' "$_rerr" | awk '$2 == "VALIDSIG" { print $3; exit }')
  case " $gpg_whitelist " in *" ${_fp:-None} "*) ;; *)
    _outraw f_; _out f_plain 1; _fail "The gpg_whitelist does not include the public key \"${_fp:-None}\" for this commit" ;;
  esac
}
# create_archive(): git archive of $version; an existing archive is
# replaced only when the new one differs. Answers archive_changed.
_archive() {
  [ -n "$archive" ] || return 0
  if [ -n "$check" ]; then _out archive_changed 1; exit 0; fi
  case $archive in
    *.zip) _fmt=zip ;; *.gz) _fmt=tar.gz ;; *.tar) _fmt=tar ;; *.tgz) _fmt=tgz ;;
    *) _out f_plain 1; _out f_details "Please specify archive as filename with extension. File extension can be one of ['tar', 'tar.gz', 'zip', 'tgz']"
       _fail "Unable to get file extension from archive file name : $archive" ;;
  esac
  _to=$archive
  if [ -e "$archive" ]; then
    _adir=$(mktemp -d); _name=${repo##*/}; _to=$_adir/$(printf '%s' "$_name" | sed 's/\.git//g').$_fmt
  fi
  set -- archive --format "$_fmt" --output "$_to"
  [ -n "$has_prefix" ] && set -- "$@" --prefix "$archive_prefix"
  _ind _run "$git" "$@" "$version" || {
    _out f_plain 1; _out f_details "Git archive command failed to create archive $_to using $dest directory.Error: $_rerr"
    [ -n "$_adir" ] && rm -rf "$_adir"
    _fail "Failed to perform archive operation"; }
  if [ "$_to" = "$archive" ]; then _out archive_changed 1
  elif cmp -s "$_to" "$archive"; then _out archive_changed ""
  else
    mv -f "$_to" "$archive" 2>"$_rtmp" || {
      _out f_plain 1; _out f_details "Error occurred while moving : $(cat "$_rtmp")"; rm -rf "$_adir"; _fail "Failed to move $_to to $archive"; }
    _out archive_changed 1
  fi
  [ -n "$_adir" ] && rm -rf "$_adir"
  return 0
}
_adir=
[ -n "$dest" ] || [ -z "$clone" ] || _fail "the destination directory must be specified unless clone=no"
before=; local_mods=
if [ -n "$dest" ]; then _repo_path; gitconfig=$repo_path/config; fi
if { [ -n "$dest" ] && [ ! -e "$gitconfig" ]; } || { [ -z "$dest" ] && [ -z "$clone" ]; }; then
  if [ -n "$check" ] || [ -z "$clone" ]; then
    _remote_head "$repo"
    _out changed 1; _out after "$rhead"; _diff "" "$rhead"; exit 0
  fi
  mkdir -p "$(dirname "$dest")" 2>/dev/null
  set -- clone
  if [ -n "$bare" ]; then set -- "$@" --bare; else set -- "$@" --origin "$remote"; fi
  _bt=; { _is_remote_branch "$repo" "$version" || _is_remote_tag "$repo" "$version"; } && _bt=1
  if [ -n "$depth" ]; then
    if [ "$version" = HEAD ] || [ -n "$refspec" ]; then set -- "$@" --depth "$depth"
    elif [ -n "$_bt" ]; then set -- "$@" --depth "$depth" --branch "$version"
    else _warn "Ignoring depth argument. Shallow clones are only available for HEAD, branches, tags or in combination with refspec."; fi
  fi
  [ -n "$reference" ] && set -- "$@" --reference "$reference"
  if [ -n "$single_branch" ]; then set -- "$@" --single-branch; [ -n "$_bt" ] && set -- "$@" --branch "$version"; fi
  cd "$(dirname "$dest")" && _gitc "$@" "$repo" "$dest"
  cd /
  if [ -n "$bare" ] && [ "$remote" != origin ]; then _ind _gitc remote add "$remote" "$repo"; fi
  if [ -n "$refspec" ]; then
    set -- fetch; [ -n "$depth" ] && set -- fetch --depth "$depth"
    _ind _gitc "$@" "$remote" "$refspec"
  fi
  _verify
elif [ -z "$update" ]; then
  before=$(_version); _out before "$before"; _out after "$before"; _archive; exit 0
else
  if [ -z "$bare" ] && [ -n "$(_ind "$git" status --porcelain 2>/dev/null | grep -v '^??')" ]; then local_mods=1; fi
  before=$(_version); _out before "$before"
  if [ -n "$local_mods" ]; then
    [ -n "$force" ] || _fail "Local modifications exist in the destination: $dest (force=no)."
    if [ -z "$check" ]; then
      _ind _gitc reset --hard HEAD
      _out changed 1; _out msg "Local modifications exist in the destination: $dest"
    fi
  fi
  _url_changed=
  if [ -n "$check" ]; then
    _url=$(_ind "$git" ls-remote --get-url "$remote" 2>/dev/null) && [ -n "$_url" ] && ! _same_url "$_url" "$repo" && _url_changed=1
  else
    _set_remote_url && _url_changed=1
  fi
  _out remote_url_changed "$_url_changed"
  if [ -n "$check" ]; then
    _remote_head "$remote"
    _out after "$rhead"
    { [ "$before" != "$rhead" ] || [ -n "$_url_changed" ]; } && _out changed 1
    _diff "$before" "$rhead"; exit 0
  fi
  _fetch
fi
submodules_changed=
[ -n "$bare" ] || { _switch; _submodules; }
after=$(_version); _out after "$after"
if [ "$before" != "$after" ] || [ -n "$local_mods" ] || [ -n "$submodules_changed" ] || [ -n "$_url_changed" ]; then
  _out changed 1; _diff "$before" "$after"
fi
_archive
)SH";

class GitModule : public Module {
 public:
  GitModule() {
    spec_.options = {
        opt("dest", OptionType::path),
        opt("repo").req().alias({"name"}),
        opt("version").def("HEAD"),
        opt("remote").def("origin"),
        opt("refspec"),
        opt("reference"),
        opt("force", OptionType::boolean).def(false),
        opt("depth", OptionType::integer),
        opt("clone", OptionType::boolean).def(true),
        opt("update", OptionType::boolean).def(true),
        opt("verify_commit", OptionType::boolean).def(false),
        opt("gpg_whitelist", OptionType::list).of(OptionType::str).def(Value::array()),
        opt("accept_hostkey", OptionType::boolean),
        opt("accept_newhostkey", OptionType::boolean),
        opt("key_file", OptionType::path),
        opt("ssh_opts"),
        opt("executable", OptionType::path),
        opt("bare", OptionType::boolean),
        opt("recursive", OptionType::boolean).def(true),
        opt("single_branch", OptionType::boolean).def(false),
        opt("track_submodules", OptionType::boolean).def(false),
        opt("umask", OptionType::raw),
        opt("archive", OptionType::path),
        opt("archive_prefix"),
        // separate_git_dir is not implemented: left out, so that a task
        // using it is rejected at load time (unsupported parameter).
    };
    // accept_*hostkey have no defaults: the constraints count set options.
    spec_.mutually_exclusive = {{"accept_hostkey", "accept_newhostkey"}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    const ModuleArgs args(validated);
    if (args.has("archive_prefix") && !args.has("archive"))
      return failed_result("missing parameter(s) required by 'archive_prefix': archive");
    if (args.has("umask") && !args.value("umask").is_string())
      return failed_result("umask must be defined as a quoted octal integer");
    ScriptAnswer a = run_answer_script(ctx, build_git_script(validated, ctx.check_mode, ctx.diff_mode));
    return git_result(a, ctx.check_mode);
  }

 private:
  ArgSpec spec_;
};

}  // namespace

std::string build_git_script(const Value& validated, bool check_mode, bool diff_mode) {
  const ModuleArgs args(validated);
  // Ansible's set_git_ssh_env(): GIT_SSH_COMMAND from key_file and ssh_opts.
  std::string ssh_opts = args.str("ssh_opts");
  for (const auto& [option, value] :
       {std::pair{"accept_hostkey", "no"}, std::pair{"accept_newhostkey", "accept-new"}}) {
    if (!args.flag(option)) continue;
    if (ssh_opts.find("-o StrictHostKeyChecking=no") == std::string::npos &&
        ssh_opts.find("-o StrictHostKeyChecking=accept-new") == std::string::npos)
      ssh_opts += std::string(ssh_opts.empty() ? "" : " ") + "-o StrictHostKeyChecking=" + value;
  }
  std::string ssh_cmd;
  if (args.has("key_file") || !ssh_opts.empty()) {
    ssh_cmd = "ssh";
    if (args.has("key_file"))
      ssh_cmd += " -i " + shell_quote(args.str("key_file")) + " -o IdentitiesOnly=yes";
    if (!ssh_opts.empty()) ssh_cmd += " " + ssh_opts;
  }
  const int64_t depth = args.integer("depth");
  std::string s;
  s += shell_assign("repo", args.value("repo"));
  s += shell_assign("dest", args.value("dest"));
  s += shell_assign("version", args.has("version") ? args.str("version") : "HEAD");
  s += shell_assign("remote", args.has("remote") ? args.str("remote") : "origin");
  s += shell_assign("refspec", args.value("refspec"));
  s += shell_assign("reference", args.value("reference"));
  s += shell_assign("force", args.flag("force"));
  s += shell_assign("depth", depth > 0 ? Value(depth) : Value());
  s += shell_assign("clone", args.optional_flag("clone") != false);
  s += shell_assign("update", args.optional_flag("update") != false);
  s += shell_assign("bare", args.flag("bare"));
  s += shell_assign("recursive", args.optional_flag("recursive") != false);
  s += shell_assign("single_branch", args.flag("single_branch"));
  s += shell_assign("track_submodules", args.flag("track_submodules"));
  s += shell_assign("umask", args.value("umask"));
  s += shell_assign("executable", args.value("executable"));
  s += shell_assign("ssh_cmd", ssh_cmd);
  s += shell_assign("verify_commit", args.flag("verify_commit"));
  s += shell_assign("gpg_whitelist", join(args.strings("gpg_whitelist"), " "));
  s += shell_assign("archive", args.value("archive"));
  s += shell_assign("has_prefix", args.has("archive_prefix"));
  s += shell_assign("archive_prefix", args.value("archive_prefix"));
  s += shell_assign("check", check_mode);
  s += shell_assign("diff", diff_mode);
  return s + kGitBody;
}

Value git_result(const ScriptAnswer& a, bool check_mode) {
  (void)check_mode;
  Value warnings = Value::array();
  for (const auto& w : split_lines(a.get("warnings")))
    if (!w.empty()) warnings.push_back(w);
  if (a.has("failed")) {
    Value r = failed_result(a.get("failed"));
    if (a.has("f_cmd")) r["cmd"] = a.get("f_cmd");
    if (a.has("f_rc")) r["rc"] = a.get_int("f_rc");
    if (a.has("f_stdout")) r["stdout"] = a.get("f_stdout");
    if (a.has("f_stderr")) r["stderr"] = a.get("f_stderr");
    if (a.has("f_details")) r["details"] = a.get("f_details");
    // Ansible's verify and archive failures carry no result fields.
    if (a.has("before") && !a.has("f_plain")) {
      r["changed"] = false;
      if (!warnings.empty()) r["warnings"] = warnings;
      r["before"] = a.get("before");
    }
    add_output_lines(r);
    return r;
  }
  Value failure = script_failure(a);
  if (!failure.is_null()) return failure;
  Value r = Value::object();
  // create_archive() decides changed last: an unchanged archive makes the
  // whole task unchanged, as in Ansible.
  r["changed"] = a.has("archive_changed") ? !a.get("archive_changed").empty() : a.changed();
  if (!warnings.empty()) r["warnings"] = warnings;  // Ansible drops an empty list
  r["before"] = a.has("before") && !a.get("before").empty() ? Value(a.get("before")) : Value();
  if (a.has("msg")) r["msg"] = a.get("msg");
  if (a.has("submodules_changed")) r["submodules_changed"] = true;  // only ever true in Ansible
  if (a.has("remote_url_changed")) r["remote_url_changed"] = !a.get("remote_url_changed").empty();
  if (a.has("after")) r["after"] = a.get("after");
  if (a.has("diff")) r["diff"] = Value{{"prepared", a.get("diff")}};
  return r;
}

const ModuleRegistration git_registration({"git"}, make_module<GitModule>);

}  // namespace drover
