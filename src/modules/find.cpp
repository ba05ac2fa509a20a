// find: files matching criteria under directories of the target
// (ansible.builtin.find, ansible-core 2.14): patterns (shell globs, or
// Python regexes with use_regex, matched at the name's start), excludes,
// file_type, recurse / depth, hidden, age / age_stamp, size, follow,
// get_checksum, contains. One round trip: find(1) lists the entries with
// their stat(1) line; the filters apply on the controller. `contains` is
// checked with grep -E on the target (an ERE, not a Python regex).
#include <algorithm>
#include <fnmatch.h>

#include <cstdlib>
#include <functional>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "modules/file_attrs.hpp"
#include "modules/shell_script.hpp"
#include "template/regex.hpp"

namespace drover {
namespace {

// "-3d" -> -259200; false when it does not parse.
bool parse_scaled(const std::string& text, const std::map<char, long long>& units, long long& out) {
  std::string s = to_lower(text);
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  size_t digits = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == digits) return false;
  long long n = std::stoll(s.substr(0, i));
  if (i == s.size()) {
    out = n;
    return true;
  }
  if (i + 1 != s.size() || !units.count(s[i])) return false;
  out = n * units.at(s[i]);
  return true;
}

// find(1)'s "STAT|PATH" lines (pre-order, each directory's entries in
// readdir order) in the order Ansible's find meets them walking os.walk
// top-down: in each directory its non-directories, then its directories,
// then the same inside each of those. Symbolic links count as files (os.walk
// would count one to a directory among the directories).
std::vector<std::pair<std::string, Value>> walk_order(const std::vector<std::string>& lines) {
  std::vector<std::pair<std::string, Value>> entries;
  std::map<std::string, std::vector<size_t>> children;  // parent -> entries, in order
  for (const auto& line : lines) {
    auto bar = line.find('|');
    if (bar == std::string::npos) continue;
    std::string full = line.substr(bar + 1);
    Value st = files::stat_dict(line.substr(0, bar), full);
    if (st.is_null()) continue;
    children[full.substr(0, full.rfind('/'))].push_back(entries.size());
    entries.emplace_back(std::move(full), std::move(st));
  }
  std::vector<std::pair<std::string, Value>> out;
  std::function<void(const std::string&)> walk = [&](const std::string& dir) {
    auto it = children.find(dir);
    if (it == children.end()) return;
    for (bool dirs : {false, true})
      for (size_t i : it->second)
        if ((entries[i].second["isdir"] == true) == dirs) out.push_back(entries[i]);
    for (size_t i : it->second)
      if (entries[i].second["isdir"] == true) walk(entries[i].first);
  };
  // The top directory: the parent of the first entry find printed.
  if (!entries.empty()) walk(entries.front().first.substr(0, entries.front().first.rfind('/')));
  return out;
}

// The paths are "$@"; each one's entries (stat lines ending in "|NAME"),
// and when asked their sha1 sums ($sums) and the files whose content
// matches $re ($has_re), answered under the path's index. $follow is -L
// or empty, $maxdepth "-maxdepth N" or empty (both split into words).
constexpr const char* kFindBody = R"SH(_out now "$(date +%s)"
n=0
for p; do
  if [ -d "$p" ]; then
    _out list$n "$(find $follow "$p" -mindepth 1 $maxdepth -exec stat -c "$fmt|%n" {} + 2>/dev/null)"
    [ -z "$sums" ] || _out sums$n "$(find $follow "$p" -mindepth 1 $maxdepth -type f -exec sha1sum {} + 2>/dev/null)"
    [ -z "$has_re" ] || _out grep$n "$(find $follow "$p" -mindepth 1 $maxdepth -type f -exec grep $gflags "$re" {} + 2>/dev/null)"
  else _out skip$n 1; fi
  n=$((n + 1))
done
)SH";

// A Python pattern for grep -zP: `$` outside brackets and escapes as
// (?=\n?\z), a newline as \n (grep splits its pattern at newlines).
std::string whole_file_pattern(const std::string& re) {
  std::string out;
  bool escaped = false, in_class = false;
  for (char c : re) {
    if (c == '\n') {
      out += "\\n";
      escaped = false;
      continue;
    }
    if (escaped) escaped = false;
    else if (c == '\\') escaped = true;
    else if (in_class) in_class = c != ']';
    else if (c == '[') in_class = true;
    else if (c == '$') {
      out += "(?=\\n?\\z)";
      continue;
    }
    out += c;
  }
  return out;
}

