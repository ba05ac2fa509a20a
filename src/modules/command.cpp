// command and shell: run a program on the target (ansible.builtin.command,
// ansible.builtin.shell), ansible-core 2.14 semantics: creates/removes
// (globs) skip the run, chdir, stdin, strip_empty_ends, check mode that runs
// nothing, rc != 0 is a failure with "non-zero return code".
#include <algorithm>
#include <chrono>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

// Printed instead of running when creates/removes say not to; the command
// never ran, so stdout is exactly this. kCommandBody prints the same bytes
// (\036 is \x1e).
constexpr const char* kCreatesMarker = "\x1e" "drover-creates\x1e";
constexpr const char* kRemovesMarker = "\x1e" "drover-removes\x1e";
constexpr const char* kChdirMarker = "\x1e" "drover-chdir\x1e";
constexpr const char* kNotFoundMarker = "\x1e" "drover-notfound\x1e";

// The guards, then the command. Variables: $_c_chdir (with $_c_has_chdir),
// $_c_creates / $_c_removes (Python glob patterns; $_c_creates_magic /
// $_c_removes_magic when they hold a wildcard), $_c_check (stop after the
// guards), $_c_shell with $_c_exe and $_c_raw (shell), $_c_first and
// $_c_line (command: its words, quoted, expanding $NAME as Ansible's
// run_command does). Every _c_ variable is unset before the command's words
// are expanded: a user's `$_c_line` stays as written, as in Ansible.
constexpr const char* kCommandBody = R"SH(
# glob.glob(pattern) is non-empty: a pattern without wildcards names one
# path (exists or is a link); with wildcards it expands unsplit (IFS empty),
# backslashes escaped by the controller, as Python's are literal.
_c_exists() {
  if [ -z "$2" ]; then [ -e "$1" ] || [ -L "$1" ]; return; fi
  _c_found=; IFS=
  for _c_f in $1; do { [ -e "$_c_f" ] || [ -L "$_c_f" ]; } && _c_found=1; done
  unset IFS; [ -n "$_c_found" ]
}
if [ -n "$_c_has_chdir" ]; then cd -P "$_c_chdir" 2>/dev/null || { printf '\036drover-chdir\036'; exit 1; }; fi
if [ -n "$_c_creates" ] && _c_exists "$_c_creates" "$_c_creates_magic"; then printf '\036drover-creates\036'; exit 0; fi
if [ -n "$_c_removes" ] && ! _c_exists "$_c_removes" "$_c_removes_magic"; then printf '\036drover-removes\036'; exit 0; fi
[ -z "$_c_check" ] || exit 0
if [ -n "$_c_shell" ]; then exec "$_c_exe" -c "$_c_raw"; fi
# The double-quoted string is expanded before eval runs it: the words are
# in it, the variables are gone when they expand.
eval "unset _c_chdir _c_has_chdir _c_creates _c_creates_magic _c_removes _c_removes_magic _c_check _c_shell _c_exe _c_raw _c_first _c_line _c_found _c_f
command -v $_c_first >/dev/null 2>&1 || { printf '\036drover-notfound\036'; exit 2; }
exec $_c_line"
)SH";

// Python's glob.has_magic: the pattern holds * ? or [.
bool has_glob_magic(const std::string& pattern) { return pattern.find_first_of("*?[") != std::string::npos; }

// A glob pattern for the shell's pathname expansion: Python's glob takes a
// backslash literally, the shell as an escape.
std::string shell_pattern(const std::string& pattern) {
  std::string out;
  for (char c : pattern) {
    if (c == '\\') out += '\\';
    out += c;
  }
  return out;
}

