#include "modules/python_payload.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "modules/file_attrs.hpp"
#include "modules/zip_archive.hpp"

namespace drover {
namespace {

namespace fs = std::filesystem;

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool is_file(const std::string& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

std::vector<std::string> split_dots(const std::string& s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  return split(s, '.');
}

std::string join_dots(const std::vector<std::string>& parts, size_t n) {
  std::string out;
  for (size_t i = 0; i < n && i < parts.size(); ++i) out += (i ? "." : "") + parts[i];
  return out;
}

// Ansible's _is_binary: control bytes other than \a\b\t\n\f\r\e, or DEL,
// among the first 1024 bytes.
bool looks_binary(std::string_view data) {
  for (unsigned char c : data.substr(0, 1024)) {
    if (c == 0x7f) return true;
    if (c < 0x20 && c != 7 && c != 8 && c != 9 && c != 10 && c != 12 && c != 13 && c != 27) return true;
  }
  return false;
}

// One logical line per statement: parenthesised import lists and backslash
// continuations joined, comments dropped. Each line keeps its indentation
// and whether it sits directly in a `try:` block (Ansible treats such an
// import as optional).
struct LogicalLine {
  std::string text;
  bool in_try = false;
};

std::vector<LogicalLine> logical_lines(std::string_view source) {
  std::vector<std::string> raw = split(std::string(source), '\n');
  std::vector<LogicalLine> out;
  std::vector<std::pair<size_t, bool>> blocks;  // indentation, is a try: block
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string line = raw[i];
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    if (trim(line).empty()) continue;
    size_t indent = line.find_first_not_of(" \t");
    while (!blocks.empty() && blocks.back().first >= indent) blocks.pop_back();
    bool in_try = !blocks.empty() && blocks.back().second;
    std::string body = trim(line);
    if (body.back() == ':') blocks.emplace_back(indent, body == "try:");
    int depth = 0;
    for (char c : body) depth += c == '(' ? 1 : c == ')' ? -1 : 0;
    while ((depth > 0 || body.back() == '\\') && i + 1 < raw.size()) {
      if (body.back() == '\\') body.pop_back();
      std::string next = raw[++i];
      if (auto hash = next.find('#'); hash != std::string::npos) next.resize(hash);
      for (char c : next) depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      body += " " + trim(next);
      if (body.empty()) break;
    }
    out.push_back({body, in_try});
  }
  return out;
}

// `a as b, c` or `(a, c)` -> {a, c}.
std::vector<std::string> import_names(std::string list) {
  std::vector<std::string> out;
  for (char& c : list)
    if (c == '(' || c == ')') c = ' ';
  for (const auto& item : split(list, ',')) {
    std::string name = trim(item);
    if (auto as = name.find(" as "); as != std::string::npos) name = trim(name.substr(0, as));
    if (!name.empty()) out.push_back(name);
  }
  return out;
}

struct ScannedImport {
  PyImport import;
  bool optional = false;
};

std::vector<ScannedImport> scan_with_optional(std::string_view source) {
  static const std::regex from_re(R"(^from\s+(\.*)\s*([\w.]*)\s+import\s+(.+)$)");
  static const std::regex import_re(R"(^import\s+(.+)$)");
  std::vector<ScannedImport> out;
  for (const auto& line : logical_lines(source)) {
    // std::regex is slow: only lines that can be imports reach it.
    if (!starts_with(line.text, "from") && !starts_with(line.text, "import")) continue;
    std::smatch m;
    if (std::regex_match(line.text, m, from_re)) {
      ScannedImport s;
      s.import.level = static_cast<int>(m[1].length());
      s.import.module = m[2];
      s.import.names = import_names(m[3]);
      s.optional = line.in_try;
      out.push_back(std::move(s));
    } else if (std::regex_match(line.text, m, import_re)) {
      for (const auto& name : import_names(m[1])) {
        ScannedImport s;
        s.import.module = name;
        s.optional = line.in_try;
        out.push_back(std::move(s));
      }
    }
  }
  return out;
}

// A module_utils file found on the controller: its dotted name and where
// it is, and whether it is a package (__init__.py).
struct Found {
  std::string path;
  bool package = false;
};

class Packer {
 public:
  Packer(const ModuleUtilsRoots& roots, const std::string& module_fqn) : roots_(roots), module_fqn_(module_fqn) {}

