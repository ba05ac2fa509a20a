// assert: fail unless every condition holds (ansible.builtin.assert). The
// conditions are `when:`-style expressions evaluated with the task's
// variables.
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "template/engine.hpp"

namespace drover {
namespace {

class AssertModule : public Module {
 public:
  AssertModule() {
    spec_.options = {opt("that", OptionType::raw).req(), opt("fail_msg", OptionType::raw).alias({"msg"}),
                     opt("success_msg", OptionType::raw), opt("quiet", OptionType::boolean).def(false)};
  }
  const ArgSpec& spec() const override { return spec_; }
  bool needs_connection() const override { return false; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    const ModuleArgs args(validated);
    // A lone condition is one condition, commas and all (the action plugin
    // does not split it as a list option would).
    const Value& that = args.value("that");
    Value thats = that.is_array() ? that : Value::array({that});
    for (const auto& cond : thats) {
      bool ok = false;
      try {
        ok = ctx.templar->evaluate_condition(cond, *ctx.vars);
      } catch (const Error& e) {
        return failed_result("The conditional check '" + to_display_string(cond) + "' failed. The error was: " +
                             e.message());
      }
      if (!ok) {
        Value r = {{"failed", true}, {"evaluated_to", false}, {"assertion", cond}};
        r["msg"] = args.has("fail_msg") ? args.value("fail_msg") : Value("Assertion failed");
        // Ansible 2.14's assert action shows failures expanded too, unless quiet.
        if (!args.flag("quiet")) r["_ansible_verbose_always"] = true;
        return r;
      }
    }
    Value r = {{"changed", false}};
    r["msg"] = args.has("success_msg") ? args.value("success_msg") : Value("All assertions passed");
    if (!args.flag("quiet")) r["_ansible_verbose_always"] = true;
    return r;
  }

 private:
  ArgSpec spec_;
};

class FailModule : public Module {
 public:
  FailModule() { spec_.options = {opt("msg", OptionType::raw).def("Failed as requested from task")}; }
  const ArgSpec& spec() const override { return spec_; }
  bool needs_connection() const override { return false; }
  Value run(const Value& validated, ModuleContext&) const override {
    return Value{{"failed", true}, {"msg", ModuleArgs(validated).value("msg")}, {"changed", false}};
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration assert_registration({"assert"}, make_module<AssertModule>);
const ModuleRegistration fail_registration({"fail"}, make_module<FailModule>);

}  // namespace drover
