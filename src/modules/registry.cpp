#include "modules/registry.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>

namespace drover {
namespace {

struct Registration {
  std::vector<std::string> names;
  ModuleFactory make;
};

// Filled during static initialisation, before main: a function-local static
// so that it exists before the first registration whatever the link order.
std::vector<Registration>& registrations() {
  static std::vector<Registration> r;
  return r;
}

struct Registry {
  std::vector<std::unique_ptr<Module>> owned;
  std::deque<ModuleEntry> entries;  // a deque: entries never move

  Registry() {
    for (const auto& reg : registrations()) {
      owned.push_back(reg.make());
      for (const auto& name : reg.names) {
        if (std::any_of(entries.begin(), entries.end(), [&](const ModuleEntry& e) { return e.name == name; })) {
          std::fprintf(stderr, "drover: module '%s' is registered twice\n", name.c_str());
          std::abort();
        }
        entries.push_back({name, owned.back().get()});
      }
    }
  }
};

const Registry& registry() {
  static const Registry r;
  return r;
}

}  // namespace

ModuleRegistration::ModuleRegistration(std::initializer_list<const char*> names, ModuleFactory make) {
  registrations().push_back({std::vector<std::string>(names.begin(), names.end()), make});
}

std::string short_module_name(std::string_view name) {
  for (std::string_view prefix : {"ansible.builtin.", "ansible.legacy."}) {
    if (name.starts_with(prefix)) return std::string(name.substr(prefix.size()));
  }
  return std::string(name);
}

const ModuleEntry* find_module(std::string_view name) {
  std::string short_name = short_module_name(name);
  for (const auto& e : registry().entries)
    if (e.name == short_name) return &e;
  return nullptr;
}

std::vector<std::string> module_names() {
  std::vector<std::string> names;
  for (const auto& e : registry().entries) names.push_back(e.name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace drover
