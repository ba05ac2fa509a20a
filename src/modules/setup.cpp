// setup and gather_facts: Ansible's fact gathering (ansible.builtin.setup,
// ansible.builtin.gather_facts) in one shell round trip; see facts.hpp for
// what is gathered and how.
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

  Value run(const Value& args, ModuleContext& ctx) const override {
    FactsRequest req;
    if (args.contains("gather_subset") && args["gather_subset"].is_array()) {
      req.gather_subset.clear();
      for (const auto& s : args["gather_subset"]) req.gather_subset.push_back(s.get<std::string>());
    }
    if (args.contains("gather_timeout") && args["gather_timeout"].is_number_integer())
      req.gather_timeout = args["gather_timeout"].get<int>();
    if (args.contains("filter") && args["filter"].is_array())
      for (const auto& s : args["filter"]) req.filter.push_back(s.get<std::string>());
    if (args.contains("fact_path") && args["fact_path"].is_string()) req.fact_path = args["fact_path"];
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
