#include "engine/collections.hpp"

#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/yaml.hpp"
#include "engine/config.hpp"

namespace drover {
namespace {

namespace fs = std::filesystem;

bool is_dir(const std::string& p) {
  struct stat st{};
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_file(const std::string& p) {
  struct stat st{};
  return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::vector<std::string> glob_paths(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (glob(pattern.c_str(), 0, nullptr, &g) == 0)
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  globfree(&g);
  return out;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string absolute_path(const std::string& p) {
  std::error_code ec;
  fs::path a = fs::absolute(fs::path(p), ec);
  std::string s = (ec ? fs::path(p) : a).lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

bool is_identifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// ns.coll.a.b.name -> collection "ns.coll", subdirs "a.b", resource "name".
struct CollectionRef {
  std::string collection, subdirs, resource;
};

CollectionRef parse_ref(const std::string& fqcn) {
  auto parts = split(fqcn, '.');
  CollectionRef r;
  r.collection = parts[0] + "." + parts[1];
  r.resource = parts.back();
  for (size_t i = 2; i + 1 < parts.size(); ++i) r.subdirs += (r.subdirs.empty() ? "" : ".") + parts[i];
  return r;
}

std::string subdir_path(const std::string& subdirs) {
  std::string s = subdirs;
  std::replace(s.begin(), s.end(), '.', '/');
  return s.empty() ? s : s + "/";
}

// Ansible's MODULE_IGNORE_EXTS: REJECT_EXTS + .yaml .yml .ini.
bool ignored_module_file(const std::string& path) {
  for (const char* ext : {".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".yaml", ".yml", ".ini"})
    if (ends_with(path, ext)) return true;
  return false;
}

std::string str_field(const Value& entry, const char* key) {
  if (!entry.is_object() || !entry.contains(key) || entry[key].is_null()) return "";
  const Value& v = entry[key];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// Display.get_deprecation_message(msg, version, date, removed=True, collection).
std::string removed_message(std::string msg, const std::string& version, const std::string& date,
                            const std::string& collection) {
  msg = trim(msg);
  if (!msg.empty() && msg.back() != '!' && msg.back() != '?' && msg.back() != '.') msg += '.';
  std::string text = "[DEPRECATED]: " + msg + " This feature was removed";
  std::string from = collection == "ansible.builtin" ? "ansible-core" : collection;
  if (!from.empty()) text += " from " + from;
  if (!date.empty()) text += " in a release after " + date + ".";
  else if (!version.empty()) text += " in version " + version + ".";
  else text += " in a future release.";
  return text + " Please update your playbooks.";
}

bool is_jinja_kind(PluginKind kind) { return kind == PluginKind::filter || kind == PluginKind::test; }

// Whether a filter/test plugin file's source maps `name` in what its
// filters()/tests() method returns: a quoted key followed by ':' after
// "def filters(" (or "def tests(").
bool source_defines(const std::string& source, const std::string& name, PluginKind kind) {
  size_t method = source.find(kind == PluginKind::filter ? "def filters(" : "def tests(");
  if (method == std::string::npos) return false;
  std::string_view text = std::string_view(source).substr(method);
  for (char q : {'\'', '"'}) {
    std::string key = std::string(1, q) + name + q;
    for (size_t pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + 1)) {
      size_t i = pos + key.size();
      while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
      if (i < text.size() && text[i] == ':') return true;
    }
  }
  return false;
}

}  // namespace

const char* plugin_kind_name(PluginKind kind) {
  switch (kind) {
    case PluginKind::module: return "modules";
    case PluginKind::action: return "action";
    case PluginKind::role: return "roles";
    case PluginKind::filter: return "filter";
    case PluginKind::test: return "test";
    case PluginKind::lookup: return "lookup";
    case PluginKind::module_utils: return "module_utils";
    case PluginKind::playbook: return "playbooks";
  }
  return "";
}

bool is_fqcn(const std::string& name) {
  auto parts = split(name, '.');
  if (parts.size() < 3) return false;
  return std::all_of(parts.begin(), parts.end(), is_identifier);
}

CollectionIndex::CollectionIndex(std::vector<std::string> roots, std::string ansible_core_dir)
    : core_dir_(ansible_core_dir.empty() ? "" : absolute_path(ansible_core_dir)) {
  for (auto& r : roots) roots_.push_back(absolute_path(r));
}

std::string CollectionIndex::collection_dir(const std::string& collection) const {
  auto parts = split(collection, '.');
  if (parts.size() != 2 || !is_identifier(parts[0]) || !is_identifier(parts[1]) || collection == "ansible.builtin")
    return "";
  std::lock_guard lock(mu_);
  auto it = dirs_.find(collection);
  if (it != dirs_.end()) return it->second;
  std::string found;
  for (const auto& root : roots_) {
    std::string d = root + "/ansible_collections/" + parts[0] + "/" + parts[1];
    if (is_dir(d)) {
      found = d;
      break;
    }
  }
  dirs_[collection] = found;
  return found;
}

std::string CollectionIndex::collection_of_path(const std::string& path) const {
  std::string p = absolute_path(path);
  auto parts = split(p, '/');
  auto n = std::count(parts.begin(), parts.end(), "ansible_collections");
  if (n != 1) return "";
  size_t at = std::find(parts.begin(), parts.end(), "ansible_collections") - parts.begin();
  if (parts.size() < at + 3) return "";
  std::string name = parts[at + 1] + "." + parts[at + 2];
  std::string prefix;
  for (size_t i = 0; i < at + 3; ++i) prefix += (i ? "/" : "") + parts[i];
  return collection_dir(name) == prefix ? name : "";
}

// The plugin_routing mapping of a collection (ansible.builtin: ansible-core's
// config/ansible_builtin_runtime.yml), null when it has none.
const Value& CollectionIndex::routing(const std::string& collection) const {
  std::string file;
  if (collection == "ansible.builtin") {
    if (!core_dir_.empty()) file = core_dir_ + "/config/ansible_builtin_runtime.yml";
  } else if (auto dir = collection_dir(collection); !dir.empty()) {
    file = dir + "/meta/runtime.yml";
  }
  std::lock_guard lock(mu_);
  auto it = routing_.find(collection);
  if (it != routing_.end()) return it->second;
  Value meta;
  if (!file.empty() && is_file(file)) meta = load_yaml_value_file(file);
  Value r = meta.is_object() && meta.contains("plugin_routing") ? meta["plugin_routing"] : Value();
  return routing_.emplace(collection, std::move(r)).first->second;
}

std::string CollectionIndex::plugin_file(PluginKind kind, const std::string& base_dir, const std::string& subdirs,
                                         const std::string& resource) const {
  std::string dir = base_dir + "/" + subdir_path(subdirs);
  switch (kind) {
    case PluginKind::module: {
      if (is_file(dir + resource)) return dir + resource;
      std::vector<std::string> files;
      for (auto& f : glob_paths(dir + resource + ".*"))
        if (is_file(f) && !ignored_module_file(f)) files.push_back(f);
      std::sort(files.begin(), files.end());
      return files.empty() ? "" : files.front();
    }
    case PluginKind::module_utils:
      if (is_file(dir + resource + ".py")) return dir + resource + ".py";
      if (is_file(dir + resource + "/__init__.py")) return dir + resource + "/__init__.py";
      return "";
    case PluginKind::filter:
    case PluginKind::test: {
      // Several per file: the last file (in name order) that maps the name
      // wins, as Jinja2Loader lets a later file override.
      std::string found;
      auto files = glob_paths(dir + "*.py");
      std::sort(files.begin(), files.end());
      for (auto& f : files)
        if (source_defines(read_text(f), resource, kind)) found = f;
      return found;
    }
    default:
      return is_file(dir + resource + ".py") ? dir + resource + ".py" : "";
  }
}

// Ansible's _find_fq_plugin (and Jinja2Loader's routing walk for filters and
// tests) for one FQCN: routing first, then the file.
std::optional<ResolvedPlugin> CollectionIndex::find_in_collection(const PluginQuery& q, const std::string& fqcn,
                                                                  ResolvedPlugin& state,
                                                                  std::string& redirect) const {
  if (!is_fqcn(fqcn)) return std::nullopt;
  CollectionRef ref = parse_ref(fqcn);
  bool builtin = ref.collection == "ansible.builtin";
  auto resolved = [&](std::string path, bool native) {
    ResolvedPlugin r = state;
    r.fqcn = fqcn;
    r.collection = ref.collection;
    r.path = std::move(path);
    r.native = native;
    if (r.redirects.empty() || r.redirects.back() != fqcn) r.redirects.push_back(fqcn);
    return r;
  };
  std::string base;
  if (builtin) {
    if (!core_dir_.empty())
      base = core_dir_ + (q.kind == PluginKind::module         ? "/modules"
                          : q.kind == PluginKind::module_utils ? "/module_utils"
                                                               : std::string("/plugins/") + plugin_kind_name(q.kind));
  } else if (auto dir = collection_dir(ref.collection); !dir.empty()) {
    base = dir + "/plugins/" + plugin_kind_name(q.kind);
  } else if (!(q.native && q.native(fqcn))) {
    return std::nullopt;
  }
  // drover's own ansible.builtin modules come before ansible-core's routing.
  if (builtin && q.native && q.native(fqcn))
    return resolved(base.empty() ? "" : plugin_file(q.kind, base, ref.subdirs, ref.resource), true);

  const Value& routes = routing(ref.collection);
  std::string key = ref.subdirs.empty() ? ref.resource : ref.subdirs + "." + ref.resource;
  const char* type = plugin_kind_name(q.kind);
  Value entry;
  if (routes.is_object() && routes.contains(type) && routes[type].is_object() && routes[type].contains(key))
    entry = routes[type][key];
  if (entry.is_object()) {
    std::string type_word = q.kind == PluginKind::filter ? "filter" : "test";
    if (entry.contains("deprecation") && entry["deprecation"].is_object()) {
      const Value& d = entry["deprecation"];
      std::string text = str_field(d, "warning_text");
      std::string msg = is_jinja_kind(q.kind)
                            ? (text.empty() ? type_word + " \"" + fqcn + "\" is deprecated" : text)
                            : fqcn + " has been deprecated." + (text.empty() ? "" : " " + text);
      std::string date = str_field(d, "removal_date");
      state.deprecations.push_back({msg, date.empty() ? str_field(d, "removal_version") : "", date, ref.collection});
    }
    if (entry.contains("tombstone") && entry["tombstone"].is_object()) {
      const Value& t = entry["tombstone"];
      std::string text = str_field(t, "warning_text");
      std::string msg = is_jinja_kind(q.kind)
                            ? (text.empty() ? type_word + " \"" + fqcn + "\" has been removed" : text)
                            : fqcn + " has been removed." + (text.empty() ? "" : " " + text);
      throw Error(removed_message(msg, str_field(t, "removal_version"), str_field(t, "removal_date"), ref.collection));
    }
    if (std::string to = str_field(entry, "redirect"); !to.empty()) {
      if (!is_fqcn(to))
        throw Error("Collection " + ref.collection + " contains invalid redirect for " + fqcn + ": " + to +
                    ". Redirects must use fully qualified collection names.");
      if (std::find(state.redirects.begin(), state.redirects.end(), fqcn) == state.redirects.end())
        state.redirects.push_back(fqcn);
      redirect = to;
      return std::nullopt;
    }
  }
  if (q.native && q.native(fqcn))
    return resolved(base.empty() ? "" : plugin_file(q.kind, base, ref.subdirs, ref.resource), true);
  if (base.empty()) return std::nullopt;
  std::string path = plugin_file(q.kind, base, ref.subdirs, ref.resource);
  if (path.empty()) return std::nullopt;
  return resolved(path, false);
}

// Ansible's _find_plugin_legacy: the caller's legacy directories, drover's
// own builtin, ansible-core's files, then ansible.builtin's routing.
std::optional<ResolvedPlugin> CollectionIndex::find_legacy(const PluginQuery& q, const std::string& short_name,
                                                           ResolvedPlugin& state, std::string& redirect) const {
  if (short_name.empty() || short_name.find('.') != std::string::npos) return std::nullopt;
  for (const auto& dir : q.legacy_dirs) {
    std::string path = plugin_file(q.kind, dir, "", short_name);
    if (path.empty()) continue;
    ResolvedPlugin r = state;
    r.fqcn = short_name;
    r.path = path;
    return r;
  }
  return find_in_collection(q, "ansible.builtin." + short_name, state, redirect);
}

std::optional<ResolvedPlugin> CollectionIndex::resolve(const PluginQuery& q) const {
  ResolvedPlugin state;
  std::string name = q.name;
  for (;;) {
    state.redirects.push_back(name);
    std::string redirect;
    std::optional<ResolvedPlugin> found;
    if (q.kind == PluginKind::role || q.kind == PluginKind::playbook) {
      std::vector<std::string> candidates;
      if (is_fqcn(name)) {
        candidates.push_back(name);
      } else if (name.find('.') == std::string::npos && q.kind == PluginKind::role) {
        for (const auto& c : q.collections)
          if (c != "ansible.builtin" && c != "ansible.legacy") candidates.push_back(c + "." + name);
      }
      for (const auto& cand : candidates) {
        std::string fq = cand;
        std::string ext;
        if (q.kind == PluginKind::playbook)
          for (const char* e : {".yml", ".yaml"})
            if (ends_with(fq, e) && is_fqcn(fq.substr(0, fq.size() - std::string(e).size()))) {
              ext = e;
              fq = fq.substr(0, fq.size() - ext.size());
            }
        if (!is_fqcn(fq)) continue;
        CollectionRef ref = parse_ref(fq);
        std::string dir = collection_dir(ref.collection);
        if (dir.empty()) continue;
        std::string path;
        if (q.kind == PluginKind::role) {
          if (ref.subdirs.empty() && is_dir(dir + "/roles/" + ref.resource)) path = dir + "/roles/" + ref.resource;
        } else {
          std::string base = dir + "/playbooks/" + subdir_path(ref.subdirs) + ref.resource;
          for (std::string e : ext.empty() ? std::vector<std::string>{"", ".yml", ".yaml"} : std::vector{ext})
            if (path.empty() && is_file(base + e)) path = base + e;
        }
        if (path.empty()) continue;
        ResolvedPlugin r = state;
        r.fqcn = fq;
        r.collection = ref.collection;
        r.path = path;
        if (r.redirects.back() != fq) r.redirects.push_back(fq);
        return r;
      }
      return std::nullopt;
    }
    // Ansible's _resolve_plugin_step.
    if (is_fqcn(name) || !q.collections.empty()) {
      std::vector<std::string> candidates;
      if (name.find('.') != std::string::npos || q.collections.empty()) candidates.push_back(name);
      else
        for (const auto& c : q.collections) candidates.push_back(c + "." + name);
      for (const auto& cand : candidates) {
        found = starts_with(cand, "ansible.legacy.")
                    ? find_legacy(q, cand.substr(std::string("ansible.legacy.").size()), state, redirect)
                    : find_in_collection(q, cand, state, redirect);
        if (found || !redirect.empty()) break;
      }
    } else {
      found = find_legacy(q, name, state, redirect);
    }
    if (found) return found;
    if (redirect.empty()) return std::nullopt;
    if (std::find(state.redirects.begin(), state.redirects.end(), redirect) != state.redirects.end())
      throw Error("plugin redirect loop resolving " + q.name + " (path: " + join(state.redirects, ", ") + ", " +
                  redirect + ")");
    name = redirect;
  }
}

std::vector<std::string> python_paths() {
  std::vector<std::string> out;
  auto add = [&](const std::string& p) {
    if (!p.empty() && is_dir(p) && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  };
  auto add_glob = [&](const std::string& pattern) {
    auto found = glob_paths(pattern);
    std::sort(found.rbegin(), found.rend());  // the newest Python first
    for (auto& p : found) add(p);
  };
  if (const char* pp = std::getenv("PYTHONPATH"))
    for (auto& p : split(pp, ':')) add(absolute_path(p));
  // A virtualenv's ansible-playbook: its interpreter's site-packages.
  if (const char* path = std::getenv("PATH")) {
    for (auto& dir : split(path, ':')) {
      std::string exe = dir + "/ansible-playbook";
      if (dir.empty() || !is_file(exe)) continue;
      std::ifstream in(exe);
      std::string line;
      std::getline(in, line);
      if (starts_with(line, "#!")) {
        auto words = split_whitespace(line.substr(2));
        if (!words.empty()) {
          fs::path venv = fs::path(words[0]).parent_path().parent_path();
          if (is_file((venv / "pyvenv.cfg").string())) add_glob((venv / "lib/python3*/site-packages").string());
        }
      }
      break;
    }
  }
  if (const char* home = std::getenv("HOME")) add_glob(std::string(home) + "/.local/lib/python3*/site-packages");
  add_glob("/usr/local/lib/python3*/dist-packages");
  add_glob("/usr/local/lib/python3*/site-packages");
  add("/usr/lib/python3/dist-packages");
  add_glob("/usr/lib/python3*/site-packages");
  add_glob("/usr/lib64/python3*/site-packages");
  return out;
}

std::string find_ansible_core_dir() {
  for (const auto& p : python_paths()) {
    std::string dir = p + "/ansible";
    if (is_dir(dir + "/modules") && is_file(dir + "/config/ansible_builtin_runtime.yml")) return dir;
  }
  return "";
}

std::vector<std::string> collection_roots(const Config& config, const std::string& playbook_dir) {
  return collection_roots(playbook_dir, config.list("COLLECTIONS_PATHS"), config.boolean("COLLECTIONS_SCAN_SYS_PATH"));
}

std::vector<std::string> collection_roots(const std::string& playbook_dir, const std::vector<std::string>& configured,
                                          bool scan_sys_path) {
  std::vector<std::string> candidates;
  if (!playbook_dir.empty()) candidates.push_back(playbook_dir + "/collections");
  for (auto& p : configured) candidates.push_back(p);
  if (scan_sys_path)
    for (auto& p : python_paths()) candidates.push_back(p);
  std::vector<std::string> roots;
  for (auto& c : candidates) {
    std::string p = absolute_path(c);
    if (fs::path(p).filename() == "ansible_collections") p = fs::path(p).parent_path().string();
    if (std::find(roots.begin(), roots.end(), p) == roots.end() && is_dir(p + "/ansible_collections"))
      roots.push_back(p);
  }
  return roots;
}

std::shared_ptr<CollectionIndex> CollectionIndex::for_run(const Config& config, const std::string& playbook_dir) {
  return std::make_shared<CollectionIndex>(collection_roots(config, playbook_dir), find_ansible_core_dir());
}

}  // namespace drover
