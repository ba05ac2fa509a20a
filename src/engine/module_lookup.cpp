#include "engine/module_lookup.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/yaml.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

bool builtin_or_legacy(const std::string& name) {
  return starts_with(name, "ansible.builtin.") || starts_with(name, "ansible.legacy.") ||
         name.find('.') == std::string::npos;
}

bool native_short_name(const std::string& short_name) {
  return find_module(short_name) || is_engine_action(short_name);
}

// Whether drover implements `fqcn` natively: an ansible.builtin name it
// has, or the collection module an ansible-core short name it has moved to
// in 2.10 (ansible-core's routing: ansible.builtin.sysctl ->
// ansible.posix.sysctl).
bool native_fqcn(const CollectionIndex* index, const std::string& fqcn) {
  if (starts_with(fqcn, "ansible.builtin.")) return native_short_name(fqcn.substr(16));
  std::string short_name = fqcn.substr(fqcn.rfind('.') + 1);
  if (!index || !find_module(short_name)) return false;
  PluginQuery q;
  q.name = "ansible.builtin." + short_name;
  auto r = index->resolve(q);
  return r && r->fqcn == fqcn;
}

}  // namespace

bool is_engine_action(const std::string& a) {
  static const std::vector<std::string> names = {"include_tasks", "import_tasks", "include_role", "import_role",
                                                 "include", "meta"};
  return std::find(names.begin(), names.end(), a) != names.end();
}

ModuleLookup lookup_module(const std::string& name, const std::vector<std::string>& collections,
                           const CollectionIndex* index, const std::vector<std::string>& legacy_dirs) {
  ModuleLookup m;
  bool only_builtin = std::all_of(collections.begin(), collections.end(), [](const std::string& c) {
    return c == "ansible.builtin" || c == "ansible.legacy";
  });
  // The fast path: drover's own modules by their ansible-core names.
  if (only_builtin && builtin_or_legacy(name)) {
    std::string short_name = short_module_name(name);
    if (native_short_name(short_name)) {
      m.found = m.native = true;
      m.action = short_name;
      m.fqcn = "ansible.builtin." + short_name;
      m.collection = "ansible.builtin";
      return m;
    }
  }
  if (!index) return m;
  PluginQuery q;
  q.kind = PluginKind::module;
  q.name = name;
  q.collections = collections;
  q.legacy_dirs = legacy_dirs;
  q.native = [index](const std::string& fqcn) { return native_fqcn(index, fqcn); };
  auto r = index->resolve(q);
  if (!r) return m;
  m.found = true;
  m.native = r->native;
  m.fqcn = r->fqcn;
  m.collection = r->collection;
  m.path = r->path;
  m.deprecations = r->deprecations;
  if (m.native) m.action = r->fqcn.substr(r->fqcn.rfind('.') + 1);
  return m;
}

std::string not_native_message(const std::string& as_written, const ModuleLookup& m) {
  std::string what = m.collection.empty() ? "module '" + m.fqcn + "'"
                                          : "module '" + m.fqcn + "' from collection " + m.collection;
  std::string msg = what + " is not implemented natively by drover (" + m.path + ")";
  if (as_written != m.fqcn) msg = "'" + as_written + "' is " + msg;
  return msg;
}

std::vector<std::string> with_default_collection(std::vector<std::string> list, const std::string& append) {
  bool has_core = std::find(list.begin(), list.end(), "ansible.builtin") != list.end() ||
                  std::find(list.begin(), list.end(), "ansible.legacy") != list.end();
  if (!list.empty() && !has_core && !append.empty()) list.push_back(append);
  return list;
}

std::vector<std::string> collections_from_value(const Value& value, const Location& where, const std::string& append) {
  Value v = value.is_string() ? Value::array({value}) : value;
  std::vector<std::string> out;
  if (!v.is_null() && !v.is_array()) throw ParserError("'collections' must be a list of collection names", where);
  if (v.is_array()) {
    for (const Value& c : v) {
      if (!c.is_string()) throw ParserError("'collections' must be a list of collection names", where);
      std::string name = c.get<std::string>();
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
  }
  return with_default_collection(std::move(out), append);
}

std::vector<std::string> parse_collections(const YAML::Node& node, const std::string& file,
                                           const std::string& append) {
  return collections_from_value(yaml_to_value(node), yaml_location(node, file), append);
}

}  // namespace drover
