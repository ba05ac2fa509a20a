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
#include "modules/registry.hpp"
#include "modules/file_attrs.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

const char* kSkipCreates = "\x1e" "drover-script-creates\x1e";
const char* kSkipRemoves = "\x1e" "drover-script-removes\x1e";

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

  Value run(const Value& args, ModuleContext& ctx) const override {
    std::string raw = args["_raw_params"].is_string() ? args["_raw_params"].get<std::string>() : "";
    if (raw.empty() && args["cmd"].is_string()) raw = args["cmd"].get<std::string>();
    raw = std::string(trim(raw));
    std::vector<std::string> parts = shlex_split(raw);
    if (parts.empty()) return failed_result("script requires a script path (free form or cmd)");
    std::string chdir = args["chdir"].is_string() ? args["chdir"].get<std::string>() : "";
    if (!chdir.empty() && chdir[0] != '/')
      return failed_result("chdir " + chdir + " must be an absolute path for a Unix-aware remote node");
    std::string source = files::find_controller_file(ctx.search_path, "files", parts[0]);
    if (source.empty()) return files::controller_file_missing(ctx.search_path, "files", parts[0]);
    std::ifstream in(source, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    if (!in.good() && !in.eof()) return failed_result("Could not read '" + source + "' on the Ansible Controller.");
    std::string script_text = content.str();
    if (args["decrypt"] != false) script_text = decrypt_if_vaulted(std::move(script_text), source);

    std::string guards;
    if (args["creates"].is_string())
      guards += "[ -e " + shell_quote(args["creates"].get<std::string>()) + " ] && { printf '%s' '" + kSkipCreates +
                "'; exit 0; }\n";
    if (args["removes"].is_string())
      guards += "[ -e " + shell_quote(args["removes"].get<std::string>()) + " ] || { printf '%s' '" + kSkipRemoves +
                "'; exit 0; }\n";
    bool guarded = !guards.empty();
    if (ctx.check_mode && !guarded) {
      return Value{{"changed", false}, {"skipped", true}, {"msg", "Check mode is not supported for this task."}};
    }

    // The script replaces its name in the command line; the rest keeps its
    // quoting, as Ansible does.
    std::string base = source.substr(source.rfind('/') + 1);
    std::string rest = raw.substr(raw.find(parts[0]) + parts[0].size());
    std::string run_line = (args["executable"].is_string() ? args["executable"].get<std::string>() + " " : "") +
                           "\"$_t\"/" + shell_quote(base) + rest;
    std::string script = guards;
    if (ctx.check_mode) {
      script += "exit 0\n";
    } else {
      script += "_t=$(mktemp -d \"${TMPDIR:-/tmp}/drover-script.XXXXXX\") || exit 1\n"
                "cat > \"$_t\"/" + shell_quote(base) + " && chmod 700 \"$_t\"/" + shell_quote(base) +
                " || { rm -rf \"$_t\"; exit 1; }\n" +
                (chdir.empty() ? "" : "cd " + shell_quote(chdir) + " || { rm -rf \"$_t\"; exit 1; }\n") +
                "( " + run_line + " ) </dev/null\n_rc=$?; rm -rf \"$_t\"; exit $_rc\n";
    }
    ExecResult res = run_script(ctx, script, ctx.check_mode ? std::string() : script_text);
    if (res.out == kSkipCreates)
      return Value{{"changed", false}, {"skipped", true},
                   {"msg", args["creates"].get<std::string>() + " exists, matching creates option"}};
    if (res.out == kSkipRemoves)
      return Value{{"changed", false}, {"skipped", true},
                   {"msg", args["removes"].get<std::string>() + " does not exist, matching removes option"}};
    if (ctx.check_mode) return Value{{"changed", true}};
    return command_output_result(res);
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration script_registration({"script"}, make_module<ScriptModule>);

}  // namespace drover
