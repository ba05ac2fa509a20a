// apt_repository: one APT source line present or absent
// (ansible.builtin.apt_repository, ansible-core 2.14, without python-apt on
// the target): sources.list and sources.list.d/*.list (where apt-config
// says) are parsed as Ansible parses them (enabled, source, comment per
// line), a new line goes to the file named after its URL (or `filename`),
// an existing one is enabled, an enabled one is removed; when anything
// changed every file is written back in Ansible's normalised layout ("# "
// before disabled lines, " # " before comments), new files with `mode`
// (0644), emptied files deleted, and `apt-get update` runs (update_cache,
// with Ansible's retries and back-off; the files are restored when it
// fails). The result: changed, repo, state, diff (a list per file, with
// --diff). ppa: repositories need Launchpad and are not handled natively.
#include <set>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"
#include "modules/file_attrs.hpp"
#include "template/regex.hpp"

namespace drover {
namespace {

constexpr const char* kReadBody = R"SH(
_sl=/etc/apt/sources.list _sp=/etc/apt/sources.list.d
command -v apt-config >/dev/null 2>&1 && eval "$(apt-config shell _sl Dir::Etc::sourcelist/f _sp Dir::Etc::sourceparts/d)"
_sp=${_sp%/}
_out default "$_sl"; _out parts "$_sp"
[ -f "$_sl" ] && _out "file:$_sl" "$(cat -- "$_sl"; printf x)"
for _f in "$_sp"/*.list; do [ -f "$_f" ] && _out "file:$_f" "$(cat -- "$_f"; printf x)"; done
exit 0
)SH";

// $files: "PATH\tMODE\n" lines of what to (re)write; each file's new text
// in $text_N (empty mode: keep), a path alone: delete it. Then apt-get
// update with Ansible's retries; on failure the old texts come back.
constexpr const char* kSaveBody = R"SH(
_put() {
  mkdir -p -- "$(dirname -- "$1")" || _fail "Failed to create directory $(dirname -- "$1")"
  _t=$(mktemp "$(dirname -- "$1")/.$(basename -- "$1")-XXXXXX") || _fail "Unable to create temp file at \"$(dirname -- "$1")\" for apt source"
  if [ -e "$1" ]; then cp -p -- "$1" "$_t"; else chmod 0644 "$_t"; fi
  printf '%s' "$2" > "$_t" && mv -f -- "$_t" "$1" || { rm -f -- "$_t"; _fail "Failed to write to file $1"; }
  [ -n "$3" ] && chmod "$3" "$1"
  return 0
}
eval "$steps"
if [ -n "$update" ]; then
  _i=0
  while [ "$_i" -lt "$retries" ]; do
    _run apt-get update -q && exit 0
    _err=$(printf '%s\n' "$_rout$_rerr" | grep -E '^(E|W): ' | head -n 1)
    _i=$((_i + 1)); _d=$((1 << (_i - 1))); [ "$_d" -gt "$max_delay" ] && _d=$max_delay
    [ "$_i" -lt "$retries" ] && sleep "$_d"
  done
  eval "$revert"
  _fail "Failed to update apt cache: ${_err:-unknown reason}"
fi
)SH";

const std::vector<std::string> kTypes = {"deb", "deb-src", "rpm", "rpm-src"};

struct Line {
  bool valid = false, enabled = true;
  std::string source, comment;
};
using SourceFiles = std::vector<std::pair<std::string, std::vector<Line>>>;  // in load order

// Ansible's SourcesList._parse.
Line parse_line(std::string line) {
  Line l;
  line = trim(line);
  if (line.starts_with("#")) {
    l.enabled = false;
    line = line.substr(1);
  }
  size_t i = line.find('#');
  if (i != std::string::npos && i > 0) {
    l.comment = trim(line.substr(i + 1));
    line = line.substr(0, i);
  }
  auto chunks = split_whitespace(line);
  l.source = trim(line);
  if (!chunks.empty() && std::find(kTypes.begin(), kTypes.end(), chunks[0]) != kTypes.end()) {
    l.valid = true;
    l.source = join(chunks, " ");
  }
  return l;
}

std::string render(const std::vector<Line>& lines) {
  std::string out;
  for (const auto& l : lines) out += (l.enabled ? "" : "# ") + l.source + (l.comment.empty() ? "" : " # " + l.comment) + "\n";
  return out;
}

// Ansible's _suggest_filename: the URL's host and path, non-alphanumerics
// as "_", credentials dropped.
std::string suggested_file(const std::string& source) {
  std::string s = tmpl::Regex::compile(R"(\[[^\]]+\])")->sub(source, "");
  s = tmpl::Regex::compile(R"(\w+://)")->sub(s, "");
  std::string first;
  for (const auto& p : split_whitespace(s))
    if (std::find(kTypes.begin(), kTypes.end(), p) == kTypes.end()) {
      first = p;
      break;
    }
  if (auto at = first.find('@'); at != std::string::npos) first = first.substr(at + 1);
  for (auto& c : first)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = ' ';
  return join(split_whitespace(first), "_") + ".list";
}

class AptRepositoryModule : public Module {
 public:
  AptRepositoryModule() {
    spec_.options = {
        opt("repo").req(),
        opt("state").def("present").one_of({"absent", "present"}),
        opt("mode", OptionType::raw),
        opt("update_cache", OptionType::boolean).def(true).alias({"update-cache"}),
        opt("update_cache_retries", OptionType::integer).def(5),
        opt("update_cache_retry_max_delay", OptionType::integer).def(12),
        opt("filename"),
        opt("install_python_apt", OptionType::boolean).def(true),
        opt("validate_certs", OptionType::boolean).def(true),
        opt("codename"),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string repo = to_display_string(args["repo"]), state = args["state"].get<std::string>();
    if (repo.empty()) return failed_result("Please set argument 'repo' to a non-empty value");
    if (repo.starts_with("ppa:")) return failed_result("drover's apt_repository does not add ppa: repositories yet");
    ScriptAnswer read = run_answer_script(ctx, kReadBody);
    Value failure = script_failure(read);
    if (!failure.is_null()) return failure;
    SourceFiles files;
    std::map<std::string, std::string> raw;
    for (const auto& [k, v] : read.fields) {
      if (!k.starts_with("file:")) continue;
      const std::string path = k.substr(5);
      raw[path] = v.substr(0, v.size() - 1);
      std::vector<Line> lines;
      for (const auto& l : split_lines_keep_ends(raw[path])) lines.push_back(parse_line(l));
      // sources.list first, then the parts in name order.
      if (path == read.get("default")) files.insert(files.begin(), {path, lines});
      else files.push_back({path, lines});
    }
    Line wanted = parse_line(repo);
    if (!wanted.valid || !wanted.enabled) return failed_result("Invalid repository string: " + trim(repo.substr(repo.starts_with("#") ? 1 : 0)));
    auto dump = [](const SourceFiles& fs) {
      std::map<std::string, std::string> d;
      for (const auto& [p, lines] : fs)
        if (!lines.empty()) d[p] = render(lines);
      return d;
    };
    const auto before = dump(files);
    std::set<std::string> new_files;
    if (state == "present") {
      bool found = false;
      for (auto& [p, lines] : files)
        for (auto& l : lines)
          if (l.valid && l.source == wanted.source) l.enabled = true, found = true;
      if (!found) {
        std::string file = args["filename"].is_null() ? suggested_file(wanted.source)
                                                      : to_display_string(args["filename"]) + ".list";
        if (file.find('/') == std::string::npos) file = read.get("parts") + "/" + file;
        auto it = std::find_if(files.begin(), files.end(), [&](const auto& f) { return f.first == file; });
        if (it == files.end()) it = files.insert(files.end(), {file, {}});
        Line l = wanted;
        l.comment.clear();
        it->second.push_back(l);
        new_files.insert(file);
      }
    } else {
      // Ansible pops by original line number while iterating the same list.
      for (auto& [p, lines] : files) {
        std::vector<size_t> numbers(lines.size());
        for (size_t i = 0; i < numbers.size(); ++i) numbers[i] = i;
        for (size_t i = 0; i < lines.size(); ++i)
          if (lines[i].valid && lines[i].enabled && lines[i].source == wanted.source && numbers[i] < lines.size()) {
            size_t n = numbers[i];
            lines.erase(lines.begin() + static_cast<long>(n));
            numbers.erase(numbers.begin() + static_cast<long>(n));
          }
      }
    }
    const auto after = dump(files);
    const bool changed = before != after;
    Value diff = Value::object();
    if (changed && ctx.diff_mode) {
      diff = Value::array();
      std::set<std::string> names;
      for (const auto& [p, t] : before) names.insert(p);
      for (const auto& [p, t] : after) names.insert(p);
      for (const auto& p : names)
        diff.push_back({{"before", before.count(p) ? before.at(p) : ""},
                        {"after", after.count(p) ? after.at(p) : ""},
                        {"before_header", before.count(p) ? p : "/dev/null"},
                        {"after_header", after.count(p) ? p : "/dev/null"}});
    }
    if (changed && !ctx.check_mode) {
      std::string mode = "0644";
      if (!args["mode"].is_null()) {
        try {
          mode = files::attrs_from_args(Value{{"mode", args["mode"]}}).mode;
        } catch (const Error& e) {
          return failed_result(e.message());
        }
      }
      std::string steps, revert;
      for (const auto& [p, lines] : files) {
        std::string text = render(lines);
        const bool had = raw.count(p) != 0;
        if (lines.empty()) {
          if (had) steps += "rm -f -- " + shell_quote(p) + "\n";
        } else if (!had || raw[p] != text) {
          steps += "_put " + shell_quote(p) + " " + shell_quote(text) + " " + (new_files.count(p) ? shell_quote(mode) : "''") + "\n";
        }
        revert += had ? "printf '%s' " + shell_quote(raw[p]) + " > " + shell_quote(p) + "\n" : "rm -f -- " + shell_quote(p) + "\n";
      }
      ScriptAnswer save = run_answer_script(
          ctx, shell_assign("steps", steps) + shell_assign("revert", revert) +
                   shell_assign("update", args["update_cache"]) +
                   shell_assign("retries", args["update_cache_retries"]) +
                   shell_assign("max_delay", args["update_cache_retry_max_delay"]) + kSaveBody);
      failure = script_failure(save);
      if (!failure.is_null()) return failure;
    }
    return Value{{"changed", changed}, {"repo", repo}, {"state", state}, {"diff", diff}};
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration apt_repository_registration({"apt_repository"}, make_module<AptRepositoryModule>);

}  // namespace drover
