// lineinfile: make sure one line is (or is not) in a text file
// (ansible.builtin.lineinfile, ansible-core 2.14): regexp (Python `re`
// through tmpl::Regex) or search_string picks the line to replace,
// insertafter / insertbefore (regexes, BOF, EOF) where a new one goes,
// backrefs, firstmatch, create, backup, validate, state=absent.
//
// The edit is computed on the controller: a first round trip reads the file,
// a second writes it only when it changes (files::put_content, which also
// applies mode/owner/group). Results: changed, msg, backup, diff as a list of
// the content diff and the file-attribute diff, as Ansible returns them.
#include <vector>

#include "core/error.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "modules/file_write.hpp"
#include "template/regex.hpp"

namespace drover {
namespace {

using Lines = std::vector<std::string>;

Lines split_keep_ends(const std::string& text) {
  // Python's bytes.readlines(): lines end after "\n".
  Lines out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string::npos ? text.size() : nl + 1;
    out.push_back(text.substr(start, end - start));
    start = end;
  }
  return out;
}

std::string rstrip_crlf(const std::string& s) {
  size_t n = s.size();
  while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n')) --n;
  return s.substr(0, n);
}

std::string joined(const Lines& lines) {
  std::string out;
  for (const auto& l : lines) out += l;
  return out;
}

std::shared_ptr<const tmpl::Regex> compile(const Value& v) {
  return v.is_string() ? tmpl::Regex::compile(v.get<std::string>()) : nullptr;
}

struct Edit {
  Lines lines;
  bool changed = false;
  std::string msg;
  long found = -1;  // state=absent: lines removed
};

// Ansible's present(): the same decisions in the same order.
Edit present(Lines lines, const ModuleArgs& args) {
  Edit e;
  auto re = compile(args.value("regexp"));
  const Value& after_v = args.value("insertafter");
  const Value& before_v = args.value("insertbefore");
  std::string insertafter = after_v.is_string() ? after_v.get<std::string>() : "";
  std::string insertbefore = before_v.is_string() ? before_v.get<std::string>() : "";
  std::shared_ptr<const tmpl::Regex> ins;
  if (!insertafter.empty() && insertafter != "BOF" && insertafter != "EOF") ins = tmpl::Regex::compile(insertafter);
  else if (!insertbefore.empty() && insertbefore != "BOF") ins = tmpl::Regex::compile(insertbefore);
  bool firstmatch = args.flag("firstmatch");
  bool has_search = args.has("search_string");
  std::string search = has_search ? args.str("search_string") : "";
  const std::string line = args.str("line");

  long idx_match = -1, idx_ins = -1;
  std::optional<tmpl::RegexMatch> match;
  std::string match_subject;
  bool matched = false;
  for (size_t i = 0; i < lines.size() && (re || has_search); ++i) {
    bool found = false;
    if (re) {
      auto m = re->search(lines[i]);
      if (m) {
        found = true;
        match = m;
        match_subject = lines[i];
      }
    } else {
      found = lines[i].find(search) != std::string::npos;
    }
    if (found) {
      idx_match = static_cast<long>(i);
      matched = true;
      if (firstmatch) break;
    }
  }
  if (!matched) {
    for (size_t i = 0; i < lines.size(); ++i) {
      if (line == rstrip_crlf(lines[i])) {
        idx_match = static_cast<long>(i);
      } else if (ins && ins->search(lines[i])) {
        if (!insertafter.empty()) {
          idx_ins = static_cast<long>(i) + 1;
          if (firstmatch) break;
        }
        if (!insertbefore.empty()) {
          idx_ins = static_cast<long>(i);
          if (firstmatch) break;
        }
      }
    }
  }
  auto add = [&](long at) {
    lines.insert(lines.begin() + at, line + "\n");
    e.msg = "line added";
    e.changed = true;
  };
  bool backrefs = args.flag("backrefs");
  if (idx_match != -1) {
    std::string new_line = backrefs && match ? re->expand(match_subject, *match, line) : line;
    if (new_line.empty() || new_line.back() != '\n') new_line += "\n";
    if (lines[idx_match] != new_line) {
      lines[idx_match] = new_line;
      e.msg = "line replaced";
      e.changed = true;
    }
  } else if (backrefs) {
    // No match and backrefs: leave the file alone.
  } else if (insertbefore == "BOF" || insertafter == "BOF") {
    add(0);
  } else if (insertafter == "EOF" || idx_ins == -1) {
    if (!lines.empty() && lines.back().back() != '\n' && lines.back().back() != '\r') lines.push_back("\n");
    lines.push_back(line + "\n");
    e.msg = "line added";
    e.changed = true;
  } else if (!insertafter.empty() && idx_ins != -1) {
    if (static_cast<long>(lines.size()) == idx_ins) {
      if (rstrip_crlf(lines[idx_ins - 1]) != line) {
        lines.push_back(line + "\n");
        e.msg = "line added";
        e.changed = true;
      }
    } else if (line != rstrip_crlf(lines[idx_ins])) {
      add(idx_ins);
    }
  } else {
    add(idx_ins);
  }
  e.lines = std::move(lines);
  return e;
}

Edit absent(const Lines& lines, const ModuleArgs& args) {
  Edit e;
  auto re = compile(args.value("regexp"));
  bool has_search = args.has("search_string");
  std::string search = has_search ? args.str("search_string") : "";
  std::string line = args.str("line");
  e.found = 0;
  for (const auto& l : lines) {
    bool hit = re ? re->search(l).has_value() : has_search ? l.find(search) != std::string::npos : line == rstrip_crlf(l);
    if (hit) ++e.found;
    else e.lines.push_back(l);
  }
  e.changed = e.found > 0;
  if (e.changed) e.msg = std::to_string(e.found) + " line(s) removed";
  return e;
}

class LineInFileModule : public Module {
 public:
  LineInFileModule() {
    spec_.options = {
        opt("path", OptionType::path).req().alias({"dest", "destfile", "name"}),
        opt("state").def("present").one_of({"absent", "present"}),
        opt("regexp").alias({"regex"}),
        opt("search_string"),
        opt("line").alias({"value"}),
        opt("insertafter"),
        opt("insertbefore"),
        // No default: AnsibleModule checks mutually_exclusive before
        // defaults, and a default false would clash with search_string.
        opt("backrefs", OptionType::boolean),
        opt("create", OptionType::boolean).def(false),
        opt("backup", OptionType::boolean).def(false),
        opt("firstmatch", OptionType::boolean).def(false),
        opt("validate"),
        opt("others"),
    };
    files::add_common_options(spec_);
    spec_.mutually_exclusive = {{"insertbefore", "insertafter"}, {"regexp", "search_string"}, {"backrefs", "search_string"}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    Value r = edit(validated, ctx);
    ModuleArgs args(validated);
    // Ansible's module warns first thing, so every result carries it.
    for (const char* name : {"regexp", "search_string"}) {
      if (!args.has(name) || !args.str(name).empty()) continue;
      std::string what = std::string(name) == "regexp" ? "regular expression" : "search string";
      std::string msg = "The " + what +
                        " is an empty string, which will match every line in the file. This may have unintended "
                        "consequences, such as replacing the last line in the file rather than appending.";
      if (what == "regular expression")
        msg += " If this is desired, use '^' to match every line in the file and avoid this warning.";
      if (!r.contains("warnings")) r["warnings"] = Value::array();
      r["warnings"].push_back(msg);
    }
    return r;
  }

 private:
  Value edit(const Value& validated, ModuleContext& ctx) const {
    ModuleArgs args(validated);
    const std::string path = args.str("path");
    bool present_state = args.str("state") == "present";
    if (args.flag("backrefs") && !args.has("regexp"))
      return failed_result("regexp is required with backrefs=true");
    if (present_state && !args.has("line")) return failed_result("line is required with state=present");
    if (!present_state && !args.has("regexp") && !args.has("search_string") && !args.has("line"))
      return failed_result("one of line, search_string, or regexp is required with state=absent");

    files::RemoteText file = files::read_remote_file(ctx, path);
    if (!file.failure.is_null()) return file.failure;
    if (file.exists && !file.regular) return failed_result("Path " + path + " is a directory !");
    if (!file.exists) {
      if (!present_state) return Value{{"changed", false}, {"msg", "file not present"}};
      if (!args.flag("create")) return Value{{"failed", true}, {"rc", 257}, {"msg", "Destination " + path + " does not exist !"}};
    }
    Edit e;
    try {
      Lines lines = split_keep_ends(file.content);
      e = present_state ? present(std::move(lines), args) : absent(lines, args);
    } catch (const Error& err) {
      return failed_result(err.message());
    }
    Value content_diff{{"before", file.content}, {"after", joined(e.lines)},
                       {"before_header", path + " (content)"}, {"after_header", path + " (content)"}};
    if (!file.exists && ctx.check_mode) {
      Value r{{"changed", e.changed}, {"msg", e.msg}, {"backup", ""}};
      if (ctx.diff_mode) r["diff"] = content_diff;
      return r;
    }
    files::EditOutcome out = files::apply_text_edit(ctx, validated, {path, joined(e.lines), e.changed, e.msg});
    if (!out.failure.is_null()) return out.failure;
    bool changed = out.changed;
    Value r{{"changed", changed}};
    if (!present_state && file.exists) r["found"] = e.found;
    r["msg"] = out.msg;
    r["backup"] = out.backup_file;
    if (ctx.diff_mode) r["diff"] = Value::array({content_diff, out.attr_diff});
    return r;
  }

  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration lineinfile_registration({"lineinfile"}, make_module<LineInFileModule>);

}  // namespace drover