class CommandModule : public Module {
 public:
  explicit CommandModule(bool shell) : shell_(shell) {
    spec_.options = {
        opt("_raw_params"),
        opt("_uses_shell", OptionType::boolean).def(shell),
        opt("argv", OptionType::list).of(OptionType::str),
        opt("chdir", OptionType::path),
        opt("executable"),
        opt("creates", OptionType::path),
        opt("removes", OptionType::path),
        opt("stdin"),
        opt("stdin_add_newline", OptionType::boolean).def(true),
        opt("strip_empty_ends", OptionType::boolean).def(true),
    };
    if (shell) spec_.options.erase(spec_.options.begin() + 2);  // shell has no argv
  }
  const ArgSpec& spec() const override { return spec_; }
  bool free_form() const override { return true; }
  bool prints_as_command() const override { return true; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    ModuleArgs args(validated);
    Value r = {{"changed", false}, {"stdout", ""}, {"stderr", ""}, {"rc", nullptr}, {"cmd", nullptr},
               {"start", nullptr}, {"end", nullptr}, {"delta", nullptr}, {"msg", ""}};
    bool shell = shell_ || args.flag("_uses_shell");
    std::string raw = args.str("_raw_params");
    const Value argv = shell_ ? Value() : args.value("argv");  // shell has no argv
    bool has_argv = argv.is_array() && !argv.empty();
    if (trim(raw).empty() && !has_argv) {
      r["rc"] = 256;
      r["msg"] = "no command given";
      r["failed"] = true;
      return r;
    }
    if (!raw.empty() && has_argv) {
      r["rc"] = 256;
      r["msg"] = "only command or argv can be given, not both";
      r["failed"] = true;
      return r;
    }
    std::string vars;
    if (shell) {
      r["cmd"] = raw;
      vars += shell_assign("_c_shell", true) +
              shell_assign("_c_exe", args.has("executable") ? args.str("executable") : "/bin/sh") +
              shell_assign("_c_raw", raw);
    } else {
      if (args.has("executable"))
        r["warnings"] = Value::array({"As of Ansible 2.4, the parameter 'executable' is no longer supported with the "
                                      "'command' module. Not using '" + args.str("executable") + "'."});
      std::vector<std::string> words;
      if (has_argv) {
        for (const auto& a : argv) words.push_back(to_display_string(a));
      } else {
        try {
          words = shlex_split(raw);
        } catch (const Error& e) {
          r["msg"] = e.message();
          r["failed"] = true;
          return r;
        }
      }
      r["cmd"] = words;
      bool uses_helpers = false;
      std::vector<std::string> expanding;
      for (const auto& w : words) expanding.push_back(expanding_word(w, uses_helpers));
      if (uses_helpers) vars += kExpandHelpers;
      vars += shell_assign("_c_first", expanding[0]) + shell_assign("_c_line", join(expanding, " "));
    }

    const std::string creates = args.str("creates");
    const std::string removes = args.str("removes");
    vars += shell_assign("_c_has_chdir", args.has("chdir")) + shell_assign("_c_chdir", args.str("chdir"));
    for (const auto& [name, pattern] : {std::pair{"_c_creates", creates}, std::pair{"_c_removes", removes}}) {
      const bool magic = has_glob_magic(pattern);
      vars += shell_assign(name, magic ? shell_pattern(pattern) : pattern) +
              shell_assign(std::string(name) + "_magic", magic);
    }
    const std::string script = vars + shell_assign("_c_check", ctx.check_mode) + kCommandBody;

    const char* shoulda = ctx.check_mode ? "Would" : "Did";
    auto skipped_by_guard = [&](const ExecResult& res) -> bool {
      if (res.out == kCreatesMarker) {
        r["msg"] = std::string(shoulda) + " not run command since '" + creates + "' exists";
        r["stdout"] = "skipped, since " + creates + " exists";
      } else if (res.out == kRemovesMarker) {
        r["msg"] = std::string(shoulda) + " not run command since '" + removes + "' does not exist";
        r["stdout"] = "skipped, since " + removes + " does not exist";
      } else {
        return false;
      }
      r["rc"] = 0;
      return true;
    };

    if (ctx.check_mode) {
      if (!creates.empty() || !removes.empty()) {
        ExecResult res = run_script(ctx, script);
        if (res.out == kChdirMarker) return chdir_failure(r, args);
        if (skipped_by_guard(res)) {
          add_output_lines(r);
          return r;
        }
      }
      r["changed"] = true;
      r["rc"] = 0;
      r["msg"] = "Command would have run if not in check mode";
      if (creates.empty() && removes.empty()) {
        r["skipped"] = true;
        r["changed"] = false;
      }
      add_output_lines(r);
      return r;
    }

    std::string input;
    if (args.has("stdin")) {
      input = args.str("stdin");
      if (args.flag("stdin_add_newline")) input += "\n";
    }
    auto start = std::chrono::system_clock::now();
    ExecResult res = run_script(ctx, script, input);
    auto end = std::chrono::system_clock::now();
    if (res.out == kChdirMarker && res.exit_status == 1) return chdir_failure(r, args);
    if (skipped_by_guard(res)) {
      add_output_lines(r);
      return r;
    }
    if (!shell && res.out == kNotFoundMarker && res.exit_status == 2) {
      // Ansible's run_command fails before the program starts: no times,
      // and cmd is the command line as one quoted string.
      std::vector<std::string> quoted;
      for (const auto& w : r["cmd"]) quoted.push_back(shell_quote(w.get<std::string>()));
      Value missing{{"changed", false}, {"cmd", join(quoted, " ")}, {"rc", 2}, {"stdout", ""}, {"stderr", ""},
                    {"failed", true}};
      missing["msg"] = "[Errno 2] No such file or directory: b'" + r["cmd"][0].get<std::string>() + "'";
      add_output_lines(missing);
      return missing;
    }
    r["changed"] = true;
    r["start"] = format_timestamp(start);
    r["end"] = format_timestamp(end);
    r["delta"] = format_delta(end - start);
    bool strip = args.flag("strip_empty_ends");
    r["stdout"] = strip ? rstrip_newlines(std::move(res.out)) : std::move(res.out);
    r["stderr"] = strip ? rstrip_newlines(std::move(res.err)) : std::move(res.err);
    if (res.timed_out) {
      r["rc"] = -1;
      r["msg"] = "command timed out";
      r["failed"] = true;
    } else if (res.exit_status < 0) {
      // Python's subprocess reports death by signal N as rc -N.
      r["rc"] = -signal_number(res.exit_signal);
    } else {
      r["rc"] = res.exit_status;
    }
    if (r["rc"] != 0 && !r.contains("failed")) {
      r["msg"] = "non-zero return code";
      r["failed"] = true;
    }
    add_output_lines(r);
    return r;
  }

 private:
  static Value chdir_failure(Value& r, const ModuleArgs& args) {
    r["msg"] = "Unable to change directory before execution: [Errno 2] No such file or directory: b'" +
               args.str("chdir") + "'";
    r["failed"] = true;
    add_output_lines(r);
    return r;
  }
  bool shell_;
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration command_registration({"command"}, make_module<CommandModule, false>);
const ModuleRegistration shell_registration({"shell"}, make_module<CommandModule, true>);

}  // namespace drover
