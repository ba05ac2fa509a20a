// hostname: the target's host name (ansible.builtin.hostname, ansible-core
// 2.14 semantics on Linux). The strategy is Ansible's: systemd's
// hostnamectl when systemd runs (or use=systemd/debian); otherwise by
// distribution: /etc/hostname for the Debian family (which, as in Ansible,
// leaves the running name alone), /etc/hostname plus `hostname -F` on
// Alpine, /etc/conf.d/hostname with OpenRC (use=openrc). The answer carries
// ansible_facts (hostname, nodename, fqdn, domain) and, when changed, a diff.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

constexpr const char* kHostnameBody = R"SH(
if [ -z "$use" ]; then
  if command -v systemctl >/dev/null 2>&1 && { [ -e /run/systemd/system/ ] || [ -e /dev/.run/systemd/ ] || [ -e /dev/.systemd/ ]; }; then
    use=systemd
  else
    _id=$( . /etc/os-release 2>/dev/null; echo "$ID $ID_LIKE")
    case " $_id " in
      *" debian "*|*" ubuntu "*|*" linuxmint "*|*" kali "*|*" raspbian "*) use=file ;;
      *" alpine "*) use=alpine ;;
      *) _fail "hostname module cannot be used on platform Linux ($_id)" ;;
    esac
  fi
fi
_perm() {
  case "$use" in
    systemd|debian) hostnamectl --static status ;;
    openrc) [ -f /etc/conf.d/hostname ] && sed -n 's/^[[:space:]]*hostname=//p' /etc/conf.d/hostname | head -n 1 | tr -d '"' ;;
    *) [ -f /etc/hostname ] && sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' /etc/hostname ;;
  esac
}
_cur() { case "$use" in systemd|debian) hostnamectl --transient status ;; *) _perm ;; esac; }
case "$use" in systemd|debian) [ "${#name}" -gt 64 ] && _fail "name cannot be longer than 64 characters on systemd servers, try a shorter name" ;; esac
cur=$(_cur) || _fail "Command failed rc=$?, out=$cur, err="
perm=$(_perm)
_out current "$cur"; _out permanent "$perm"
_setperm() {
  case "$use" in
    systemd|debian) _run hostnamectl --pretty --static set-hostname "$name" || _fail "Command failed rc=$_rrc, out=$_rout, err=$_rerr" ;;
    openrc) sed -i "s/^[[:space:]]*hostname=.*/hostname=\"$name\"/" /etc/conf.d/hostname || _fail "failed to update hostname" ;;
    *) printf '%s\n' "$name" > /etc/hostname || _fail "failed to update hostname" ;;
  esac
}
_setcur() {
  case "$use" in
    systemd|debian) _run hostnamectl --transient set-hostname "$name" || _fail "Command failed rc=$_rrc, out=$_rout, err=$_rerr" ;;
    alpine) _run hostname -F /etc/hostname || _fail "Command failed rc=$_rrc, out=$_rout, err=$_rerr" ;;
  esac
}
case "$use" in
  systemd|debian)
    [ "$perm" != "$name" ] && { _changed; [ -n "$check" ] || _setperm; }
    [ "$(_cur)" != "$name" ] && { _changed; [ -n "$check" ] || _setcur; } ;;
  *)
    [ "$cur" != "$name" ] && { _changed; [ -n "$check" ] || _setcur; }
    [ "$(_perm)" != "$name" ] && { _changed; [ -n "$check" ] || _setperm; } ;;
esac
_h=$(hostname)
_fq=$(getent hosts "$_h" 2>/dev/null | awk '{ for (i = 2; i <= NF; i++) if (index($i, ".")) { print $i; exit } print $2; exit }')
_out fqdn "${_fq:-$_h}"
)SH";

class HostnameModule : public Module {
 public:
  HostnameModule() {
    spec_.options = {
        opt("name").req(),
        opt("use").one_of({"alpine", "debian", "freebsd", "generic", "macos", "macosx", "darwin", "openbsd", "openrc",
                           "redhat", "sles", "solaris", "systemd"}),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string name = to_display_string(args["name"]);
    std::string use = args["use"].is_null() ? "" : args["use"].get<std::string>();
    if (!use.empty() && use != "systemd" && use != "debian" && use != "alpine" && use != "openrc")
      return failed_result("drover's hostname module does not implement use=" + use + " yet");
    ScriptAnswer a = run_answer_script(ctx, shell_assign("name", name) + shell_assign("use", use) +
                                                shell_assign("check", ctx.check_mode) + kHostnameBody);
    Value failure = script_failure(a);
    if (!failure.is_null()) return failure;
    const std::string current = trim(a.get("current")), permanent = trim(a.get("permanent"));
    std::string before = name != current ? current : permanent;
    const std::string fqdn = trim(a.get("fqdn"));
    std::string domain;
    if (auto dot = fqdn.find('.'); dot != std::string::npos) domain = fqdn.substr(dot + 1);
    Value r = Value::object();
    r["changed"] = a.changed();
    r["name"] = name;
    r["ansible_facts"] = {{"ansible_hostname", name.substr(0, name.find('.'))},
                          {"ansible_nodename", name},
                          {"ansible_fqdn", fqdn},
                          {"ansible_domain", domain}};
    if (a.changed()) r["diff"] = {{"after", "hostname = " + name + "\n"}, {"before", "hostname = " + before + "\n"}};
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration hostname_registration({"hostname"}, make_module<HostnameModule>);

}  // namespace drover
