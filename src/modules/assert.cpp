// assert: fail unless every condition holds (ansible.builtin.assert). The
// conditions are `when:`-style expressions evaluated with the task's
// variables.
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

  Value run(const Value& args, ModuleContext& ctx) const override {
    // A lone condition is one condition, commas and all (the action plugin
    // does not split it as a list option would).
    Value thats = args["that"].is_array() ? args["that"] : Value::array({args["that"]});
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
        r["msg"] = args["fail_msg"].is_null() ? Value("Assertion failed") : args["fail_msg"];
        // Ansible 2.14's assert action shows failures expanded too, unless quiet.
        if (args["quiet"] != true) r["_ansible_verbose_always"] = true;
        return r;
      }
    }
    Value r = {{"changed", false}};
    r["msg"] = args["success_msg"].is_null() ? Value("All assertions passed") : args["success_msg"];
    if (args["quiet"] != true) r["_ansible_verbose_always"] = true;
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
  Value run(const Value& args, ModuleContext&) const override {
    return Value{{"failed", true}, {"msg", args["msg"]}, {"changed", false}};
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration assert_registration({"assert"}, make_module<AssertModule>);
const ModuleRegistration fail_registration({"fail"}, make_module<FailModule>);

}  // namespace drover
