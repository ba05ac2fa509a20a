#include "engine/module_lookup.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/yaml.hpp"
#include "engine/config.hpp"
#include "engine/python_actions.hpp"
#include "engine/python_lookups.hpp"
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

namespace fs = std::filesystem;

bool is_dir(const std::string& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

bool is_file(const std::string& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

std::string expand_home(const std::string& p) {
  if (p == "~" || starts_with(p, "~/")) {
    const char* home = std::getenv("HOME");
    return std::string(home ? home : "") + p.substr(1);
  }
  return p;
}

void add_once(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

// The version in an ansible package's release.py ("2.14.18"): modules are
// told it (_ansible_version) as Ansible tells them.
std::string ansible_version_in(const std::string& package_dir) {
  static const std::regex version_re(R"(__version__\s*=\s*['"]([^'"]+)['"])");
  std::ifstream in(package_dir + "/release.py");
  std::ostringstream text;
  text << in.rdbuf();
  std::smatch m;
  std::string release = text.str();
  return std::regex_search(release, m, version_re) ? m[1].str() : "";
}

}  // namespace

bool is_engine_action(const std::string& a) {
  static const std::vector<std::string> names = {"include_tasks", "import_tasks", "include_role", "import_role",
                                                 "include", "meta"};
  return std::find(names.begin(), names.end(), a) != names.end();
}

ModuleLookup lookup_module(const std::string& name, const std::vector<std::string>& collections,
                           const CollectionIndex* index, const std::vector<std::string>& legacy_dirs,
                           const std::vector<std::string>& action_dirs) {
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
  if (r) {
    m.found = true;
    m.native = r->native;
    m.fqcn = r->fqcn;
    m.collection = r->collection;
    m.path = r->path;
    m.deprecations = r->deprecations;
    if (m.native) {
      m.action = r->fqcn.substr(r->fqcn.rfind('.') + 1);
      return m;
    }
  }
  // TaskExecutor._get_action_handler: an action plugin of the task's
  // action (as written, with the task's collections) is its handler; a
  // module file alone runs through the `normal` action (on the target).
  PluginQuery a;
  a.kind = PluginKind::action;
  a.name = name;
  a.collections = collections;
  a.legacy_dirs = action_dirs;
  auto action = index->resolve(a);
  if (!action && r && !r->collection.empty() && r->fqcn != name) {
    a.name = r->fqcn;  // a module redirected into a collection: that collection's action
    action = index->resolve(a);
  }
  if (!action) return m;
  m.action_plugin = action->path;
  if (!r) {
    m.found = true;
    m.fqcn = action->fqcn;
    m.collection = action->collection;
    m.deprecations = action->deprecations;
  }
  return m;
}

std::string not_native_message(const std::string& as_written, const ModuleLookup& m) {
  std::string kind = m.path.empty() ? "action" : "module";
  std::string what = m.collection.empty() ? kind + " '" + m.fqcn + "'"
                                          : kind + " '" + m.fqcn + "' from collection " + m.collection;
  std::string msg =
      what + " is not implemented natively by drover (" + (m.path.empty() ? m.action_plugin : m.path) + ")";
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

FallbackOptions fallback_options(const Config& config) {
  FallbackOptions o;
  for (const auto& p : config.list("DEFAULT_MODULE_PATH")) o.library_path.push_back(expand_home(p));
  for (const auto& p : config.list("DEFAULT_MODULE_UTILS_PATH")) o.module_utils_path.push_back(expand_home(p));
  o.action_plugin_path = configured_plugin_dirs(config, "DEFAULT_ACTION_PLUGIN_PATH");
  return o;
}

FallbackModules::FallbackModules(FallbackOptions options) : options_(std::move(options)) {
  if (!options_.worker) options_.worker = std::make_shared<PythonWorker>(controller_python());
  actions_ = std::make_shared<PythonActionRuntime>(options_.worker);
}

void FallbackModules::add_directory(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  // Ansible's add_all_plugin_dirs for each playbook and role directory.
  actions_->add_plugin_dir(dir);
  if (is_dir(dir + "/action_plugins")) add_once(action_dirs_, dir + "/action_plugins");
  if (is_dir(dir + "/library")) add_once(library_dirs_, dir + "/library");
  std::string utils = dir + "/module_utils";
  if (is_dir(utils) && std::find(module_utils_dirs_.begin(), module_utils_dirs_.end(), utils) ==
                           module_utils_dirs_.end()) {
    module_utils_dirs_.push_back(utils);
    if (runtime_) runtime_->add_module_utils_dir(utils);
  }
}

void FallbackModules::add_index(const CollectionIndex& index) {
  std::lock_guard<std::mutex> lock(mu_);
  if (options_.ansible_dir.empty()) options_.ansible_dir = index.ansible_core_dir();
  for (const auto& root : index.roots()) {
    if (std::find(options_.collection_roots.begin(), options_.collection_roots.end(), root) !=
        options_.collection_roots.end())
      continue;
    options_.collection_roots.push_back(root);
    if (runtime_) runtime_->add_collection_root(root);
  }
}

std::vector<std::string> FallbackModules::library_dirs() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> dirs = library_dirs_;
  for (const auto& d : options_.library_path) add_once(dirs, d);
  return dirs;
}

std::vector<std::string> FallbackModules::action_dirs() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> dirs = action_dirs_;
  for (const auto& d : options_.action_plugin_path) add_once(dirs, d);
  return dirs;
}

const ModuleEntry* FallbackModules::module_for(const ModuleLookup& m, const std::string& as_written,
                                               const std::vector<std::string>& collections) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string key = as_written + "\n" + m.path + "\n" + m.action_plugin;
  if (auto it = by_key_.find(key); it != by_key_.end()) return it->second;
  std::string short_name = m.fqcn.substr(m.fqcn.rfind('.') + 1);
  bool builtin = m.collection == "ansible.builtin" || m.collection == "ansible.legacy";
  // A module with an action plugin (reboot, set_stats, ansible.posix.patch,
  // ...) does part of its work in Python on the controller: the plugin
  // runs there, as in Ansible. A legacy (library/) module has none unless
  // an action_plugins/ directory has one of its name (lookup_module).
  std::string action = m.action_plugin;
  if (!action.empty() || m.path.empty()) {
  } else if (builtin) {
    // <ansible>/modules/x.py -> <ansible>/plugins/action/x.py
    action = fs::path(m.path).parent_path().parent_path().string() + "/plugins/action/" + short_name + ".py";
  } else if (auto at = m.path.rfind("/plugins/modules/"); !m.collection.empty() && at != std::string::npos) {
    action = m.path.substr(0, at) + "/plugins/action/" + short_name + ".py";
  }
  if (!action.empty() && is_file(action)) {
    if (!options_.worker->available())
      throw Error(not_native_message(as_written, m) + " and needs its action plugin (" + action +
                  "), which runs in the controller's Python with ansible-core; " + options_.worker->python() +
                  " with ansible-core was not found");
    modules_.push_back(make_python_action(as_written, action, collections, actions_));
    entries_.push_back({m.collection.empty() || builtin ? short_name : m.fqcn, modules_.back().get()});
    return by_key_.emplace(key, &entries_.back()).first->second;
  }
  if (!runtime_) {
    ModuleUtilsRoots roots;
    roots.ansible_dir = options_.ansible_dir;
    // A role's or playbook's module_utils/ first (Ansible's loader has
    // them before the configured path), in the order they loaded.
    roots.module_utils_dirs = module_utils_dirs_;
    roots.module_utils_dirs.insert(roots.module_utils_dirs.end(), options_.module_utils_path.begin(),
                                   options_.module_utils_path.end());
    roots.collection_roots = options_.collection_roots;
    runtime_ = std::make_shared<PythonModuleRuntime>(roots, ansible_version_in(options_.ansible_dir));
  }
  ModuleFile file;
  file.name = as_written;
  file.short_name = short_name;
  file.collection = builtin ? "" : m.collection;
  file.path = m.path;
  modules_.push_back(make_python_module(file, runtime_));
  entries_.push_back({file.collection.empty() ? short_name : m.fqcn, modules_.back().get()});
  return by_key_.emplace(key, &entries_.back()).first->second;
}

const ModuleEntry* runnable_module(const ModuleLookup& m, const std::string& as_written, FallbackModules* fallback,
                                   const std::vector<std::string>& collections) {
  if (m.native) return find_module(m.action);
  if (!fallback) throw Error(not_native_message(as_written, m));
  return fallback->module_for(m, as_written, collections);
}

}  // namespace drover
