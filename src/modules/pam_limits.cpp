// pam_limits: one limit in /etc/security/limits.conf or a file like it
// (community.general.pam_limits as shipped in Debian 12's ansible 7):
// domain, limit_type, limit_item, value, use_max / use_min, comment, backup,
// dest. The file is edited here, line by line as Ansible does; Ansible's
// quirks are kept because results and files show them: a missing file is
// created (empty) even in check mode, a backup is made whenever asked, a
// trailing comment of an earlier line is carried to the new line when no
// comment is given, and every 4-field line is checked ("Invalid
// configuration found in ..."). The result: changed, msg (the line now in
// the file), diff (before/after, always) and backup_file.
#include <algorithm>

#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

constexpr const char* kReadBody = R"SH(
if [ -f "$dest" ]; then
  [ -w "$dest" ] || _fail "$dest is not writable. Use sudo"
else
  _d=$(dirname -- "$dest")
  if [ -d "$_d" ] && [ -w "$_d" ]; then : >> "$dest" && _out created 1
  else _fail "directory $_d is not writable (check presence, access rights, use sudo)"; fi
fi
_out content "$(cat -- "$dest"; printf x)"
)SH";

// Ansible's backup_local name (FILE.PID.DATE@TIME~) and atomic_move, which
// keeps the file's mode and owner.
constexpr const char* kWriteBody = R"SH(
if [ -n "$backup" ]; then
  _b="$dest.$$.$(date +%Y-%m-%d@%H:%M:%S)~"
  cp -p -- "$dest" "$_b" || _fail "Could not make backup of $dest to $_b"
  _out backup_file "$_b"
fi
if [ -n "$write" ]; then
  _t=$(mktemp "$(dirname -- "$dest")/.ansible_pam_limits_XXXXXX") || _fail "Failed to write $dest"
  cp -p -- "$dest" "$_t" && printf '%s' "$new" > "$_t" && mv -f -- "$_t" "$dest" || { rm -f -- "$_t"; _fail "Failed to write $dest"; }
fi
)SH";

const std::vector<std::string> kItems = {"core",  "data",       "fsize",   "memlock", "nofile",       "rss",
                                         "stack", "cpu",        "nproc",   "as",      "maxlogins",    "maxsyslogins",
                                         "priority", "locks",   "sigpending", "msgqueue", "nice",     "rtprio",
                                         "chroot"};

