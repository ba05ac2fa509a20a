#include "inventory/vars_directory.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <vector>

#include "core/error.hpp"
#include "core/vault.hpp"
#include "core/yaml.hpp"

namespace drover::inventory {
namespace {

bool is_dir(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool is_file(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}
bool exists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

std::vector<std::string> sorted_entries(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") out.push_back(std::move(n));
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// os.path.splitext: the extension of the last component, "" for ".bashrc".
std::string extension(const std::string& name) {
  size_t dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return "";
  size_t first = name.find_first_not_of('.');
  if (first == std::string::npos || dot < first) return "";
  return name.substr(dot);
}

bool vars_extension(const std::string& ext) { return ext == ".yml" || ext == ".yaml" || ext == ".json"; }

// DataLoader._get_dir_vars_files: sorted, recursive, hidden and backups out.
void collect_dir_files(const std::string& dir, std::vector<std::string>& out) {
  for (const auto& name : sorted_entries(dir)) {
    if (name[0] == '.' || name.back() == '~') continue;
    std::string ext = extension(name);
    std::string full = dir + "/" + name;
    if (is_dir(full) && ext.empty()) {
      collect_dir_files(full, out);
    } else if (is_file(full) && (ext.empty() || vars_extension(ext))) {
      out.push_back(full);
    }
  }
}

const char* type_name(const Value& v) {
  if (v.is_array()) return "list";
  if (v.is_string()) return "str";
  if (v.is_boolean()) return "bool";
  if (v.is_number_float()) return "float";
  if (v.is_number()) return "int";
  return "dict";
}

}  // namespace

VarsDirectory::VarsDirectory(std::string base_dir) : base_dir_(std::move(base_dir)) {
  list(group_dir_, base_dir_ + "/group_vars");
  list(host_dir_, base_dir_ + "/host_vars");
}

void VarsDirectory::list(Subdir& dir, const std::string& path) {
  char buf[PATH_MAX];
  dir.path = realpath(path.c_str(), buf) ? std::string(buf) : path;
  dir.exists = is_dir(dir.path);
  if (!dir.exists) return;
  for (auto& n : sorted_entries(dir.path)) dir.entries.insert(std::move(n));
}

const Value& VarsDirectory::group_vars(const std::string& group) const { return lookup(group_dir_, group); }
const Value& VarsDirectory::host_vars(const std::string& host) const { return lookup(host_dir_, host); }

const Value& VarsDirectory::lookup(Subdir& dir, const std::string& name) const {
  static const Value empty = Value::object();
  // host_group_vars skips names that are absolute paths.
  if (!dir.exists || name.empty() || name[0] == '/') return empty;
  std::lock_guard<std::mutex> lock(mutex_);
  auto cached = dir.cache.find(name);
  if (cached != dir.cache.end()) return cached->second;

  bool nested = name.find('/') != std::string::npos;
  std::vector<std::string> files;
  for (const char* ext : {"", ".yml", ".yaml", ".json"}) {
    std::string entry = name + ext;
    if (nested ? !exists(dir.path + "/" + entry) : !dir.entries.count(entry)) continue;
    std::string full = dir.path + "/" + entry;
    if (is_dir(full)) {
      collect_dir_files(full, files);
    } else {
      files.push_back(full);
    }
    break;
  }
  Value merged = Value::object();
  for (const auto& file : files) {
    Value data;
    try {
      data = load_yaml_value_file(file);
    } catch (const VaultError& e) {
      // Ansible's host_group_vars plugin re-raises as AnsibleParserError (exit 4).
      throw ParserError(e.message());
    }
    if (data.is_null()) continue;  // an empty file
    if (!data.is_object()) {
      if (!truthy(data)) continue;  // Ansible skips any falsy document
      throw Error(std::string("failed to combine variables, expected dicts but got a 'dict' and a '") +
                      type_name(data) + "'",
                  Location{file, 0, 0});
    }
    for (auto& [k, v] : data.items()) merged[k] = v;
  }
  return dir.cache.emplace(name, std::move(merged)).first->second;
}

}  // namespace drover::inventory
