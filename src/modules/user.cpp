// user: accounts on the target with useradd / usermod / userdel
// (ansible.builtin.user, ansible-core 2.14 semantics on Linux): create,
// modify (uid, group, groups with append, comment, home with move_home,
// shell, password hash with update_password and password_lock, password
// expiry min/max), remove (force, remove), the home directory from the
// skeleton when missing, and generate_ssh_key. One script decides and acts;
// check mode runs nothing that changes the system.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

// The script's body: the variables (o_*) come first, set by user_script().
constexpr const char* kUserBody = R"SH(
_p=$(_pwent "$n")
if [ "$state" = absent ]; then
  [ -n "$_p" ] || exit 0
  _out existed 1; _changed
  [ -n "$check" ] && exit 0
  set -- userdel
  [ -n "$o_force" ] && set -- "$@" -f
  [ -n "$o_remove" ] && set -- "$@" -r
  _run "$@" "$n"; _outrun
  exit 0
fi
if [ -z "$_p" ]; then
  _out created 1; _changed
  [ -n "$check" ] && exit 0
  set -- useradd
  if [ -n "$o_uid" ]; then set -- "$@" -u "$o_uid"; [ -n "$o_non_unique" ] && set -- "$@" -o; fi
  if [ -n "$o_group" ]; then
    _grent "$o_group" >/dev/null || _fail "Group $o_group does not exist"
    set -- "$@" -g "$o_group"
  elif _grent "$n" >/dev/null; then
    set -- "$@" -N
  fi
  if [ -n "$o_groups" ]; then
    _IFS=$IFS; IFS=,
    for g in $o_groups; do _grent "$g" >/dev/null || _fail "Group $g does not exist"; done
    IFS=$_IFS
    set -- "$@" -G "$o_groups"
  fi
  [ -n "$o_comment_set" ] && set -- "$@" -c "$o_comment"
  if [ -n "$o_home" ]; then
    if [ -n "$o_create_home" ] && [ ! -d "$(dirname "$o_home")" ]; then mkdir -p "$(dirname "$o_home")"; fi
    set -- "$@" -d "$o_home"
  fi
  [ -n "$o_shell" ] && set -- "$@" -s "$o_shell"
  if [ -n "$o_password_set" ]; then
    if [ -n "$o_password_lock" ]; then set -- "$@" -p "!$o_password"; else set -- "$@" -p "$o_password"; fi
  fi
  if [ -n "$o_create_home" ]; then
    set -- "$@" -m
    [ -n "$o_skeleton" ] && set -- "$@" -k "$o_skeleton"
    [ -n "$o_umask" ] && set -- "$@" -K "UMASK=$o_umask"
  else
    set -- "$@" -M
  fi
  [ -n "$o_system" ] && set -- "$@" -r
  _run "$@" "$n"; _outrun
  [ "$_rrc" = 0 ] || exit 0
else
  IFS=: read -r _ _ uid gid gecos home shell <<EOF
