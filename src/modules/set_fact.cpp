// set_fact: set variables for the host (ansible.builtin.set_fact); the
// executor stores the returned ansible_facts at set_fact precedence, and in
// the fact cache too when cacheable=yes.
#include <cctype>

#include "core/strings.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "template/engine.hpp"

namespace drover {
namespace {

bool valid_name(const std::string& k) {
  if (k.empty() || !(std::isalpha(static_cast<unsigned char>(k[0])) || k[0] == '_')) return false;
  for (char c : k)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

class SetFactModule : public Module {
 public:
  SetFactModule() {
    spec_.options = {opt("cacheable", OptionType::boolean).def(false)};
    spec_.any_options = true;
  }
  const ArgSpec& spec() const override { return spec_; }
  bool needs_connection() const override { return false; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const bool native = ctx.templar && ctx.templar->jinja2_native();
    Value facts = Value::object();
    for (auto it = args.begin(); it != args.end(); ++it) {
      if (it.key() == "cacheable") continue;
      if (!valid_name(it.key()))
        return failed_result("The variable name '" + it.key() +
                             "' is not valid. Variables must start with a letter or underscore character, and "
                             "contain only letters, numbers and underscores.");
      Value v = it.value();
      // Ansible (jinja2_native off) turns the strings yes/no/true/false into
      // booleans here; in native mode a string stays a string.
      if (!native && v.is_string()) {
        std::string l = to_lower(v.get<std::string>());
        if (l == "true" || l == "yes") v = true;
        else if (l == "false" || l == "no") v = false;
      }
      facts[it.key()] = std::move(v);
    }
    if (facts.empty()) return failed_result("No key/value pairs provided, at least one is required for this action to succeed");
    Value r = {{"ansible_facts", facts}, {"changed", false}};
    if (ModuleArgs(args).flag("cacheable")) r["_ansible_facts_cacheable"] = true;
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration set_fact_registration({"set_fact"}, make_module<SetFactModule>);

}  // namespace drover
