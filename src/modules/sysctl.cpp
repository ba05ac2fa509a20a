// sysctl: a kernel parameter in a sysctl file and, optionally, in the
// running kernel (ansible.posix.sysctl as shipped in Debian 12's ansible 7,
// Linux): state present/absent, value (booleans become 1/0), sysctl_set
// (sysctl -w), reload (sysctl -p FILE), ignoreerrors, sysctl_file. The
// result is only `changed`, as in Ansible.
//
// One round trip reads the running value and the file; the file is
// rewritten here (duplicates dropped, "key=value" lines) and a second round
// trip sets, writes and reloads only when something changes.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

constexpr const char* kReadBody = R"SH(
export LANG=C LC_ALL=C LC_MESSAGES=C
_run sysctl -e -n "$name" && _out proc "$_rout"
[ -f "$file" ] && _out content "$(cat "$file"; printf x)"
exit 0
)SH";

constexpr const char* kWriteBody = R"SH(
export LANG=C LC_ALL=C LC_MESSAGES=C
_bad() { echo "$1" | grep -Eq '^sysctl: setting key "[^"]+": (Invalid argument|Read-only file system)$'; }
if [ -n "$set_proc" ]; then
  if [ -n "$value" ]; then _run sysctl $ign -w "$name=$value"; else _run sysctl $ign -w "$name="; fi
  if [ "$_rrc" != 0 ] || _bad "$_rerr"; then _fail "setting $name failed: $(cat "$_rtmpo" "$_rtmp")
"; fi
fi
if [ -n "$write" ]; then
  _t=$(mktemp "$(dirname "$file")/.ansible_m_sysctl_XXXXXX") || _fail "Failed to write to file $file"
  if [ -e "$file" ]; then cp -p "$file" "$_t"; else chmod 0644 "$_t"; fi
  printf '%s' "$new" > "$_t" && mv -f "$_t" "$file" || { rm -f "$_t"; _fail "Failed to write to file $file"; }
fi
if [ -n "$reload" ]; then
  _run sysctl $ign -p "$file"
  if [ "$_rrc" != 0 ] || _bad "$_rerr"; then _fail "Failed to reload sysctl: $_rout$_rerr"; fi
fi
)SH";

std::string parse_value(const Value& v) {
  if (v.is_null()) return "";
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  std::string s = to_display_string(v);
  std::string low = to_lower(s);
  for (const char* t : {"y", "yes", "on", "1", "true", "t"})
    if (low == t) return "1";
  for (const char* f : {"n", "no", "off", "0", "false", "f"})
    if (low == f) return "0";
  return trim(s);
}

bool values_equal(const std::optional<std::string>& a, const std::string& b) {
  return a && split_whitespace(*a) == split_whitespace(b);
}

class SysctlModule : public Module {
 public:
  SysctlModule() {
    spec_.options = {
        opt("name").req().alias({"key"}),
        opt("value").alias({"val"}),
        opt("state").def("present").one_of({"present", "absent"}),
        opt("reload", OptionType::boolean).def(true),
        opt("sysctl_set", OptionType::boolean).def(false),
        opt("ignoreerrors", OptionType::boolean).def(false),
        opt("sysctl_file", OptionType::path).def("/etc/sysctl.conf"),
    };
    spec_.required_if = {{"state", "present", {"value"}}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string name = trim(to_display_string(args["name"]));
    const bool present = args["state"] == "present";
    if (name.empty()) return failed_result("name cannot be blank");
    if (present && args["value"].is_string() && args["value"].get<std::string>().empty())
      return failed_result("value cannot be blank");
    const std::string value = parse_value(args["value"]);
    const std::string file = args["sysctl_file"].get<std::string>();
    std::string vars = shell_assign("name", name) + shell_assign("file", file);
    ScriptAnswer read = run_answer_script(ctx, vars + kReadBody);
    Value failure = script_failure(read);
    if (!failure.is_null()) return failure;
    std::optional<std::string> proc;
    if (read.has("proc")) proc = read.get("proc");
    std::string content = read.get("content");
    if (!content.empty() && content.back() == 'x') content.pop_back();

    // read_sysctl_file + fix_lines
    std::optional<std::string> file_value;
    std::vector<std::string> fixed, seen;
    for (auto line : split_lines(content)) {
      line = trim(line);
      bool plain = line.empty() || line[0] == '#' || line[0] == ';' || line.find('=') == std::string::npos;
      if (plain) {
        fixed.push_back(line);
        continue;
      }
      auto eq = line.find('=');
      std::string k = trim(line.substr(0, eq)), v = trim(line.substr(eq + 1));
      if (k == name) file_value = v;
      if (std::find(seen.begin(), seen.end(), k) != seen.end()) continue;
      seen.push_back(k);
      if (k != name)
        fixed.push_back(k + "=" + v);
      else if (present)
        fixed.push_back(k + "=" + value);
    }
    if (present && std::find(seen.begin(), seen.end(), name) == seen.end()) fixed.push_back(name + "=" + value);

    bool changed = false, write = false, set_proc = false;
    const bool reload = args["reload"] == true;
    if (!file_value && present) {
      changed = write = true;
    } else if (!file_value) {
      changed = false;
    } else if (!file_value->empty() && !present) {
      changed = write = true;
    } else if (*file_value != value) {
      changed = write = true;
    } else if (reload) {
      if (!values_equal(proc, value)) changed = true;
    }
    if (args["sysctl_set"] == true && present) {
      if (!proc) {
        changed = true;
      } else if (!values_equal(proc, value)) {
        changed = set_proc = true;
      }
    }
    if (!ctx.check_mode && (set_proc || write || (changed && reload))) {
      std::string new_text;
      for (const auto& l : fixed) new_text += trim(l) + "\n";
      ScriptAnswer w = run_answer_script(
          ctx, vars + shell_assign("value", value) + shell_assign("set_proc", set_proc) +
                   shell_assign("write", write) + shell_assign("reload", changed && reload) +
                   shell_assign("new", new_text) +
                   "ign=" + (args["ignoreerrors"] == true ? "-e" : "") + "\n" + kWriteBody);
      Value f = script_failure(w);
      if (!f.is_null()) return f;
    }
    return Value{{"changed", changed}};
  }

 private:
  ArgSpec spec_;
};

}  // namespace

// Not in ansible-core: the ansible.posix collection, by its full name too.
const ModuleRegistration sysctl_registration({"sysctl", "ansible.posix.sysctl"},
                         make_module<SysctlModule>);

}  // namespace drover