$_p
EOF
  hash=$(getent shadow "$n" 2>/dev/null | cut -d: -f2)
  set -- usermod
  if [ -n "$o_uid" ] && [ "$o_uid" != "$uid" ]; then set -- "$@" -u "$o_uid"; [ -n "$o_non_unique" ] && set -- "$@" -o; fi
  if [ -n "$o_group" ]; then
    _g=$(_grent "$o_group") || _fail "Group $o_group does not exist"
    _gid=$(echo "$_g" | cut -d: -f3)
    [ "$_gid" != "$gid" ] && set -- "$@" -g "$_gid"
  fi
  if [ -n "$o_groups_set" ]; then
    _cur=$(getent group 2>/dev/null || cat /etc/group)
    _cur=$(echo "$_cur" | awk -F: -v u="$n" '{k=split($4,m,","); for(i=1;i<=k;i++) if(m[i]==u) print $1}')
    _need=
    if [ -z "$o_groups" ]; then
      [ -n "$_cur" ] && [ -z "$o_append" ] && _need=1
    else
      _IFS=$IFS; IFS=,
      for g in $o_groups; do
        _grent "$g" >/dev/null || _fail "Group $g does not exist"
        echo "$_cur" | grep -qx "$g" || _need=1
      done
      IFS=$_IFS
      if [ -z "$o_append" ]; then
        for g in $_cur; do case ",$o_groups," in *",$g,"*) ;; *) _need=1 ;; esac; done
      fi
    fi
    if [ -n "$_need" ]; then [ -n "$o_append" ] && set -- "$@" -a; set -- "$@" -G "$o_groups"; fi
  fi
  [ -n "$o_comment_set" ] && [ "$gecos" != "$o_comment" ] && set -- "$@" -c "$o_comment"
  if [ -n "$o_home" ] && [ "$home" != "$o_home" ]; then set -- "$@" -d "$o_home"; [ -n "$o_move_home" ] && set -- "$@" -m; fi
  [ -n "$o_shell" ] && [ "$shell" != "$o_shell" ] && set -- "$@" -s "$o_shell"
  _lock=
  case "$hash" in
    '!'*) [ "$o_password_lock" = no ] && _lock=-U ;;
    *) [ "$o_password_lock" = yes ] && _lock=-L ;;
  esac
  _h=${hash#!}; _h=${_h#!}; _w=${o_password#!}; _w=${_w#!}
  if [ "$o_update_password" = always ] && [ -n "$o_password_set" ] && [ "$_h" != "$_w" ]; then
    _lock=
    if [ "$o_password_lock" = yes ]; then set -- "$@" -p "!$o_password"; else set -- "$@" -p "$o_password"; fi
  fi
  [ -n "$_lock" ] && set -- "$@" "$_lock"
  if [ $# -gt 1 ]; then
    _changed
    if [ -z "$check" ]; then
      _run "$@" "$n"; _outrun
      [ "$_rrc" = 0 ] || exit 0
    fi
  fi
fi
_p=$(_pwent "$n")
IFS=: read -r _ _ uid gid gecos home shell <<EOF
$_p
EOF
_out uid "$uid"; _out gid "$gid"; _out comment "$gecos"; _out home "$home"; _out shell "$shell"
_h=${o_home:-$home}
if [ ! -e "$_h" ] && [ -n "$o_create_home" ]; then
  _changed
  if [ -z "$check" ]; then
    _sk=${o_skeleton:-/etc/skel}
    if [ -e "$_sk" ]; then cp -a "$_sk" "$_h"; else mkdir -p "$_h"; fi
    _um=$(sed -n 's/^UMASK[[:space:]]*\([0-9]*\)$/\1/p' /etc/login.defs 2>/dev/null | tail -n 1)
    [ -n "$_um" ] && chmod "$(printf '%o' $(( 0777 & ~0$_um )))" "$_h"
    chown -R "$uid:$gid" "$_h"
  fi
fi
if [ -n "$o_generate_ssh_key" ]; then
  case "$o_ssh_key_file" in /*) kf=$o_ssh_key_file ;; *) kf=$home/$o_ssh_key_file ;; esac
  _out ssh_key_file "$kf"
  _gen=1
  case "$o_ssh_key_file" in
    /*) ;;
    *) if [ ! -e "$home" ] && [ -z "$check" ]; then _fail "User $n home directory does not exist"; fi ;;
  esac
  _kd=$(dirname "$kf")
  if [ ! -e "$_kd" ]; then
    if [ -n "$check" ]; then _gen=; _changed; else mkdir -m 700 "$_kd" && chown "$uid:$gid" "$_kd"; fi
  fi
  _yes=
  if [ -n "$_gen" ] && [ -e "$kf" ]; then
    if [ -n "$o_force" ]; then _out warn_key "Overwriting existing ssh key private file \"$kf\""; _yes=y
    else _out warn_key "Found existing ssh key private file \"$kf\", no force, so skipping ssh-keygen generation"; _gen=; fi
  fi
  if [ -n "$_gen" ] && [ -e "$kf.pub" ]; then
    if [ -n "$o_force" ]; then _out warn_pub "Overwriting existing ssh key public file \"$kf.pub\""; [ -z "$check" ] && rm -f "$kf.pub"
    else _out warn_pub "Found existing ssh key public file \"$kf.pub\", no force, so skipping ssh-keygen generation"; _gen=; fi
  fi
  if [ -n "$_gen" ]; then
    _changed
    if [ -z "$check" ]; then
      set -- ssh-keygen -t "$o_ssh_key_type"
      [ "$o_ssh_key_bits" -gt 0 ] && set -- "$@" -b "$o_ssh_key_bits"
      set -- "$@" -C "${o_ssh_key_comment:-ansible-generated on $(hostname)}" -f "$kf"
      if [ -n "$o_ssh_key_passphrase_set" ]; then set -- "$@" -N "$o_ssh_key_passphrase"; else set -- "$@" -N ''; fi
      _rout=$(echo "$_yes" | "$@" 2>"$_rtmp"); _rrc=$?; _rerr=$(cat "$_rtmp")
      if [ "$_rrc" != 0 ]; then _out rc "$_rrc"; _out stderr "$_rerr"; exit 0; fi
      chown "$uid:$gid" "$kf" "$kf.pub"
    fi
  fi
  if [ -e "$kf" ]; then _run ssh-keygen -l -f "$kf" && _out ssh_fingerprint "$_rout" || _out ssh_fingerprint "$_rerr"; else _out ssh_fingerprint ''; fi
  [ -r "$kf.pub" ] && _out ssh_public_key "$(cat "$kf.pub")"
fi
if [ -n "$o_password_expire_min$o_password_expire_max" ]; then
  _sp=$(getent shadow "$n" 2>/dev/null)
  set -- chage
  [ -n "$o_password_expire_min" ] && [ "$(echo "$_sp" | cut -d: -f4)" != "$o_password_expire_min" ] && set -- "$@" -m "$o_password_expire_min"
  [ -n "$o_password_expire_max" ] && [ "$(echo "$_sp" | cut -d: -f5)" != "$o_password_expire_max" ] && set -- "$@" -M "$o_password_expire_max"
  if [ $# -gt 1 ]; then
    _changed
    if [ -z "$check" ]; then _run "$@" "$n" || { _out rc "$_rrc"; _out stderr "$_rerr"; exit 0; }; fi
  fi
fi
)SH";

Value to_number(const std::string& s) {
  try {
    size_t used = 0;
    long long v = std::stoll(s, &used);
    if (used == s.size()) return v;
  } catch (...) {
  }
  return s;
}

// Ansible's check_password_encrypted: a crypt(3) hash "$id$salt$hash" of
// the right length, or one of the values that lock an account.
bool password_looks_unhashed(const std::string& pw) {
  if (pw.empty() || pw == "*" || pw == "!" || pw == "*************") return false;
  if (pw.find_first_of(":*!") != std::string::npos) return true;
  if (pw.find('$') == std::string::npos) return true;
  auto fields = split(pw, '$');
  if (fields.size() < 3) return true;
  const std::string& last = fields.back();
  for (char c : last)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/' || c == '=')) return true;
  if (fields[1] == "1" && last.size() != 22) return true;
  if (fields[1] == "5" && last.size() != 43) return true;
  if (fields[1] == "6" && last.size() != 86) return true;
  return false;
}

class UserModule : public Module {
 public:
  UserModule() {
    spec_.options = {
        opt("name").req().alias({"user"}),
        opt("state").def("present").one_of({"absent", "present"}),
        opt("uid", OptionType::integer),
        opt("non_unique", OptionType::boolean).def(false),
        opt("group"),
        opt("groups", OptionType::list).of(OptionType::str),
        opt("comment"),
        opt("home", OptionType::path),
        opt("shell"),
        opt("password").secret(),
        opt("password_expire_max", OptionType::integer),
        opt("password_expire_min", OptionType::integer),
        opt("force", OptionType::boolean).def(false),
        opt("remove", OptionType::boolean).def(false),
        opt("create_home", OptionType::boolean).def(true).alias({"createhome"}),
        opt("skeleton"),
        opt("system", OptionType::boolean).def(false),
        opt("move_home", OptionType::boolean).def(false),
        opt("append", OptionType::boolean).def(false),
        opt("generate_ssh_key", OptionType::boolean),
        opt("ssh_key_bits", OptionType::integer).def(0),
        opt("ssh_key_type").def("rsa"),
        opt("ssh_key_file", OptionType::path),
        opt("ssh_key_comment"),
        opt("ssh_key_passphrase").secret(),
        opt("update_password").def("always").one_of({"always", "on_create"}),
        opt("password_lock", OptionType::boolean),
        opt("umask"),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    ScriptAnswer a = run_answer_script(ctx, user_script(args, ctx.check_mode));
    return user_result(args, ctx.check_mode, a);
  }

  static std::string user_script(const Value& args, bool check) {
    std::string s = shell_assign("n", args["name"]) + shell_assign("state", args["state"]) +
                     shell_assign("check", check);
    for (const char* k : {"uid", "non_unique", "group", "comment", "home", "shell", "password",
                          "password_expire_max", "password_expire_min", "force", "remove", "create_home",
                          "skeleton", "system", "move_home", "append", "generate_ssh_key", "ssh_key_bits",
                          "ssh_key_type", "ssh_key_comment", "ssh_key_passphrase", "update_password", "umask"})
      s += shell_assign(std::string("o_") + k, args[k]);
    for (const char* k : {"comment", "password", "groups", "ssh_key_passphrase"})
      s += shell_assign(std::string("o_") + k + "_set", !args[k].is_null());
    s += shell_assign("o_groups", join(string_list(args["groups"]), ","));
    s += shell_assign("o_ssh_key_file", args["ssh_key_file"].is_null()
                                           ? Value(".ssh/id_" + to_display_string(args["ssh_key_type"]))
                                           : args["ssh_key_file"]);
    // password_lock is three-valued: yes, no, or not given.
    s += shell_assign("o_password_lock", args["password_lock"].is_null() ? Value("")
                                         : Value(args["password_lock"] == true ? "yes" : "no"));
    return s + kUserBody;
  }

  static Value user_result(const Value& args, bool check, const ScriptAnswer& a) {
    Value failure = script_failure(a);
    if (!failure.is_null()) return failure;
    const std::string name = to_display_string(args["name"]);
    if (check && (a.has("created") || (a.has("existed") && args["state"] == "absent")))
      return Value{{"changed", true}};
    if (a.get_int("rc", 0) != 0) {
      Value r = failed_result(a.get("stderr"));
      r["name"] = name;
      r["rc"] = a.get_int("rc");
      return r;
    }
    Value r = Value::object();
    r["name"] = name;
    r["state"] = args["state"];
    if (args["state"] == "absent") {
      if (a.has("existed")) {
        r["force"] = args["force"];
        r["remove"] = args["remove"];
      }
    } else if (a.has("created")) {
      r["system"] = args["system"];
      r["create_home"] = args["create_home"];
    } else {
      r["append"] = args["append"];
      r["move_home"] = args["move_home"];
    }
    if (args["state"] == "present" && !args["password"].is_null()) r["password"] = "NOT_LOGGING_PASSWORD";
    r["changed"] = a.changed();
    if (!a.get("stdout").empty()) r["stdout"] = a.get("stdout");
    if (!a.get("stderr").empty()) r["stderr"] = a.get("stderr");
    add_output_lines(r);  // as Ansible's action plugins do
    if (args["state"] == "present" && a.has("uid")) {
      r["uid"] = to_number(a.get("uid"));
      r["group"] = to_number(a.get("gid"));
      r["comment"] = a.get("comment");
      r["home"] = a.get("home");
      r["shell"] = a.get("shell");
      if (!args["groups"].is_null()) r["groups"] = join(string_list(args["groups"]), ",");
      if (a.has("ssh_key_file")) {
        r["ssh_fingerprint"] = trim(a.get("ssh_fingerprint"));
        r["ssh_key_file"] = a.get("ssh_key_file");
        r["ssh_public_key"] = a.has("ssh_public_key") ? Value(trim(a.get("ssh_public_key"))) : Value();
      }
    }
    Value warnings = Value::array();
    if (args["append"] == true && args["groups"].is_null())
      warnings.push_back("'append' is set, but no 'groups' are specified. Use 'groups' for appending new groups."
                         "This will change to an error in Ansible 2.14.");
    if (args["password"].is_string() && password_looks_unhashed(args["password"].get<std::string>()))
      warnings.push_back("The input password appears not to have been hashed. The 'password' argument must be "
                         "encrypted for this module to work properly.");
    for (const char* w : {"warn_key", "warn_pub"})
      if (a.has(w)) warnings.push_back(a.get(w));
    if (!warnings.empty()) r["warnings"] = warnings;
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration user_registration({"user"}, make_module<UserModule>);

}  // namespace drover