  void add_module(const std::string& source) {
    std::vector<std::string> parts = split_dots(module_fqn_);
    members_[join(parts, "/") + ".py"] = source;
    add_parent_packages(parts);
    scan(source, parts, false);
    while (!pending_.empty()) {
      auto [name, package, path] = pending_.back();
      pending_.pop_back();
      std::string text = read_whole(path);
      std::vector<std::string> parts_of = split_dots(name);
      members_[join(parts_of, "/") + (package ? "/__init__.py" : ".py")] = text;
      add_parent_packages(parts_of);
      scan(text, parts_of, package);
    }
  }

  PythonPayload finish() {
    PythonPayload p;
    ZipArchive zip;
    for (const auto& [name, text] : members_) {
      zip.add(name, text);
      p.files.push_back(name);
    }
    p.zip = zip.finish();
    p.digest = files::sha1_hex(p.zip);
    p.module_fqn = module_fqn_;
    return p;
  }

 private:
  // Every package above a member needs its __init__.py: the real one for
  // module_utils packages and collections, an empty one for `ansible` and
  // `ansible.modules` (what AnsiballZ does too).
  void add_parent_packages(const std::vector<std::string>& parts) {
    for (size_t n = 1; n < parts.size(); ++n) {
      std::string member = join(std::vector<std::string>(parts.begin(), parts.begin() + n), "/") + "/__init__.py";
      if (members_.count(member)) continue;
      std::string dotted = join_dots(parts, n);
      if (auto f = locate(split_dots(dotted)); f && f->package) {
        members_[member] = read_whole(f->path);
        scan(members_[member], split_dots(dotted), true);
      } else {
        members_[member] = "";
      }
    }
  }

  // The file for a dotted name: ansible.module_utils.* in the extra
  // module_utils dirs then the controller's Ansible, collection
  // module_utils in the collection roots.
  std::optional<Found> locate(const std::vector<std::string>& parts) const {
    std::vector<std::string> bases;
    std::vector<std::string> rest;
    if (parts.size() >= 2 && parts[0] == "ansible" && parts[1] == "module_utils") {
      rest.assign(parts.begin() + 2, parts.end());
      for (const auto& d : roots_.module_utils_dirs) bases.push_back(d);
      if (!roots_.ansible_dir.empty()) bases.push_back(roots_.ansible_dir + "/module_utils");
    } else if (parts.size() >= 2 && parts[0] == "ansible_collections") {
      rest.assign(parts.begin() + 1, parts.end());
      for (const auto& r : roots_.collection_roots) bases.push_back(r + "/ansible_collections");
    } else {
      return std::nullopt;
    }
    std::string rel = join(rest, "/");
    for (const auto& b : bases) {
      std::string stem = rel.empty() ? b : b + "/" + rel;
      if (is_file(stem + "/__init__.py")) return Found{stem + "/__init__.py", true};
      if (!rel.empty() && is_file(stem + ".py")) return Found{stem + ".py", false};
    }
    return std::nullopt;
  }

  bool relevant(const std::vector<std::string>& parts) const {
    if (parts.size() >= 2 && parts[0] == "ansible" && parts[1] == "module_utils") return true;
    return parts.size() >= 5 && parts[0] == "ansible_collections" && parts[3] == "plugins" &&
           parts[4] == "module_utils";
  }

