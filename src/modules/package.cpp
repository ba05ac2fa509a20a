// package: the generic package module (ansible.builtin.package, ansible-core
// 2.14's action plugin). It runs the module named by `use`, or by the host's
// pkg_mgr fact (ansible_facts.pkg_mgr, then ansible_pkg_mgr); without
// facts it gathers only pkg_mgr on the target (setup with gather_subset=!all,
// one extra round trip, as Ansible does) and then hands every other option,
// unchanged, to that module, whose own spec checks them.
#include "modules/registry.hpp"
#include "modules/packages.hpp"
#include "modules/registry.hpp"
#include "template/engine.hpp"

namespace drover {

std::string package_manager_from_facts(const Value& facts) {
  if (facts.is_object() && facts.contains("pkg_mgr") && facts["pkg_mgr"].is_string())
    return facts["pkg_mgr"].get<std::string>();
  if (facts.is_object() && facts.contains("ansible_pkg_mgr") &&
      facts["ansible_pkg_mgr"].is_string())
    return facts["ansible_pkg_mgr"].get<std::string>();
  return "auto";
}

namespace {

class PackageModule : public Module {
 public:
  PackageModule() {
    spec_.options = {
        opt("name", OptionType::raw),
        opt("state"),
        opt("use").def("auto"),
    };
    // The chosen module's options pass through; it validates them.
    spec_.any_options = true;
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    std::string manager = args["use"].is_string() ? args["use"].get<std::string>() : "auto";
    if (manager == "auto" && ctx.vars) {
      if (const Value* facts = ctx.vars->lookup("ansible_facts"))
        manager = package_manager_from_facts(*facts);
      if (manager == "auto")
        if (const Value* mgr = ctx.vars->lookup("ansible_pkg_mgr"); mgr && mgr->is_string())
          manager = mgr->get<std::string>();
    }
    if (manager == "auto") {
      const ModuleEntry* setup = find_module("setup");
      if (!setup) return failed_result("the setup module is not available");
      Value sargs{{"gather_subset", Value::array({"!all"})},
                  {"filter", Value::array({"ansible_pkg_mgr"})}};
      Value facts = setup->module->run(validate_args("setup", setup->module->spec(), sargs), ctx);
      if (facts.contains("ansible_facts"))
        manager = package_manager_from_facts(facts["ansible_facts"]);
    }
    if (manager == "auto")
      return failed_result(
          "Could not detect which package manager to use. Try gathering facts or setting the "
          "\"use\" option.");
    const ModuleEntry* m = find_module(manager);
    if (!m || manager == "package")
      return failed_result("Could not find a module for " + manager + ".");
    Value margs = Value::object();
    for (auto it = args.begin(); it != args.end(); ++it)
      if (it.key() != "use" && !it.value().is_null()) margs[it.key()] = it.value();
    return m->module->run(validate_args(m->name, m->module->spec(), margs), ctx);
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration package_registration({"package"}, make_module<PackageModule>);

}  // namespace drover
