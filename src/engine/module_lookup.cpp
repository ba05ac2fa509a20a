#include "engine/module_lookup.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/strings.hpp"
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

std::vector<std::string> path_list(const char* text) {
  std::vector<std::string> out;
  if (!text) return out;
  for (const auto& p : split(text, ':'))
    if (!trim(p).empty()) out.push_back(expand_home(trim(p)));
  return out;
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
    std::smatch m;
    std::string release = read_text(dir + "/release.py");
    static const std::regex version_re(R"(__version__\s*=\s*['"]([^'"]+)['"])");
    if (std::regex_search(release, m, version_re)) a.version = m[1];
    return a;
  }();
  return install;
}

ModuleLookupOptions module_lookup_options(const Config& config) {
  ModuleLookupOptions o;
  for (const auto& p : config.list("DEFAULT_MODULE_PATH")) o.library_path.push_back(expand_home(p));
  for (const auto& p : config.list("DEFAULT_MODULE_UTILS_PATH")) o.module_utils_path.push_back(expand_home(p));
  const char* env = std::getenv("ANSIBLE_COLLECTIONS_PATH");
  if (!env) env = std::getenv("ANSIBLE_COLLECTIONS_PATHS");
  o.collection_roots = env ? path_list(env) : path_list("~/.ansible/collections:/usr/share/ansible/collections");
  return o;
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
  std::optional<ModuleFile> file = locate(name);
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
