// group: groups on the target with groupadd / groupmod / groupdel
// (ansible.builtin.group, ansible-core 2.14 semantics on Linux): create
// (gid, system, non_unique), change the gid, remove. Check mode changes
// nothing and reports what would change.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

constexpr const char* kGroupBody = R"SH(
_g=$(_grent "$n")
if [ "$state" = absent ]; then
  [ -n "$_g" ] || exit 0
  _out existed 1; _changed
  [ -n "$check" ] && exit 0
  _run groupdel "$n"; _outrun
elif [ -z "$_g" ]; then
  _out created 1; _changed
  [ -n "$check" ] && exit 0
  set -- groupadd
  if [ -n "$o_gid" ]; then set -- "$@" -g "$o_gid"; [ -n "$o_non_unique" ] && set -- "$@" -o; fi
  [ -n "$o_system" ] && set -- "$@" -r
  _run "$@" "$n"; _outrun
elif [ -n "$o_gid" ] && [ "$(echo "$_g" | cut -d: -f3)" != "$o_gid" ]; then
  _changed
  if [ -z "$check" ]; then
    set -- groupmod -g "$o_gid"
    [ -n "$o_non_unique" ] && set -- "$@" -o
    _run "$@" "$n"; _outrun
  fi
fi
_g=$(_grent "$n") && _out gid "$(echo "$_g" | cut -d: -f3)"
)SH";

class GroupModule : public Module {
 public:
  GroupModule() {
    spec_.options = {
        opt("name").req(),
        opt("state").def("present").one_of({"absent", "present"}),
        opt("gid", OptionType::integer),
        opt("system", OptionType::boolean).def(false),
        opt("local", OptionType::boolean).def(false),
        opt("non_unique", OptionType::boolean).def(false),
    };
    spec_.required_if = {{"non_unique", true, {"gid"}}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    std::string script = shell_assign("n", args["name"]) + shell_assign("state", args["state"]) +
                         shell_assign("check", ctx.check_mode) + shell_assign("o_gid", args["gid"]) +
                         shell_assign("o_system", args["system"]) + shell_assign("o_non_unique", args["non_unique"]) +
                         kGroupBody;
    ScriptAnswer a = run_answer_script(ctx, script);
    Value failure = script_failure(a);
    if (!failure.is_null()) return failure;
    if (ctx.check_mode && (a.has("created") || a.has("existed"))) return Value{{"changed", true}};
    if (a.get_int("rc", 0) != 0) {
      Value r = failed_result(a.get("stderr"));
      r["name"] = args["name"];
      return r;
    }
    Value r = Value::object();
    r["name"] = args["name"];
    r["state"] = args["state"];
    r["changed"] = a.changed();
    if (!a.get("stdout").empty()) r["stdout"] = a.get("stdout");
    if (!a.get("stderr").empty()) r["stderr"] = a.get("stderr");
    add_output_lines(r);  // as Ansible's action plugins do
    if (a.has("gid")) {
      r["system"] = args["system"];
      r["gid"] = a.get_int("gid");
    }
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration group_registration({"group"}, make_module<GroupModule>);

}  // namespace drover
