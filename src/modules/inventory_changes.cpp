// add_host and group_by: they change the in-memory inventory. The modules
// only describe the change ("add_host" / "add_group" in the result); the
// executor applies it between tasks, as Ansible's strategy does.
#include <algorithm>

#include "core/strings.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

class AddHostModule : public Module {
 public:
  AddHostModule() {
    spec_.options = {opt("name").alias({"host", "hostname"}), opt("groups", OptionType::raw).alias({"group", "groupname"}),
                     opt("_raw_params", OptionType::raw)};
    spec_.any_options = true;
  }
  const ArgSpec& spec() const override { return spec_; }
  bool needs_connection() const override { return false; }

  Value run(const Value& validated, ModuleContext&) const override {
    const ModuleArgs args(validated);
    if (!args.has("name")) return failed_result("name, host or hostname needs to be provided");
    std::string name = args.str("name");
    Value host_vars = Value::object();
    // host:port sets the port like Ansible's parse_address.
    auto colon = name.rfind(':');
    auto port = colon != std::string::npos && name.find(':') == colon ? parse_decimal(name.substr(colon + 1)) : std::nullopt;
    if (port) {
      host_vars["ansible_ssh_port"] = *port;
      name = name.substr(0, colon);
    }
    Value groups = Value::array();
    const Value& g = args.value("groups");
    auto add_group = [&](const std::string& n) {
      std::string t = trim(n);
      if (!t.empty() && std::find(groups.begin(), groups.end(), Value(t)) == groups.end()) groups.push_back(t);
    };
    if (g.is_string()) {
      for (auto& part : split(g.get<std::string>(), ',')) add_group(part);
    } else if (g.is_array()) {
      for (auto& e : g) add_group(to_display_string(e));
    } else if (!g.is_null()) {
      return failed_result("Groups must be specified as a list.");
    }
    for (auto it = validated.begin(); it != validated.end(); ++it) {
      const std::string& k = it.key();
      if (k == "name" || k == "groups" || k == "_raw_params" || it.value().is_null()) continue;
      host_vars[k] = it.value();
    }
    return Value{{"changed", false}, {"add_host", {{"host_name", name}, {"groups", groups}, {"host_vars", host_vars}}}};
  }

 private:
  ArgSpec spec_;
};

class GroupByModule : public Module {
 public:
  GroupByModule() { spec_.options = {opt("key").req(), opt("parents", OptionType::raw).def(Value::array({"all"}))}; }
  const ArgSpec& spec() const override { return spec_; }
  bool needs_connection() const override { return false; }

  Value run(const Value& validated, ModuleContext&) const override {
    const ModuleArgs args(validated);
    auto dashed = [](std::string s) {
      for (auto& c : s)
        if (c == ' ') c = '-';
      return s;
    };
    Value parents = Value::array();
    if (const Value& given = args.value("parents"); given.is_string()) parents.push_back(dashed(given.get<std::string>()));
    else
      for (auto& p : given) parents.push_back(dashed(to_display_string(p)));
    return Value{{"changed", false}, {"add_group", dashed(args.str("key"))}, {"parent_groups", parents}};
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration add_host_registration({"add_host"}, make_module<AddHostModule>);
const ModuleRegistration group_by_registration({"group_by"}, make_module<GroupByModule>);

}  // namespace drover
