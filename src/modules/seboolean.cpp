// seboolean: an SELinux boolean, at run time and optionally persistently
// (ansible.posix.seboolean as shipped in Debian 12's ansible 7), through
// the policy tools instead of Python's selinux/semanage bindings: with
// SELinux off (`selinuxenabled` false or missing) it fails with Ansible's
// "SELinux is disabled on this host." unless ignore_selinux_state; an
// unknown boolean fails as in Ansible; `getsebool` gives the run-time
// value, `semanage boolean -l` the persistent one (persistent=true), and
// `setsebool [-P]` sets them. The result: name, persistent, state, changed.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

constexpr const char* kBody = R"SH(
export LC_ALL=C
if [ -z "$ignore" ] && ! { command -v selinuxenabled >/dev/null 2>&1 && selinuxenabled; }; then
  _fail "SELinux is disabled on this host."
fi
_run getsebool "$name" || _fail "SELinux boolean $name does not exist."
case "$_rout" in *"--> on"*) _cur=1 ;; *) _cur= ;; esac
_perm=$_cur
if [ -n "$persistent" ]; then
  _line=$(semanage boolean -l 2>/dev/null | grep "^$name ") || _fail "SELinux boolean $name is not defined in persistent policy"
  case "$_line" in *"(on "*|*"(on,"*) _perm=1 ;; *) _perm= ;; esac
fi
[ "$_cur" = "$want" ] && [ "$_perm" = "$want" ] && exit 0
_changed
[ -n "$check" ] && exit 0
if [ -n "$want" ]; then _v=on; else _v=off; fi
if [ -n "$persistent" ]; then _run setsebool -P "$name" "$_v"; else _run setsebool "$name" "$_v"; fi
[ "$_rrc" = 0 ] || _fail "Failed to set boolean $name to $state"
)SH";

class SebooleanModule : public Module {
 public:
  SebooleanModule() {
    spec_.options = {
        opt("ignore_selinux_state", OptionType::boolean).def(false),
        opt("name").req(),
        opt("persistent", OptionType::boolean).def(false),
        opt("state", OptionType::boolean).req(),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string name = to_display_string(args["name"]);
    const bool state = args["state"] == true, persistent = args["persistent"] == true;
    ScriptAnswer a = run_answer_script(
        ctx, shell_assign("name", name) + shell_assign("want", state) + shell_assign("persistent", persistent) +
                 shell_assign("ignore", args["ignore_selinux_state"]) + shell_assign("check", ctx.check_mode) +
                 shell_assign("state", state ? "True" : "False") + kBody);
    Value failure = script_failure(a);
    if (!failure.is_null()) return failure;
    return Value{{"name", name}, {"persistent", persistent}, {"state", state}, {"changed", a.changed()}};
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration seboolean_registration({"seboolean", "ansible.posix.seboolean"}, make_module<SebooleanModule>);

}  // namespace drover
