// debug: print a message or a variable (ansible.builtin.debug); runs on the
// controller. `var` is evaluated as an expression; an undefined one prints
// "VARIABLE IS NOT DEFINED!" as Ansible does, it does not fail the task.
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "template/engine.hpp"

namespace drover {
namespace {

class DebugModule : public Module {
 public:
  DebugModule() {
    spec_.options = {opt("msg", OptionType::raw), opt("var", OptionType::raw),
                     opt("verbosity", OptionType::integer).def(0)};
    spec_.mutually_exclusive = {{"msg", "var"}};
  }
  const ArgSpec& spec() const override { return spec_; }
  bool needs_connection() const override { return false; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    const ModuleArgs args(validated);
    Value r = Value::object();
    if (args.integer("verbosity") > ctx.verbosity) {
      return Value{{"skipped_reason", "Verbosity threshold not met."}, {"skipped", true}, {"changed", false}};
    }
    if (args.has("var")) {
      const Value& var = args.value("var");
      Value value;
      if (var.is_string() && ctx.templar && ctx.vars) {
        try {
          value = ctx.templar->evaluate_expression(var.get<std::string>(), *ctx.vars);
        } catch (const Error& e) {
          value = "VARIABLE IS NOT DEFINED!";
          if (ctx.verbosity > 0) value = value.get<std::string>() + ": " + e.message();
        }
        r[var.get<std::string>()] = value;
      } else {
        // A list or dict given as var is shown under its Python type name.
        r[var.is_array() ? "<class 'list'>" : var.is_object() ? "<class 'dict'>" : to_display_string(var)] = var;
      }
    } else if (args.has("msg")) {
      r["msg"] = args.value("msg");
    } else {
      r["msg"] = "Hello world!";
    }
    r["_ansible_verbose_always"] = true;
    r["changed"] = false;
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration debug_registration({"debug"}, make_module<DebugModule>);

}  // namespace drover
