// setup and gather_facts: Ansible's fact gathering (ansible.builtin.setup,
// ansible.builtin.gather_facts) in one shell round trip; see facts.hpp for
// what is gathered and how.
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "template/engine.hpp"
#include "modules/facts.hpp"

namespace drover {
namespace {

class SetupModule : public Module {
 public:
  explicit SetupModule(bool gather_facts_action) {
    spec_.options = {
        opt("gather_subset", OptionType::list).of(OptionType::str).def(Value::array({"all"})),
        opt("gather_timeout", OptionType::integer).def(10),
        opt("filter", OptionType::list).of(OptionType::str).def(Value::array()),
        opt("fact_path", OptionType::path).def("/etc/ansible/facts.d"),
    };
    // gather_facts runs the configured fact modules (only setup here);
    // `parallel` chooses how Ansible runs several of them.
    if (gather_facts_action) spec_.options.push_back(opt("parallel", OptionType::boolean));
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    const ModuleArgs args(validated);
    FactsRequest req;
    if (args.has("gather_subset")) req.gather_subset = args.strings("gather_subset");
    if (args.has("gather_timeout")) req.gather_timeout = static_cast<int>(args.integer("gather_timeout"));
    req.filter = args.strings("filter");
    if (args.has("fact_path")) req.fact_path = args.str("fact_path");
    // ansible_python describes the interpreter modules would run with.
    if (ctx.vars && ctx.templar)
      if (const Value* py = ctx.vars->lookup("ansible_python_interpreter"); py && py->is_string()) try {
          req.python_interpreter = ctx.templar->render_string(py->get<std::string>(), *ctx.vars);
        } catch (const std::exception&) {
          // An interpreter that does not render: discovery's list decides.
        }
    return gather_facts(ctx, req);
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration setup_registration({"setup"}, make_module<SetupModule, false>);
const ModuleRegistration gather_facts_registration({"gather_facts"},
                         make_module<SetupModule, true>);

}  // namespace drover
