// include_vars: load variables from YAML/JSON files on the controller
// (ansible.builtin.include_vars). The executor stores the returned
// ansible_facts at include_vars precedence, not as facts.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <regex>

#include "core/strings.hpp"
#include "core/yaml.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "template/engine.hpp"

namespace drover {
namespace {

bool is_dir(const std::string& p) {
  struct stat st{};
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool is_file(const std::string& p) {
  struct stat st{};
  return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Relative names are looked up in ctx.search_path, with "vars/" first as
// Ansible's _find_needle('vars', ...) does.
std::string resolve(const std::string& name, const ModuleContext& ctx, bool want_dir) {
  if (!name.empty() && name[0] == '/') return name;
  for (const auto& base : ctx.search_path) {
    for (const std::string& cand : {base + "/vars/" + name, base + "/" + name}) {
      if (want_dir ? is_dir(cand) : is_file(cand)) return cand;
    }
  }
  return "";
}

// Ansible's AnsibleFileNotFound text for a file that resolve() did not find
// ("Could not find file" when no name was given).
std::string not_found(const std::string& name, const ModuleContext& ctx) {
  std::string msg = name.empty() ? "Could not find file" : "Could not find or access '" + name + "'";
  if (!name.empty()) {
    msg += "\nSearched in:";
    std::vector<std::string> tried;
    for (const auto& base : ctx.search_path)
      for (const std::string& c : {base + "/vars/" + name, base + "/" + name})
        if (std::find(tried.begin(), tried.end(), c) == tried.end()) tried.push_back(c);
    for (const auto& c : tried) msg += "\n\t" + c;
  }
  return msg + " on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, "
               "see the remote_src option";
}

// combine_vars(old, new, merge=True): mappings merge recursively, the new
// value wins anything else.
Value merged(const Value& old, const Value& add) {
  if (!old.is_object() || !add.is_object()) return add;
  Value out = old;
  for (auto it = add.begin(); it != add.end(); ++it) out[it.key()] = merged(out.value(it.key(), Value()), it.value());
  return out;
}

void collect(const std::string& dir, int depth, int max_depth, std::vector<std::string>& out) {
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    std::string p = dir + "/" + n;
    if (is_dir(p)) {
      if (max_depth == 0 || depth + 1 < max_depth) collect(p, depth + 1, max_depth, out);
    } else {
      out.push_back(p);
    }
  }
}

class IncludeVarsModule : public Module {
 public:
  IncludeVarsModule() {
    spec_.options = {opt("_raw_params"), opt("file"), opt("dir"), opt("name"), opt("depth", OptionType::integer).def(0),
                     opt("files_matching"), opt("ignore_files", OptionType::list).of(OptionType::str),
                     opt("extensions", OptionType::list).of(OptionType::str).def(Value::array({"yaml", "yml", "json"})),
                     opt("ignore_unknown_extensions", OptionType::boolean).def(false), opt("hash_behaviour")};
  }
  const ArgSpec& spec() const override { return spec_; }
  bool needs_connection() const override { return false; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    const ModuleArgs args(validated);
    Value loaded = Value::array();
    // Ansible's action reports a failure under "message", with no facts.
    auto fail = [&loaded](const std::string& message) {
      return Value{{"ansible_facts", Value::object()}, {"ansible_included_var_files", loaded},
                   {"changed", false}, {"failed", true}, {"message", message}};
    };
    std::vector<std::string> files;
    std::string bad_extension;
    std::string file = args.has("file") ? args.str("file") : trim(args.str("_raw_params"));
    if (args.has("dir")) {
      std::string dir = resolve(args.str("dir"), ctx, true);
      if (dir.empty()) return fail(args.str("dir") + " directory does not exist");
      std::vector<std::string> all;
      collect(dir, 0, static_cast<int>(args.integer("depth")), all);
      std::vector<std::string> exts;
      for (auto& e : args.strings("extensions")) exts.push_back(e);
      for (const auto& p : all) {
        std::string base = p.substr(p.rfind('/') + 1);
        if (const auto ignored = args.strings("ignore_files"); std::find(ignored.begin(), ignored.end(), base) != ignored.end())
          continue;
        if (args.has("files_matching") && !std::regex_search(base, std::regex(args.str("files_matching"))))
          continue;
        auto dot = base.rfind('.');
        std::string ext = dot == std::string::npos ? "" : base.substr(dot + 1);
        if (std::find(exts.begin(), exts.end(), ext) == exts.end()) {
          if (args.flag("ignore_unknown_extensions")) continue;
          bad_extension = p + " does not have a valid extension: " + join(exts, ", ");
          break;  // the files before it are still loaded
        }
        files.push_back(p);
      }
    } else if (!file.empty()) {
      std::string path = resolve(file, ctx, false);
      if (path.empty()) return fail(not_found(file, ctx));
      files.push_back(path);
    } else {
      return fail(not_found("", ctx));
    }
    Value data = Value::object();
    for (const auto& p : files) {
      Value v;
      try {
        v = load_yaml_value_file(p);
      } catch (const Error& e) {
        return fail(e.what());
      }
      if (v.is_null()) continue;
      if (!v.is_object()) return fail(p + " must be stored as a dictionary/hash");
      for (auto it = v.begin(); it != v.end(); ++it) data[it.key()] = it.value();
      loaded.push_back(p);
    }
    if (!bad_extension.empty()) return fail(bad_extension);
    if (args.has("name")) data = Value{{args.str("name"), data}};
    // hash_behaviour: merge combines each variable with its current value.
    if (args.str("hash_behaviour") == "merge" && ctx.vars)
      for (auto it = data.begin(); it != data.end(); ++it)
        if (const Value* old = ctx.vars->lookup(it.key())) it.value() = merged(*old, it.value());
    return Value{{"ansible_facts", data}, {"ansible_included_var_files", loaded}, {"changed", false}};
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration include_vars_registration({"include_vars"},
                         make_module<IncludeVarsModule>);

}  // namespace drover
