// ini_file: one option (or a whole section) in an INI-style file
// (community.general.ini_file as shipped in Debian 12's ansible 7, i.e.
// community.general 6.6): section (none: before the first section), option,
// value / values, state, exclusive, no_extra_spaces, allow_no_value, create,
// backup and the file attributes (mode, owner, group).
//
// The edit is computed here, line by line in Ansible's order, on the text a
// first round trip reads; files::apply_text_edit writes it (atomically, with
// backup and attributes) only when it changed. Quirks kept on purpose,
// because users' files depend on them: a commented-out "#opt = v" counts as
// the option when present, a section matches by prefix ("[a" matches
// "[ab]"), an empty new file starts with a blank line, and a missing final
// newline is a change. The result is changed, msg, path, diff (before/after
// text, empty without --diff) and backup_file.
#include <vector>

#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"
#include "modules/file_write.hpp"

namespace drover {
namespace {

using Lines = std::vector<std::string>;

// Ansible's match_opt / match_active_opt: `[#;]?[ \t]*OPTION[ \t]*(=|$)[ \t]*(.*)`
// anchored at the start; returns the value (group 6) when the line matches.
std::optional<std::string> match_option(const std::string& option, const std::string& line, bool commented_too) {
  if (option.empty()) return std::nullopt;
  size_t i = 0;
  if (commented_too && i < line.size() && (line[i] == '#' || line[i] == ';')) ++i;
  auto blanks = [&] {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  };
  blanks();
  if (line.compare(i, option.size(), option) != 0) return std::nullopt;
  i += option.size();
  blanks();
  // Python's `$` also matches just before a final newline.
  if (i == line.size() || (line[i] == '\n' && i + 1 == line.size())) return std::string();
  if (line[i] != '=') return std::nullopt;
  ++i;
  blanks();
  size_t end = line.find('\n', i);
  return line.substr(i, end == std::string::npos ? std::string::npos : end - i);
}

// `^[ \t]*([#;].*)?$`: a blank or comment line.
bool blank_or_comment(const std::string& line) {
  size_t i = line.find_first_not_of(" \t");
  if (i == std::string::npos) return true;
  return line[i] == '#' || line[i] == ';' || line.compare(i, std::string::npos, "\n") == 0;
}

// Python's text-mode readlines() with encoding utf-8-sig: the BOM dropped,
// universal newlines, lines keep their "\n".
Lines read_lines(std::string text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  Lines out;
  std::string cur;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      c = '\n';
    }
    cur += c;
    if (c == '\n') out.push_back(std::move(cur)), cur.clear();
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

struct IniRequest {
  std::string section;  // empty: before the first section
  std::string option;
  std::vector<std::string> values;  // deduplicated
  bool present = true;
  bool exclusive = true;
  bool no_extra_spaces = false;
  bool allow_no_value = false;
};

struct IniEdit {
  std::string text;
  bool changed = false;
  std::string msg = "OK";
};

// Ansible's do_ini() on the file's lines, decision for decision.
IniEdit edit_ini(Lines ini, const IniRequest& rq) {
  IniEdit e;
  std::vector<std::string> values = rq.values;
  if (ini.empty()) ini.push_back("\n");
  if (ini.back().empty() || ini.back().back() != '\n') {
    ini.back() += "\n";
    e.changed = true;
  }
  // A section no file has, so that "no section" is handled as a section.
  const std::string fake = "ad01e11446efb704fcdbdb21f2c43757423d91c5";
  ini.insert(ini.begin(), "[" + fake + "]");
  ini.push_back("[");
  const std::string section = rq.section.empty() ? fake : rq.section;
  const std::string& option = rq.option;
  auto assignment = [&](const std::string& v) { return option + (rq.no_extra_spaces ? "=" : " = ") + v + "\n"; };

  bool within = false;
  size_t start = 0, end = 0;
  for (size_t i = 0; i < ini.size(); ++i) {
    if (ini[i].starts_with("[" + section + "]")) {
      within = true;
      start = i;
    } else if (ini[i].starts_with("[") && within) {
      end = i;
      break;
    }
  }
  Lines before(ini.begin(), ini.begin() + static_cast<long>(start));
  Lines lines(ini.begin() + static_cast<long>(start), ini.begin() + static_cast<long>(end));
  Lines after(ini.begin() + static_cast<long>(end), ini.end());
  std::vector<bool> touched(lines.size(), false);
  auto update = [&](size_t i, const std::string& line) {
    if (lines[i] != line) {
      e.changed = true;
      e.msg = "option changed";
    }
    lines[i] = line;
    touched[i] = true;
  };

  bool no_value_present = false;
  if (rq.present && !option.empty()) {
    for (size_t i = 0; i < lines.size(); ++i) {
      auto v = match_option(option, lines[i], true);
      if (!v) continue;
      auto hit = std::find(values.begin(), values.end(), *v);
      if (!values.empty() && hit != values.end()) {
        if (v->empty() && rq.allow_no_value) {
          update(i, option + "\n");
          no_value_present = true;
        } else {
          update(i, assignment(*v));
        }
        values.erase(hit);
      } else if (values.empty() && rq.allow_no_value) {
        update(i, option + "\n");
        no_value_present = true;
        break;
      }
    }
  }
  if (rq.present && rq.exclusive && !rq.allow_no_value) {
    for (size_t i = 0; i < lines.size() && !values.empty(); ++i) {
      if (!touched[i] && match_option(option, lines[i], true)) {
        update(i, assignment(values.front()));
        values.erase(values.begin());
      }
    }
    for (size_t i = lines.size(); i-- > 1;) {
      if (!touched[i] && match_option(option, lines[i], true)) {
        lines.erase(lines.begin() + static_cast<long>(i));
        touched.erase(touched.begin() + static_cast<long>(i));
        e.changed = true;
        e.msg = "option changed";
      }
    }
  }
  if (rq.present) {
    for (size_t i = lines.size(); i > 0; --i) {
      if (blank_or_comment(lines[i - 1])) continue;
      if (!option.empty() && !values.empty()) {
        for (auto v = values.rbegin(); v != values.rend(); ++v)
          lines.insert(lines.begin() + static_cast<long>(i), assignment(*v));
        e.msg = "option added";
        e.changed = true;
      } else if (!option.empty() && values.empty() && rq.allow_no_value && !no_value_present) {
        lines.insert(lines.begin() + static_cast<long>(i), option + "\n");
        e.msg = "option added";
        e.changed = true;
      }
      break;
    }
  } else if (!option.empty()) {
    Lines kept;
    for (const auto& l : lines) {
      auto v = match_option(option, l, false);
      bool drop = v && (rq.exclusive || std::find(values.begin(), values.end(), *v) != values.end());
      if (!drop) kept.push_back(l);
    }
    if ((rq.exclusive || !values.empty()) && kept != lines) {
      e.changed = true;
      e.msg = "option changed";
      lines = std::move(kept);
    }
  } else if (!lines.empty()) {
    lines.clear();
    e.msg = "section removed";
    e.changed = true;
  }

  Lines out = std::move(before);
  out.insert(out.end(), lines.begin(), lines.end());
  out.insert(out.end(), after.begin(), after.end());
  out.erase(out.begin());
  out.pop_back();
  if (!within && rq.present) {
    out.push_back("[" + section + "]\n");
    e.msg = "section and option added";
    if (!option.empty() && !values.empty()) {
      for (const auto& v : values) out.push_back(assignment(v));
    } else if (!option.empty() && rq.allow_no_value) {
      out.push_back(option + "\n");
    } else {
      e.msg = "only section added";
    }
    e.changed = true;
  }
  for (const auto& l : out) e.text += l;
  return e;
}

class IniFileModule : public Module {
 public:
  IniFileModule() {
    spec_.options = {
        opt("path", OptionType::path).req().alias({"dest"}),
        opt("section"),
        opt("option"),
        opt("value"),
        opt("values", OptionType::list).of(OptionType::str),
        opt("backup", OptionType::boolean).def(false),
        opt("state").def("present").one_of({"absent", "present"}),
        opt("exclusive", OptionType::boolean).def(true),
        opt("no_extra_spaces", OptionType::boolean).def(false),
        opt("allow_no_value", OptionType::boolean).def(false),
        opt("create", OptionType::boolean).def(true),
        opt("mode", OptionType::octal_mode),
        opt("owner"),
        opt("group"),
        opt("unsafe_writes", OptionType::boolean).def(false),
        opt("attributes").alias({"attr"}),
        opt("seuser"), opt("serole"), opt("setype"), opt("selevel"),
    };
    spec_.mutually_exclusive = {{"value", "values"}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string path = args["path"].get<std::string>();
    IniRequest rq;
    rq.present = args["state"] == "present";
    rq.exclusive = args["exclusive"] == true;
    rq.no_extra_spaces = args["no_extra_spaces"] == true;
    rq.allow_no_value = args["allow_no_value"] == true;
    if (args["section"].is_string()) rq.section = args["section"].get<std::string>();
    if (args["option"].is_string()) rq.option = args["option"].get<std::string>();
    std::vector<std::string> values =
        args["value"].is_null() ? string_list(args["values"]) : std::vector<std::string>{to_display_string(args["value"])};
    if (rq.present && !rq.allow_no_value && values.empty())
      return failed_result("Parameter 'value(s)' must be defined if state=present and allow_no_value=False.");
    for (const auto& v : values)
      if (std::find(rq.values.begin(), rq.values.end(), v) == rq.values.end()) rq.values.push_back(v);

    files::RemoteText file = files::read_remote_file(ctx, path);
    if (!file.failure.is_null()) return file.failure;
    if (!file.exists && args["create"] != true)
      return Value{{"failed", true}, {"rc", 257}, {"msg", "Destination " + path + " does not exist!"}};
    IniEdit e = edit_ini(read_lines(file.content), rq);
    Value diff{{"before", ""}, {"after", ""}, {"before_header", path + " (content)"}, {"after_header", path + " (content)"}};
    if (ctx.diff_mode) {
      diff["before"] = file.content.starts_with("\xEF\xBB\xBF") ? file.content.substr(3) : file.content;
      diff["after"] = e.text;
    }
    bool changed = e.changed;
    std::string backup_file;
    if (!ctx.check_mode && (file.exists || e.changed)) {
      // Attributes apply after the write, and only to a file that exists.
      files::EditOutcome out = files::apply_text_edit(ctx, args, {path, e.text, e.changed, e.msg});
      if (!out.failure.is_null()) return out.failure;
      changed = out.changed;
      backup_file = out.backup_file;
    }
    Value r{{"changed", changed}, {"diff", diff}, {"msg", e.msg}, {"path", path}};
    if (!backup_file.empty()) r["backup_file"] = backup_file;
    // AnsibleModule adds the file's attributes to a result with "path".
    ScriptAnswer st = run_answer_script(ctx, shell_assign("path", path) + "_out stat \"$(_dr_stl \"$path\")\"\n");
    add_path_info(r, st.get("stat"));
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration ini_file_registration({"ini_file", "community.general.ini_file"}, make_module<IniFileModule>);

}  // namespace drover
