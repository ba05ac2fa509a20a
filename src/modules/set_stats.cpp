// set_stats: custom statistics of the run (ansible.builtin.set_stats, as
// of ansible-core 2.14). The module only shapes `ansible_stats`; the play
// runner adds them to the run's custom stats (RunStats::custom) as
// Ansible's strategy does: per host or for the whole run ("_run"), added
// to earlier values (aggregate) or replacing them. The server passes a
// job's "_run" stats to the next nodes of a workflow as extra vars (AWX's
// artifacts).
#include <cctype>

#include "modules/registry.hpp"

namespace drover {
namespace {

class SetStatsModule : public Module {
 public:
  SetStatsModule() {
    spec_.options = {opt("data", OptionType::dict).req(), opt("per_host", OptionType::boolean).def(false),
                     opt("aggregate", OptionType::boolean).def(true)};
  }
  const ArgSpec& spec() const override { return spec_; }
  bool needs_connection() const override { return false; }

  Value run(const Value& args, ModuleContext&) const override {
    const Value& data = args["data"];
    for (auto it = data.begin(); it != data.end(); ++it) {
      const std::string& k = it.key();
      bool valid = !k.empty() && (std::isalpha(static_cast<unsigned char>(k[0])) || k[0] == '_');
      for (char c : k) valid = valid && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
      if (!valid)
        return failed_result("The variable name '" + k +
                             "' is not valid. Variables must start with a letter or underscore character, and "
                             "contain only letters, numbers and underscores.");
    }
    return {{"changed", false},
            {"ansible_stats", {{"data", data}, {"per_host", args["per_host"]}, {"aggregate", args["aggregate"]}}}};
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration set_stats_registration({"set_stats"}, make_module<SetStatsModule>);

}  // namespace drover
