// script: runs a script from the controller on the target
// (ansible.builtin.script). The script's content goes over the command's
// stdin into a private temporary directory on the target, runs there with
// its arguments (through `executable` when given, else by its #! line) and
// is removed, all in one round trip. creates/removes skip the task as
// Ansible's action plugin does; chdir must be absolute. Output is not run
// through a terminal (Ansible's ssh connection adds a pty and "\r\n").

#include <fstream>
#include <sstream>

#include "core/strings.hpp"
#include "core/vault.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "modules/file_attrs.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

const char* kSkipCreates = "\x1e" "drover-script-creates\x1e";
const char* kSkipRemoves = "\x1e" "drover-script-removes\x1e";

// $_s_creates/$_s_removes (when $_s_has_creates/$_s_has_removes) skip the
// run with a marker the module recognises; in check mode that is all.
// Otherwise the script from stdin becomes "$_t/$_s_base", runs as
// $_s_cmdline (the user's command line, shell syntax, evaluated as
// Ansible's shell would) in $_s_chdir, and is removed. The variables start
// with _s_ so that no name of the task's environment is shadowed.
constexpr const char* kScriptBody = R"SH(if [ -n "$_s_has_creates" ] && [ -e "$_s_creates" ]; then printf '%s' "$_s_skip_creates"; exit 0; fi
if [ -n "$_s_has_removes" ] && [ ! -e "$_s_removes" ]; then printf '%s' "$_s_skip_removes"; exit 0; fi
[ -z "$_s_check" ] || exit 0
_t=$(mktemp -d "${TMPDIR:-/tmp}/drover-script.XXXXXX") || exit 1
cat > "$_t/$_s_base" && chmod 700 "$_t/$_s_base" || { rm -rf "$_t"; exit 1; }
if [ -n "$_s_chdir" ]; then cd "$_s_chdir" || { rm -rf "$_t"; exit 1; }; fi
( eval "$_s_cmdline" ) </dev/null
_rc=$?; rm -rf "$_t"; exit $_rc
)SH";

// The controller file for `name`: absolute, or the first of <dir>/files/name
// and <dir>/name along the task's search path (Ansible's _find_needle).
class ScriptModule : public Module {
 public:
  ScriptModule() {
    spec_.options = {opt("_raw_params"), opt("cmd"),        opt("creates"), opt("removes"),
                     opt("chdir"),       opt("executable"), opt("decrypt", OptionType::boolean).def(true)};
  }
  const ArgSpec& spec() const override { return spec_; }
  bool free_form() const override { return true; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    ModuleArgs args(validated);
    std::string raw = args.str("_raw_params");
    if (raw.empty() && args.has("cmd")) raw = args.str("cmd");
    raw = std::string(trim(raw));
    std::vector<std::string> parts = shlex_split(raw);
    if (parts.empty()) return failed_result("script requires a script path (free form or cmd)");
    std::string chdir = args.str("chdir");
    if (!chdir.empty() && chdir[0] != '/')
      return failed_result("chdir " + chdir + " must be an absolute path for a Unix-aware remote node");
    std::string source = files::find_controller_file(ctx.search_path, "files", parts[0]);
    if (source.empty()) return files::controller_file_missing(ctx.search_path, "files", parts[0]);
    std::ifstream in(source, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    if (!in.good() && !in.eof()) return failed_result("Could not read '" + source + "' on the Ansible Controller.");
    std::string script_text = content.str();
    if (args.flag("decrypt")) script_text = decrypt_if_vaulted(std::move(script_text), source);

    bool guarded = args.has("creates") || args.has("removes");
    if (ctx.check_mode && !guarded) {
      return Value{{"changed", false}, {"skipped", true}, {"msg", "Check mode is not supported for this task."}};
    }

    // The script replaces its name in the command line; the rest keeps its
    // quoting, as Ansible does.
    std::string base = source.substr(source.rfind('/') + 1);
    // The rest starts where the first (shell-quoted) word ends.
    size_t end = 0;
    for (char quote = 0; end < raw.size(); ++end) {
      char c = raw[end];
      if (quote) {
        if (c == quote) quote = 0;
        else if (c == '\\' && quote == '"' && end + 1 < raw.size()) ++end;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '\\' && end + 1 < raw.size()) {
        ++end;
      } else if (c == ' ' || c == '\t' || c == '\n') {
        break;
      }
    }
    std::string rest = raw.substr(end);
    std::string run_line = (args.has("executable") ? args.str("executable") + " " : "") +
                           "\"$_t\"/" + shell_quote(base) + rest;
    std::string script = shell_assign("_s_has_creates", args.has("creates")) + shell_assign("_s_creates", args.str("creates")) +
                         shell_assign("_s_has_removes", args.has("removes")) + shell_assign("_s_removes", args.str("removes")) +
                         shell_assign("_s_skip_creates", kSkipCreates) + shell_assign("_s_skip_removes", kSkipRemoves) +
                         shell_assign("_s_check", ctx.check_mode) + shell_assign("_s_base", base) +
                         shell_assign("_s_chdir", chdir) + shell_assign("_s_cmdline", run_line) + kScriptBody;
    ExecResult res = run_script(ctx, script, ctx.check_mode ? std::string() : script_text);
    if (res.out == kSkipCreates)
      return Value{{"changed", false}, {"skipped", true},
                   {"msg", args.str("creates") + " exists, matching creates option"}};
    if (res.out == kSkipRemoves)
      return Value{{"changed", false}, {"skipped", true},
                   {"msg", args.str("removes") + " does not exist, matching removes option"}};
    if (ctx.check_mode) return Value{{"changed", true}};
    return command_output_result(res);
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration script_registration({"script"}, make_module<ScriptModule>);

}  // namespace drover
