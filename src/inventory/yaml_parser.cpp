#include "inventory/yaml_parser.hpp"

#include "core/error.hpp"
#include "inventory/host_address.hpp"

namespace drover::inventory {
namespace {

// type() of the value as Ansible's YAML loader builds it.
std::string python_type(const Value& v) {
  if (v.is_array()) return "<class 'ansible.parsing.yaml.objects.AnsibleSequence'>";
  if (v.is_string()) return "<class 'ansible.parsing.yaml.objects.AnsibleUnicode'>";
  if (v.is_boolean()) return "<class 'bool'>";
  if (v.is_number_float()) return "<class 'float'>";
  if (v.is_number()) return "<class 'int'>";
  if (v.is_null()) return "<class 'NoneType'>";
  return "<class 'ansible.parsing.yaml.objects.AnsibleMapping'>";
}

class YamlInventoryParser {
 public:
  YamlInventoryParser(Inventory& inv, const std::string& path) : inv_(inv), path_(path) {}

  std::string parse_group(const std::string& name, const Value& data) {
    if (!data.is_object() && !data.is_null()) {
      inv_.warn("Skipping '" + name + "' as this is not a valid group definition");
      return name;
    }
    try {
      inv_.add_group(name);
    } catch (const Error& e) {
      fail("Unable to add group " + name + ": " + e.message());
    }
    if (data.is_null()) return name;
    Value group = data;
    for (const char* section : {"vars", "children", "hosts"}) {
      if (!group.contains(section)) continue;
      Value& s = group[section];
      if (s.is_string()) {
        Value one = Value::object();
        one[s.get<std::string>()] = nullptr;
        s = std::move(one);
      }
      if (!s.is_object() && !s.is_null())
        fail(std::string("Invalid \"") + section + "\" entry for \"" + name +
             "\" group, requires a dictionary, found \"" + python_type(s) + "\" instead.");
    }
    for (auto it = group.begin(); it != group.end(); ++it) {
      const std::string& key = it.key();
      const Value& v = it.value();
      if (!v.is_object() && !v.is_null()) {
        inv_.warn("Skipping key (" + key + ") in group (" + name + ") as it is not a mapping, it is a " +
                  python_type(v));
        continue;
      }
      if (v.is_null()) continue;
      if (key == "vars") {
        for (auto var = v.begin(); var != v.end(); ++var) located([&] { inv_.set_variable(name, var.key(), var.value()); });
      } else if (key == "children") {
        for (auto child = v.begin(); child != v.end(); ++child) {
          std::string sub = parse_group(child.key(), child.value());
          located([&] { inv_.add_child(name, sub); });
        }
      } else if (key == "hosts") {
        for (auto host = v.begin(); host != v.end(); ++host) {
          HostEntry entry;
          located([&] { entry = expand_host_entry(host.key()); });
          const Value& hv = host.value();
          if (!hv.is_null() && !hv.is_object())
            fail("Invalid data from file, expected dictionary and got:\n\n" + hv.dump());
          located([&] {
            for (const auto& h : entry.names) {
              inv_.add_host(h, name, entry.port);
              if (hv.is_object())
                for (auto var = hv.begin(); var != hv.end(); ++var) inv_.set_variable(h, var.key(), var.value());
            }
          });
        }
      } else {
        inv_.warn("Skipping unexpected key (" + key + ") in group (" + name +
                  "), only \"vars\", \"children\" and \"hosts\" are valid");
      }
    }
    return name;
  }

  [[noreturn]] void fail(const std::string& message) { throw Error(message, Location{path_, 0, 0}); }

 private:
  template <typename F>
  void located(F&& f) {
    try {
      f();
    } catch (const Error& e) {
      if (e.where().known()) throw;
      fail(e.message());
    }
  }

  Inventory& inv_;
  const std::string& path_;
};

}  // namespace

void parse_inventory_yaml(Inventory& inv, const std::string& path, const Value& data) {
  YamlInventoryParser parser(inv, path);
  if (data.is_null() || (data.is_object() && data.empty()) || (data.is_array() && data.empty()) ||
      (data.is_string() && data.get<std::string>().empty()))
    parser.fail("Parsed empty YAML file");
  if (!data.is_object())
    parser.fail("YAML inventory has invalid structure, it should be a dictionary, got: " + python_type(data));
  if (data.contains("plugin") && truthy(data["plugin"]))
    parser.fail("Plugin configuration YAML file, not YAML inventory");
  for (auto it = data.begin(); it != data.end(); ++it) parser.parse_group(it.key(), it.value());
}

}  // namespace drover::inventory