  // Queues a dotted name's file. six.moves is not a file: six is.
  void want(std::vector<std::string> parts, bool optional) {
    if (!relevant(parts)) return;
    std::string first_try = join(parts, ".");
    if (parts.size() > 3 && parts[0] == "ansible" && parts[2] == "six") parts.resize(3);
    std::string dotted = join(parts, ".");
    if (seen_.count(dotted)) return;
    if (auto f = locate(parts)) {
      seen_.insert(dotted);
      pending_.push_back({dotted, f->package, f->path});
      return;
    }
    // ansible.module_utils itself, or a name Ansible also gives up on.
    if (parts.size() == 2 && parts[0] == "ansible") return;
    if (optional) return;
    if (parts[0] == "ansible" && roots_.ansible_dir.empty())
      throw Error("module " + module_fqn_ + " imports " + first_try +
                  ", which comes with Ansible: drover runs such modules with the controller's ansible-core "
                  "(the `ansible` package of /usr/bin/python3), and none is installed. Install it (Debian: "
                  "apt install ansible-core).");
    throw Error("Could not find imported module support code for " + module_fqn_ + ".  Looked for (['" + first_try +
                "'])");
  }

  void scan(const std::string& source, const std::vector<std::string>& self, bool is_package) {
    for (const auto& s : scan_with_optional(source)) {
      const PyImport& imp = s.import;
      std::vector<std::string> base;
      if (imp.level > 0) {
        // Relative to the importing file's package.
        base = self;
        if (!is_package && !base.empty()) base.pop_back();
        for (int i = 1; i < imp.level && !base.empty(); ++i) base.pop_back();
      }
      for (const auto& p : split_dots(imp.module)) base.push_back(p);
      // `from x import a, b`: a and b may be submodules (or attributes of
      // x); x is needed either way.
      for (const auto& n : imp.names) {
        if (n == "*") continue;
        std::vector<std::string> sub = base;
        sub.push_back(n);
        if (relevant(sub) && locate(sub)) want(sub, s.optional);
      }
      want(base, s.optional);
    }
  }

  const ModuleUtilsRoots& roots_;
  std::string module_fqn_;
  std::map<std::string, std::string> members_;  // archive name -> text, sorted: the same bytes every run
  std::set<std::string> seen_;
  struct Pending {
    std::string name;
    bool package;
    std::string path;
  };
  std::vector<Pending> pending_;
};

}  // namespace

ModuleStyle module_style(std::string_view source) {
  static const std::regex new_style(
      R"((?:from +\.{2,} *module_utils.* +import |from +ansible_collections\.[^.]+\.[^.]+\.plugins\.module_utils.* +import |import +ansible_collections\.[^.]+\.[^.]+\.plugins\.module_utils.*|from +ansible\.module_utils.* +import |import +ansible\.module_utils\.))");
  if (looks_binary(source)) return ModuleStyle::binary;
  if (source.find("#<<INCLUDE_ANSIBLE_MODULE_COMMON>>") != std::string_view::npos) return ModuleStyle::new_python;
  std::string text(source);
  if (std::regex_search(text, new_style)) return ModuleStyle::new_python;
  if (source.find("<<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>>") != std::string_view::npos) return ModuleStyle::jsonargs;
  if (source.find("WANT_JSON") != std::string_view::npos) return ModuleStyle::want_json;
  return ModuleStyle::old_style;
}

std::vector<PyImport> scan_python_imports(std::string_view source) {
  std::vector<PyImport> out;
  for (auto& s : scan_with_optional(source)) out.push_back(std::move(s.import));
  return out;
}

std::string payload_module_fqn(const std::string& short_name, const std::string& collection) {
  if (collection.empty() || collection == "ansible.builtin" || collection == "ansible.legacy")
    return "ansible.modules." + short_name;
  return "ansible_collections." + collection + ".plugins.modules." + short_name;
}

PythonPayload build_python_payload(const std::string& source, const std::string& module_fqn,
                                   const ModuleUtilsRoots& roots) {
  std::string text = source;
  // Ansible's oldest new-style marker stands for `from ...basic import *`.
  const std::string marker = "#<<INCLUDE_ANSIBLE_MODULE_COMMON>>";
  if (auto at = text.find(marker); at != std::string::npos)
    text.replace(at, marker.size(), "from ansible.module_utils.basic import *");
  Packer packer(roots, module_fqn);
  packer.add_module(text);
  return packer.finish();
}

}  // namespace drover
