#include "engine/module_lookup.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "engine/collections.hpp"
#include "engine/config.hpp"

namespace drover {
namespace {

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

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A module file named `name` in `dir`: name.py, the bare name (old-style
// and binary modules), or name.<ext> for other languages; never Windows
// modules nor documentation files.
std::string module_in_dir(const std::string& dir, const std::string& name) {
  std::error_code ec;
  for (const std::string& candidate : {dir + "/" + name + ".py", dir + "/" + name})
    if (fs::is_regular_file(candidate, ec)) return candidate;
  if (!fs::is_directory(dir, ec)) return "";
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file(ec) || e.path().stem() != name) continue;
    std::string ext = e.path().extension().string();
    if (ext == ".ps1" || ext == ".yml" || ext == ".yaml" || ext == ".md" || ext == ".pyc" || ext == ".txt") continue;
    return e.path().string();
  }
  return "";
}

// The version in an ansible package's release.py ("2.14.18").
std::string ansible_version_in(const std::string& package_dir) {
  static const std::regex version_re(R"(__version__\s*=\s*['"]([^'"]+)['"])");
  std::smatch m;
  std::string release = read_text(package_dir + "/release.py");
  return std::regex_search(release, m, version_re) ? m[1].str() : "";
}

}  // namespace

const AnsibleInstall& controller_ansible() {
  static const AnsibleInstall install = [] {
    AnsibleInstall a;
    // find_spec does not import the package: no Ansible code runs.
    FILE* p = ::popen(
        "/usr/bin/python3 -c 'import importlib.util as u; s = u.find_spec(\"ansible\"); "
        "print(s.submodule_search_locations[0] if s and s.submodule_search_locations else \"\")' 2>/dev/null",
        "r");
    if (!p) return a;
    char buf[4096];
    std::string out;
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    ::pclose(p);
    std::string dir = trim(out);
    if (dir.empty() || !is_dir(dir + "/module_utils")) return a;
    a.package_dir = dir;
    a.version = ansible_version_in(dir);
    return a;
  }();
  return install;
}

ModuleLookupOptions module_lookup_options(const Config& config, const std::string& playbook_dir) {
  ModuleLookupOptions o;
  for (const auto& p : config.list("DEFAULT_MODULE_PATH")) o.library_path.push_back(expand_home(p));
  for (const auto& p : config.list("DEFAULT_MODULE_UTILS_PATH")) o.module_utils_path.push_back(expand_home(p));
  auto index = CollectionIndex::for_run(config, playbook_dir);
  o.collection_roots = index->roots();
  if (!index->ansible_core_dir().empty()) {
    AnsibleInstall a;
    a.package_dir = index->ansible_core_dir();
    a.version = ansible_version_in(a.package_dir);
    o.ansible = a;
  }
  o.collections = std::move(index);
  return o;
}

std::optional<ModuleFile> ModuleLookup::resolve_indexed(std::string_view name, const ModuleEntry*& native) {
  PluginQuery q;
  q.kind = PluginKind::module;
  q.name = std::string(name);
  q.legacy_dirs = extra_dirs_;
  q.legacy_dirs.insert(q.legacy_dirs.end(), options_.library_path.begin(), options_.library_path.end());
  q.native = [](const std::string& fqcn) { return find_module(fqcn) != nullptr; };
  std::optional<ResolvedPlugin> r = options_.collections->resolve(q);
  if (!r) return std::nullopt;
  if (r->native) {
    native = find_module(r->fqcn);
    return std::nullopt;
  }
  if (r->path.empty()) return std::nullopt;
  ModuleFile f;
  f.name = std::string(name);
  f.path = r->path;
  f.collection = r->collection == "ansible.builtin" || r->collection == "ansible.legacy" ? "" : r->collection;
  std::vector<std::string> parts = split(r->fqcn, '.');
  f.short_name = parts.empty() ? std::string(name) : parts.back();
  return f;
}

ModuleLookup::ModuleLookup(ModuleLookupOptions options) : options_(std::move(options)) {}

const AnsibleInstall& ModuleLookup::ansible() {
  if (!options_.ansible) options_.ansible = controller_ansible();
  return *options_.ansible;
}

void ModuleLookup::add_directory(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string lib = dir + "/library";
  if (is_dir(lib) && std::find(extra_dirs_.begin(), extra_dirs_.end(), lib) == extra_dirs_.end()) {
    extra_dirs_.push_back(lib);
    // A name not found before may be found now.
    for (auto it = by_name_.begin(); it != by_name_.end();) it = it->second ? std::next(it) : by_name_.erase(it);
  }
  std::string utils = dir + "/module_utils";
  if (is_dir(utils) && std::find(extra_utils_.begin(), extra_utils_.end(), utils) == extra_utils_.end()) {
    extra_utils_.push_back(utils);
    if (runtime_) runtime_->add_module_utils_dir(utils);
  }
  std::string colls = dir + "/collections";
  if (is_dir(colls + "/ansible_collections") &&
      std::find(options_.collection_roots.begin(), options_.collection_roots.end(), colls) ==
          options_.collection_roots.end()) {
    options_.collection_roots.insert(options_.collection_roots.begin(), colls);
    if (runtime_) runtime_->add_collection_root(colls);
  }
}

std::optional<ModuleFile> ModuleLookup::locate(std::string_view name) {
  ModuleFile f;
  f.name = std::string(name);
  std::string short_name = short_module_name(name);
  bool builtin = starts_with(name, "ansible.builtin.");
  if (short_name.find('.') == std::string::npos) {
    f.short_name = short_name;
    std::vector<std::string> dirs;
    if (!builtin) {
      dirs = extra_dirs_;
      dirs.insert(dirs.end(), options_.library_path.begin(), options_.library_path.end());
    }
    if (!ansible().package_dir.empty()) dirs.push_back(ansible().package_dir + "/modules");
    for (const auto& d : dirs)
      if (auto p = module_in_dir(d, short_name); !p.empty()) {
        f.path = p;
        return f;
      }
    return std::nullopt;
  }
  // ns.coll.name (a name may have more dots: ns.coll.sub.name).
  std::vector<std::string> parts = split(short_name, '.');
  if (parts.size() < 3) return std::nullopt;
  f.collection = parts[0] + "." + parts[1];
  f.short_name = parts.back();
  std::string sub = join(std::vector<std::string>(parts.begin() + 2, parts.end() - 1), "/");
  std::vector<std::string> roots = options_.collection_roots;
  if (!ansible().package_dir.empty()) roots.push_back(fs::path(ansible().package_dir).parent_path().string());
  for (const auto& r : roots) {
    std::string dir = r + "/ansible_collections/" + parts[0] + "/" + parts[1] + "/plugins/modules" +
                      (sub.empty() ? "" : "/" + sub);
    if (auto p = module_in_dir(dir, f.short_name); !p.empty()) {
      f.path = p;
      return f;
    }
  }
  return std::nullopt;
}

const ModuleEntry* ModuleLookup::find(std::string_view name) {
  if (const ModuleEntry* native = find_module(name)) return native;
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = by_name_.find(name); it != by_name_.end()) return it->second;
  std::optional<ModuleFile> file;
  if (options_.collections) {
    const ModuleEntry* native = nullptr;
    try {
      file = resolve_indexed(name, native);
    } catch (const Error& e) {
      // A tombstone or a broken redirect: the loader reports it where the
      // task is.
      unsupported_[std::string(name)] = e.message();
    }
    if (native) {
      by_name_.emplace(std::string(name), native);
      return native;
    }
  } else {
    file = locate(name);
  }
  if (!file) {
    by_name_.emplace(std::string(name), nullptr);
    return nullptr;
  }
  // A module with an action plugin (reboot, set_stats, ansible.posix.patch,
  // ...) does part of its work in Python on the controller: running only
  // its module file would not do what Ansible does.
  std::string action_dir = file->collection.empty()
                               ? ansible().package_dir + "/plugins/action"
                               : fs::path(file->path).parent_path().parent_path().string() + "/action";
  if (file->path.find("/library/") == std::string::npos && is_file(action_dir + "/" + file->short_name + ".py")) {
    unsupported_[std::string(name)] = "module '" + std::string(name) +
                                       "' needs its action plugin, which runs in Python on the controller (" +
                                       action_dir + "/" + file->short_name +
                                       ".py); drover does not run action plugins and has no native '" +
                                       file->short_name + "'";
    by_name_.emplace(std::string(name), nullptr);
    return nullptr;
  }
  if (!runtime_) {
    ModuleUtilsRoots roots;
    roots.ansible_dir = ansible().package_dir;
    roots.module_utils_dirs = extra_utils_;
    roots.module_utils_dirs.insert(roots.module_utils_dirs.end(), options_.module_utils_path.begin(),
                                   options_.module_utils_path.end());
    roots.collection_roots = options_.collection_roots;
    if (!roots.ansible_dir.empty()) roots.collection_roots.push_back(fs::path(roots.ansible_dir).parent_path().string());
    runtime_ = std::make_shared<PythonModuleRuntime>(roots, ansible().version);
  }
  std::string display = file->collection.empty() ? file->short_name : std::string(name);
  modules_.push_back(make_python_module(*file, runtime_));
  entries_.push_back({display, modules_.back().get()});
  by_name_.emplace(std::string(name), &entries_.back());
  return &entries_.back();
}

std::string ModuleLookup::unsupported_reason(std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = unsupported_.find(name);
  return it == unsupported_.end() ? "" : it->second;
}

std::string ModuleLookup::module_file(std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto f = locate(name);
  return f ? f->path : "";
}

}  // namespace drover