// Python's repr() of a str, for Ansible's %r in messages.
std::string py_repr(const std::string& s) {
  char quote = s.find('\'') != std::string::npos && s.find('"') == std::string::npos ? '"' : '\'';
  std::string out(1, quote);
  for (char c : s) {
    if (c == '\\' || c == quote) out += '\\';
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else out += c;
  }
  return out + quote;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool unlimited(const std::string& v) { return v == "unlimited" || v == "infinity" || v == "-1"; }

// Ansible's _assert_is_valid_value: empty when `value` suits `item`.
std::string invalid_value(const std::string& item, const std::string& value, const std::string& prefix) {
  if (item == "nice" || item == "priority") {
    std::string t = trim(value);
    std::string digits = !t.empty() && (t[0] == '-' || t[0] == '+') ? t.substr(1) : t;
    if (all_digits(digits)) {
      long long n = std::stoll(t);
      if (n >= -20 && n <= 19) return "";
    }
    return prefix + " Value of " + py_repr(value) + " for item " + py_repr(item) +
           " is invalid. Value must be a number in the range -20 to 19 inclusive. "
           "Refer to the limits.conf(5) manual pages for more details.";
  }
  if (unlimited(value) || all_digits(value)) return "";
  return prefix + " Value of " + py_repr(value) + " for item " + py_repr(item) +
         " is invalid. Value must either be 'unlimited', 'infinity' or -1, all of which indicate no limit, "
         "or a limit of 0 or larger. Refer to the limits.conf(5) manual pages for more details.";
}

// Python's re.sub(r'\s+', ' ', line).strip().
std::string squeezed(const std::string& line) {
  std::string out;
  bool space = false;
  for (char c : line) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

struct LimitsEdit {
  std::string text;
  std::string msg;
  bool changed = false;
  std::string error;  // a failure message
};

LimitsEdit edit_limits(const std::string& content, const std::string& dest, const Value& args) {
  const std::string domain = to_display_string(args["domain"]), type = args["limit_type"].get<std::string>(),
                    item = args["limit_item"].get<std::string>(), value = to_display_string(args["value"]);
  const bool use_max = args["use_max"] == true, use_min = args["use_min"] == true;
  std::string comment = to_display_string(args["comment"]);
  LimitsEdit e;
  std::string new_value = value;
  bool found = false;
  for (const auto& line : split_lines_keep_ends(content)) {
    if (line.starts_with("#")) {
      e.text += line;
      continue;
    }
    std::string norm = squeezed(line);
    if (norm.empty()) {
      e.text += line;
      continue;
    }
    norm = norm.substr(0, norm.find('#'));
    size_t hash = line.find('#');
    std::string old_comment = hash == std::string::npos ? "" : line.substr(hash + 1);
    while (!norm.empty() && std::isspace(static_cast<unsigned char>(norm.back()))) norm.pop_back();
    if (comment.empty()) comment = old_comment;
    std::vector<std::string> f = split(norm, ' ');
    if (f.size() != 4) {
      e.text += line;
      continue;
    }
    e.error = invalid_value(f[2], f[3], "Invalid configuration found in '" + dest + "'.");
    if (!e.error.empty()) return e;
    if (f[0] != domain || f[1] != type || f[2] != item) {
      e.text += line;
      continue;
    }
    found = true;
    const std::string& actual = f[3];
    if (value == actual) {
      e.msg = line;
      e.text += line;
      continue;
    }
    // Ansible compares the limit's type, not its item, with nice/priority:
    // "unlimited" always counts.
    const bool actual_unl = unlimited(actual), value_unl = unlimited(value);
    if (use_max) {
      new_value = actual_unl ? actual : value_unl ? value : std::to_string(std::max(std::stoll(value), std::stoll(actual)));
    }
    if (use_min) {
      if (actual_unl && value_unl) new_value = actual;
      else if (actual_unl) new_value = value;
      else if (value_unl) new_value = actual;
      else new_value = std::to_string(std::min(std::stoll(value), std::stoll(actual)));
    }
    if (new_value != actual) {
      e.changed = true;
      if (!comment.empty()) comment = "\t#" + comment;
      e.msg = domain + "\t" + type + "\t" + item + "\t" + new_value + comment + "\n";
      e.text += e.msg;
    } else {
      e.msg = line;
      e.text += line;
    }
  }
  if (!found) {
    e.changed = true;
    if (!comment.empty()) comment = "\t#" + comment;
    e.msg = domain + "\t" + type + "\t" + item + "\t" + new_value + comment + "\n";
    e.text += e.msg;
  }
  return e;
}

class PamLimitsModule : public Module {
 public:
  PamLimitsModule() {
    spec_.options = {
        opt("domain").req(),
        opt("limit_type").req().one_of({"soft", "hard", "-"}),
        opt("limit_item").req().one_of(kItems),
        opt("value").req(),
        opt("use_max", OptionType::boolean).def(false),
        opt("use_min", OptionType::boolean).def(false),
        opt("backup", OptionType::boolean).def(false),
        opt("dest").def("/etc/security/limits.conf"),
        opt("comment").def(""),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string dest = to_display_string(args["dest"]);
    std::string vars = shell_assign("dest", dest);
    ScriptAnswer read = run_answer_script(ctx, vars + kReadBody);
    Value failure = script_failure(read);
    if (!failure.is_null()) return failure;
    if (args["use_max"] == true && args["use_min"] == true)
      return failed_result("Cannot use use_min and use_max at the same time.");
    std::string invalid =
        invalid_value(args["limit_item"].get<std::string>(), to_display_string(args["value"]), "");
    if (!invalid.empty()) return failed_result(invalid);
    std::string before = read.get("content");
    if (!before.empty()) before.pop_back();  // the "x" that kept trailing newlines
    LimitsEdit e = edit_limits(before, dest, args);
    const bool write = !ctx.check_mode && e.error.empty() && e.text != before;
    std::string backup_file;
    if (args["backup"] == true || write) {
      ScriptAnswer w = run_answer_script(ctx, vars + shell_assign("backup", args["backup"]) +
                                                  shell_assign("write", write) + shell_assign("new", e.text) +
                                                  kWriteBody);
      Value f = script_failure(w);
      if (!f.is_null()) return f;
      backup_file = w.get("backup_file");
    }
    if (!e.error.empty()) return failed_result(e.error);
    Value r{{"changed", e.changed || read.has("created")},
            {"msg", e.msg},
            {"diff", {{"before", before}, {"after", e.text}}}};
    if (args["backup"] == true) r["backup_file"] = backup_file;
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration pam_limits_registration({"pam_limits", "community.general.pam_limits"}, make_module<PamLimitsModule>);

}  // namespace drover