class FindModule : public Module {
 public:
  FindModule() {
    spec_.options = {
        opt("paths", OptionType::list).req().alias({"name", "path"}).of(OptionType::str),
        opt("patterns", OptionType::list).def(Value::array()).alias({"pattern"}).of(OptionType::str),
        opt("excludes", OptionType::list).alias({"exclude"}).of(OptionType::str),
        opt("contains"),
        opt("read_whole_file", OptionType::boolean).def(false),
        opt("file_type").def("file").one_of({"any", "directory", "file", "link"}),
        opt("age"),
        opt("age_stamp").def("mtime").one_of({"atime", "ctime", "mtime"}),
        opt("size"),
        opt("recurse", OptionType::boolean).def(false),
        opt("hidden", OptionType::boolean).def(false),
        opt("follow", OptionType::boolean).def(false),
        opt("get_checksum", OptionType::boolean).def(false),
        opt("use_regex", OptionType::boolean).def(false),
        opt("depth", OptionType::integer),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    ModuleArgs args(validated);
    bool use_regex = args.flag("use_regex");
    std::vector<std::string> patterns, excludes;
    for (const auto& p : args.value("patterns")) patterns.push_back(p.get<std::string>());
    if (patterns.empty()) patterns.push_back(use_regex ? ".*" : "*");
    if (args.value("excludes").is_array())
      for (const auto& p : args.value("excludes")) excludes.push_back(p.get<std::string>());
    long long age = 0, size = 0;
    bool has_age = args.has("age"), has_size = args.has("size");
    if (has_age && !parse_scaled(args.str("age"), {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}}, age))
      return Value{{"failed", true}, {"age", args.value("age")}, {"msg", "failed to process age"}};
    if (has_size && !parse_scaled(args.str("size"),
                                  {{'b', 1}, {'k', 1024}, {'m', 1LL << 20}, {'g', 1LL << 30}, {'t', 1LL << 40}}, size))
      return Value{{"failed", true}, {"size", args.value("size")}, {"msg", "failed to process size"}};
    const std::string type = args.str("file_type");
    // With depth, Ansible's os.walk still examines (without matching) the
    // entries one level deeper.
    std::string maxdepth;
    const int64_t depth = args.flag("recurse") ? args.integer("depth") : 0;
    if (!args.flag("recurse")) maxdepth = "-maxdepth 1";
    else if (depth > 0) maxdepth = "-maxdepth " + std::to_string(depth + 1);
    std::string re = args.str("contains");
    // Per line, anchored at its start (re.match); read_whole_file searches
    // the whole text as one (grep -z) with Perl's rules (-P), where
    // Python's `$` (the end, or just before a last newline) is (?=\n?\z).
    const bool whole = args.flag("read_whole_file");
    if (args.has("contains")) re = whole ? whole_file_pattern(re) : "^(" + re + ")";
    std::string path_words = "set --";
    for (const auto& p : args.strings("paths")) path_words += " " + shell_quote(p);
    std::string vars = shell_assign("follow", args.flag("follow") ? "-L" : "") + shell_assign("maxdepth", maxdepth) +
                       shell_assign("fmt", files::kStatFormat) + shell_assign("sums", args.flag("get_checksum")) +
                       shell_assign("has_re", args.has("contains")) + shell_assign("re", re) +
                       shell_assign("gflags", whole ? "-lzP" : "-lE") + path_words + "\n";
    ExecResult res = run_own_script(ctx, files::script_prelude(false) + vars + kFindBody);
    AnswerFields ans = parse_answer(res.out);
    if (res.exit_status != 0) return script_failure(ans, res);
    double now = std::strtod(ans["now"].c_str(), nullptr);

    auto matches = [&](const std::string& name, const std::vector<std::string>& pats) {
      for (const auto& pat : pats) {
        if (use_regex ? tmpl::Regex::compile(pat)->match(name).has_value() : fnmatch(pat.c_str(), name.c_str(), 0) == 0)
          return true;
      }
      return false;
    };
    Value file_list = Value::array(), skipped = Value::object();
    long examined = 0;
    try {
      int i = 0;
      for (const auto& p : args.value("paths")) {
        std::string n = std::to_string(i++);
        const std::string path = p.get<std::string>();
        if (ans.count("skip" + n)) {
          skipped[path] = "'" + path + "' is not a directory";
          continue;
        }
        std::map<std::string, std::string> sums;
        for (const auto& line : split_lines(ans["sums" + n])) {
          auto sp = line.find("  ");
          if (sp != std::string::npos) sums[line.substr(sp + 2)] = line.substr(0, sp);
        }
        std::set<std::string> grepped;
        for (const auto& line : split_lines(ans["grep" + n])) grepped.insert(line);
        std::string base = path;
        while (base.size() > 1 && base.back() == '/') base.pop_back();
        for (auto& [full, st] : walk_order(split_lines(ans["list" + n]))) {
          ++examined;
          if (depth > 0 && std::count(full.begin() + static_cast<long>(std::min(base.size(), full.size())), full.end(), '/') > depth)
            continue;
          std::string name = full.substr(full.rfind('/') + 1);
          if (name[0] == '.' && !args.flag("hidden")) continue;
          if (!matches(name, patterns) || (!excludes.empty() && matches(name, excludes))) continue;
          double stamp = st[args.str("age_stamp")].get<double>();
          if (has_age && !(age >= 0 ? now - stamp >= age : now - stamp <= -age)) continue;
          bool reg = st["isreg"] == true;
          long long fsize = st["size"].get<long long>();
          bool size_ok = !has_size || (size >= 0 ? fsize >= size : fsize <= -size);
          bool keep = false;
          if (type == "any") keep = !reg || size_ok;
          else if (type == "directory") keep = st["isdir"] == true;
          else if (type == "link") keep = st["islnk"] == true;
          else keep = reg && size_ok && (!args.has("contains") || grepped.count(full));
          if (!keep) continue;
          if (reg && args.flag("get_checksum") && sums.count(full)) st["checksum"] = sums[full];
          // Ansible's find reports fewer fields than its stat.
          for (const char* k : {"blocks", "block_size", "device_type"}) st.erase(k);
          file_list.push_back(st);
        }
      }
    } catch (const Error& e) {
      return failed_result(e.message());
    }
    Value r{{"changed", false}, {"files", file_list}, {"matched", file_list.size()}, {"examined", examined},
            {"msg", skipped.empty() ? "All paths examined" : "Not all paths examined, check warnings for details"},
            {"skipped_paths", skipped}};
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration find_registration({"find"}, make_module<FindModule>);

}  // namespace drover
