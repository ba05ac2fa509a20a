// dpkg_selections: a package's dpkg selection state: install, hold,
// deinstall or purge (ansible.builtin.dpkg_selections, ansible-core 2.14).
// The current selection is `dpkg --get-selections NAME`'s second word ("not
// present" when dpkg knows no such package); a different one is set with
// `dpkg --set-selections`, except in check mode. The result: changed,
// before, after. One round trip: the script reads, decides and sets.
#include "modules/answer_script.hpp"
#include "modules/command_steps.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

constexpr const char* kBody = R"SH(
_p=$PATH
for _d in /sbin /usr/sbin /usr/local/sbin; do case ":$_p:" in *":$_d:"*) ;; *) _p="$_p:$_d" ;; esac; done
_dpkg=$(PATH=$_p command -v dpkg) || _fail "Failed to find required executable \"dpkg\" in paths: $_p"
_out cmd "$_dpkg --get-selections $shown_name"
_step "$_dpkg" --get-selections "$name"
set -- $_rout
_cur=${2:-not present}
[ -n "$_rout" ] || _cur="not present"
_out before "$_cur"
[ "$_cur" = "$selection" ] && exit 0
_changed
[ -n "$check_mode" ] && exit 0
_out cmd "$_dpkg --set-selections"
printf '%s %s' "$name" "$selection" | _step "$_dpkg" --set-selections
exit 0
)SH";

class DpkgSelectionsModule : public Module {
 public:
  DpkgSelectionsModule() {
    spec_.options = {opt("name").req(), opt("selection").req().one_of({"install", "hold", "deinstall", "purge"})};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    const ModuleArgs args(validated);
    const std::string name = args.str("name"), selection = args.str("selection");
    ScriptAnswer a = run_answer_script(
        ctx, std::string(kCommandStepFunction) + shell_assign("name", Value(name)) +
                 shell_assign("shown_name", Value(python_shlex_quote(name))) +
                 shell_assign("selection", Value(selection)) + shell_assign("check_mode", Value(ctx.check_mode)) +
                 kBody);
    if (Value f = command_steps_failure(a); !f.is_null()) return f;
    return Value{{"changed", a.changed()}, {"before", a.get("before")}, {"after", selection}};
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration dpkg_selections_registration({"dpkg_selections"}, make_module<DpkgSelectionsModule>);

}  // namespace drover
