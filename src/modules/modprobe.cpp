// modprobe: a kernel module loaded or unloaded, and optionally made
// persistent (community.general.modprobe as shipped in Debian 12's ansible
// 7): whether it is loaded comes from /proc/modules, then the kernel's
// modules.builtin; `modprobe [-n] NAME PARAMS` loads it, `modprobe -r`
// unloads it; persistent=present writes /etc/modules-load.d/NAME.conf and
// /etc/modprobe.d/NAME.conf ("options NAME PARAM"), persistent=absent
// comments the module's lines out there, as Ansible does (its quirk of
// rejoining such a file's lines with an extra "\n" kept). The result:
// changed, name, params, state.
//
// The first round trip reads /proc/modules, modules.builtin and the two
// configuration directories; a second one runs what was decided.
#include <algorithm>
#include <set>

#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"
#include "modules/command_steps.hpp"
#include "template/regex.hpp"

namespace drover {
namespace {

constexpr const char* kReadBody = R"SH(
_mp=$(command -v modprobe) || _fail "Failed to find required executable \"modprobe\" in paths: $PATH"
_out tool "$_mp"
[ -r /proc/modules ] || _fail "[Errno 2] No such file or directory: '/proc/modules'"
_out loaded "$(cat /proc/modules)"
_b="/lib/modules/$(uname -r)/modules.builtin"
if [ -r "$_b" ]; then _out builtin "$(cat "$_b")"; else _out no_builtin "$_b"; fi
for _d in /etc/modules-load.d /etc/modprobe.d; do
  for _f in "$_d"/*; do [ -f "$_f" ] && _out "file:$_f" "$(cat -- "$_f"; printf x)"; done
done
exit 0
)SH";

struct Files {
  std::map<std::string, std::string> load, options;  // path -> content
};

class ModprobeModule : public Module {
 public:
  ModprobeModule() {
    spec_.options = {
        opt("name").req(),
        opt("state").def("present").one_of({"absent", "present"}),
        opt("params").def(""),
        opt("persistent").def("disabled").one_of({"disabled", "present", "absent"}),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string name = to_display_string(args["name"]), params = to_display_string(args["params"]);
    const std::string state = args["state"].get<std::string>(), persistent = args["persistent"].get<std::string>();
    Value result{{"changed", false}, {"name", name}, {"params", params}, {"state", state}};
    ScriptAnswer a = run_answer_script(ctx, kReadBody);
    Value failure = script_failure(a);
    if (!failure.is_null()) return failure;
    Files files;
    for (const auto& [k, v] : a.fields) {
      if (!k.starts_with("file:")) continue;
      std::string path = k.substr(5), content = v.substr(0, v.size() - 1);
      (path.starts_with("/etc/modules-load.d/") ? files.load : files.options)[path] = content;
    }
    // module_loaded(): /proc/modules ("name " with - as _), then modules.builtin.
    bool loaded = false;
    std::string under = name;
    std::replace(under.begin(), under.end(), '-', '_');
    for (const auto& l : split_lines(a.get("loaded"))) loaded = loaded || l.starts_with(under + " ");
    if (!loaded && a.has("no_builtin"))
      return failed_result("[Errno 2] No such file or directory: '" + a.get("no_builtin") + "'");
    for (const auto& l : split_lines(a.get("builtin"))) loaded = loaded || trim(l).ends_with("/" + name + ".ko");

    auto module_re = tmpl::Regex::compile("^ *" + name + R"( *(?:[#;].*)?\n?\Z)");
    auto params_re = tmpl::Regex::compile("^options " + name + R"( \w+=\S+ *(?:[#;].*)?\n?\Z)");
    auto value_re = tmpl::Regex::compile("^options " + name + R"( (\w+=\S+) *(?:[#;].*)?\n?\Z)");
    auto any_line = [](const std::map<std::string, std::string>& fs, const std::shared_ptr<const tmpl::Regex>& re) {
      for (const auto& [p, c] : fs)
        for (const auto& l : split_lines_keep_ends(c))
          if (re->match(l)) return true;
      return false;
    };
    auto permanent_params = [&] {
      std::set<std::string> out;
      for (const auto& [p, c] : files.options)
        for (const auto& l : split_lines_keep_ends(c))
          if (auto m = value_re->match(l)) out.insert(m->group(l, 1));
      return out;
    };
    const std::vector<std::string> words = split_whitespace(params);
    const std::set<std::string> desired(words.begin(), words.end());
    const std::string tool = a.get("tool");
    std::string steps;
    bool changed = false;
    if (state == "present" && !loaded) {
      std::vector<std::string> cmd{tool};
      if (ctx.check_mode) cmd.push_back("-n");
      cmd.push_back(name);
      cmd.insert(cmd.end(), words.begin(), words.end());
      steps += command_step(cmd);
      changed = true;  // Ansible: changed in check mode, or when loaded afterwards
    } else if (state == "absent" && loaded) {
      std::vector<std::string> cmd{tool, "-r", name};
      if (ctx.check_mode) cmd.push_back("-n");
      steps += command_step(cmd);
      changed = true;
    }
    // Lines matching `re` commented out, the file rejoined as Ansible does.
    auto comment_out = [&](const std::map<std::string, std::string>& fs, const std::shared_ptr<const tmpl::Regex>& re) {
      for (const auto& [p, c] : fs) {
        auto lines = split_lines_keep_ends(c);
        bool hit = false;
        for (auto& l : lines)
          if (re->match(l)) l = "#" + l, hit = true;
        if (hit) steps += "printf '%s' " + shell_quote(join(lines, "\n")) + " > " + shell_quote(p) + "\n";
      }
    };
    const bool persisted = any_line(files.load, module_re);
    const std::set<std::string> perm = permanent_params();
    if (persistent == "present" && !(persisted && perm == desired)) {
      if (!persisted) {
        steps += "printf '%s\\n' " + shell_quote(name) + " > " + shell_quote("/etc/modules-load.d/" + name + ".conf") + "\n";
        changed = true;
      }
      if (perm != desired) {
        comment_out(files.options, params_re);
        std::string content;
        for (const auto& w : words) content += "options " + name + " " + w + "\n";
        if (content.empty()) content = "\n";
        steps += "printf '%s' " + shell_quote(content) + " > " + shell_quote("/etc/modprobe.d/" + name + ".conf") + "\n";
        changed = true;
      }
    } else if (persistent == "absent" && (persisted || !perm.empty())) {
      if (persisted) comment_out(files.load, module_re);
      if (!perm.empty()) comment_out(files.options, params_re);
      changed = true;
    }
    // Ansible writes the persistence files even in check mode; only the
    // module (un)loading is a dry run there (-n).
    if (!steps.empty()) {
      failure = command_steps_failure(run_answer_script(ctx, std::string(kCommandStepFunction) + steps));
      if (!failure.is_null()) {
        failure.erase("cmd");  // Ansible's failure carries the module's fields instead
        for (const char* k : {"changed", "name", "params", "state"}) failure[k] = result[k];
        return failure;
      }
    }
    result["changed"] = changed;
    return result;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration modprobe_registration({"modprobe", "community.general.modprobe"}, make_module<ModprobeModule>);

}  // namespace drover
