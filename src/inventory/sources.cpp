#include "inventory/sources.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/vault.hpp"
#include "core/yaml.hpp"
#include "inventory/host_address.hpp"
#include "inventory/ini_parser.hpp"
#include "inventory/script_source.hpp"
#include "inventory/source_plugins.hpp"
#include "inventory/yaml_parser.hpp"

namespace drover::inventory {
namespace {

bool is_dir(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool path_exists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("could not read inventory source", Location{path, 0, 0});
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string extension_of(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  size_t dot = base.rfind('.');
  if (dot == std::string::npos || base.find_first_not_of('.') > dot) return "";
  return base.substr(dot);
}

std::string expand_vars(const std::string& s) {
  // os.path.expandvars: $NAME and ${NAME}; unknown names stay as written.
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '$' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    size_t start = i + 1, end;
    bool braced = s[start] == '{';
    if (braced) {
      end = s.find('}', start);
      if (end == std::string::npos) {
        out += s[i];
        continue;
      }
      std::string name = s.substr(start + 1, end - start - 1);
      const char* v = std::getenv(name.c_str());
      out += v ? std::string(v) : s.substr(i, end - i + 1);
      i = end;
    } else {
      end = start;
      while (end < s.size() && (std::isalnum(static_cast<unsigned char>(s[end])) || s[end] == '_')) ++end;
      if (end == start) {
        out += s[i];
        continue;
      }
      std::string name = s.substr(start, end - start);
      const char* v = std::getenv(name.c_str());
      out += v ? std::string(v) : s.substr(i, end - i);
      i = end - 1;
    }
  }
  return out;
}

std::string normalize(const std::string& path) {
  bool abs = !path.empty() && path[0] == '/';
  std::vector<std::string> parts;
  for (const auto& p : split(path, '/')) {
    if (p.empty() || p == ".") continue;
    if (p == "..") {
      if (!parts.empty() && parts.back() != "..") parts.pop_back();
      else if (!abs) parts.push_back(p);
      continue;
    }
    parts.push_back(p);
  }
  std::string out = abs ? "/" : "";
  out += join(parts, "/");
  return out.empty() ? "." : out;
}

// Reads a file source the way Ansible's plugin chain does: YAML first for
// YAML-ish names, then INI.
void load_file(Inventory& inv, const std::string& path) {
  // The script plugin comes before the file formats; an executable INI file
  // that fails to run falls through to them, as in Ansible.
  std::optional<Error> script_error;
  if (is_inventory_script(path)) {
    try {
      parse_inventory_script(inv, path);
      return;
    } catch (const Error& e) {
      script_error = e;
    }
  }
  std::string ext = extension_of(path);
  std::string text = decrypt_if_vaulted(read_whole_file(path), path);
  bool yaml_candidate = ext.empty() || ext == ".yml" || ext == ".yaml" || ext == ".json";
  bool looked_like_yaml = false;
  std::optional<Error> yaml_error;
  if (yaml_candidate) {
    try {
      Value data = load_yaml_value_string(text, path);
      looked_like_yaml = data.is_object();
      if (data.is_object() && data.contains("plugin") && (ext == ".yml" || ext == ".yaml"))
        throw Error("inventory plugin '" + to_display_string(data["plugin"]) +
                        "' is not supported by drover (only INI, YAML and host lists are)",
                    Location{path, 0, 0});
      parse_inventory_yaml(inv, path, data);
      return;
    } catch (const Error& e) {
      yaml_error = e;
      // A syntax error in a .yml file is the error to show.
      if (ext != "" && !looked_like_yaml && e.where().line > 0) looked_like_yaml = true;
    }
  }
  try {
    parse_inventory_ini(inv, path, text);
  } catch (const Error& e) {
    if (yaml_error && looked_like_yaml) throw *yaml_error;
    // A file that starts with #! was meant to run.
    if (script_error && starts_with(text, "#!")) throw *script_error;
    throw;
  }
}

bool load_host_list(Inventory& inv, const std::string& list) {
  for (const auto& part : split(list, ',')) {
    std::string h = trim(part);
    if (h.empty()) continue;
    std::string name = h;
    std::optional<int> port;
    if (auto a = parse_address(h, false)) {
      name = a->host;
      port = a->port;
    }
    if (!inv.find_host(name)) inv.add_host(name, "ungrouped", port);
  }
  return true;
}

}  // namespace

bool ignored_in_inventory_dir(const std::string& name) {
  if (name.empty() || name[0] == '.') return true;
  if (name == "host_vars" || name == "group_vars" || name == "vars_plugins") return true;
  for (const char* ext : {".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".orig", ".ini",
                          ".cfg", ".retry"})
    if (ends_with(name, ext)) return true;
  return false;
}

std::string normalize_source_path(const std::string& source) {
  std::string p = expand_vars(source);
  if (!p.empty() && p[0] == '~' && (p.size() == 1 || p[1] == '/')) {
    const char* home = std::getenv("HOME");
    if (home) p = std::string(home) + p.substr(1);
  }
  if (p.empty() || p[0] != '/') {
    char buf[4096];
    if (getcwd(buf, sizeof buf)) p = std::string(buf) + "/" + p;
  }
  return normalize(p);
}

bool load_source(Inventory& inv, const std::string& source) {
  if (is_dir(source)) {
    std::vector<std::string> names;
    if (DIR* d = opendir(source.c_str())) {
      while (dirent* e = readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(std::move(n));
      }
      closedir(d);
    }
    std::sort(names.begin(), names.end());
    bool parsed = false;
    for (const auto& n : names) {
      if (ignored_in_inventory_dir(n)) continue;
      if (load_source(inv, source + "/" + n)) parsed = true;
    }
    return parsed;
  }
  if (!path_exists(source)) {
    if (source.find(',') != std::string::npos) {
      inv.set_current_source(source);
      load_host_list(inv, source);
      inv.set_current_source("");
      return true;
    }
    if (source != "/etc/ansible/hosts") inv.warn("Unable to parse " + source + " as an inventory source");
    return false;
  }
  inv.set_current_source(source);
  load_file(inv, source);
  inv.set_current_source("");
  return true;
}

Inventory Inventory::load(const std::vector<std::string>& sources) {
  Inventory inv;
  bool parsed = false;
  for (const auto& raw : sources) {
    if (raw.empty()) continue;
    if (const SourcePlugin* plugin = find_source_plugin(raw)) {
      inv.set_current_source("");
      if ((*plugin)(inv, raw)) parsed = true;
      continue;
    }
    std::string source = raw.find(',') == std::string::npos ? normalize_source_path(raw) : raw;
    if (load_source(inv, source)) parsed = true;
  }
  if (parsed) {
    inv.mark_parsed();
    inv.reconcile();
  } else {
    inv.warn(kNoInventoryParsedWarning);
  }
  // host_group_vars reads group_vars/ and host_vars/ beside each source as
  // given (a host list has none).
  for (const auto& raw : sources) {
    if (raw.empty() || find_source_plugin(raw)) continue;
    if (raw.find(',') != std::string::npos && !path_exists(raw)) continue;
    std::string path = normalize_source_path(raw);
    if (!is_dir(path)) {
      size_t slash = path.rfind('/');
      path = slash == 0 ? "/" : path.substr(0, slash);
    }
    inv.add_vars_directory(path);
  }
  inv.preload_vars_files();
  return inv;
}

}  // namespace drover::inventory
