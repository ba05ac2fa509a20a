// command and shell: run a program on the target (ansible.builtin.command,
// ansible.builtin.shell), ansible-core 2.14 semantics: creates/removes
// (globs) skip the run, chdir, stdin, strip_empty_ends, check mode that runs
// nothing, rc != 0 is a failure with "non-zero return code".
#include <algorithm>
#include <chrono>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "modules/module_args.hpp"
#include "modules/registry.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

// Printed instead of running when creates/removes say not to; the command
// never ran, so stdout is exactly this.
constexpr const char* kCreatesMarker = "\x1e" "drover-creates\x1e";
constexpr const char* kRemovesMarker = "\x1e" "drover-removes\x1e";
constexpr const char* kChdirMarker = "\x1e" "drover-chdir\x1e";
constexpr const char* kNotFoundMarker = "\x1e" "drover-notfound\x1e";

// A glob for the shell: everything quoted except the wildcard characters, so
// that a path with spaces or quotes still works and only * ? [ ] expand.
std::string shell_glob(const std::string& pattern) {
  std::string out;
  for (char c : pattern) {
    if (c == '*' || c == '?' || c == '[' || c == ']')
      out += c;
    else if (std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '-' || c == '_')
      out += c;
    else
      out += std::string("\\") + c;
  }
  return out;
}

// Shell that prints `marker` and exits when `glob` matches something
// (skip_if_exists) or matches nothing (!skip_if_exists).
std::string glob_guard(const std::string& glob, bool skip_if_exists, const char* marker) {
  return "_d=; for _f in " + shell_glob(glob) + "; do { [ -e \"$_f\" ] || [ -L \"$_f\" ]; } && _d=1; done; [ " +
         (skip_if_exists ? "-n" : "-z") + " \"$_d\" ] && { printf '%s' '" + marker + "'; exit 0; }; ";
}

// Set before a command whose words expand variables: the characters that an
// unset variable leaves as they were, kept out of the shell's own parsing.
constexpr const char* kExpandHelpers = "__drover_d='$' __drover_l='{' __drover_r='}'; ";

// One argument of `command` as a shell word that the target's shell expands
// as Ansible's run_command does (os.path.expandvars, then expanduser): $NAME
// and ${NAME} take the variable's value when the environment has it and stay
// as written when not; a leading ~ or ~user/ becomes the home directory.
// Everything else is quoted. `uses_helpers` is set when the word needs
// kExpandHelpers.
std::string expanding_word(const std::string& w, bool& uses_helpers) {
  std::string out;
  size_t pos = 0;
  if (!w.empty() && w[0] == '~') {
    size_t slash = w.find('/', 1);
    std::string user = w.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
    bool portable = std::all_of(user.begin(), user.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    });
    if (portable) {
      out = "~" + user;
      pos = 1 + user.size();
      if (slash != std::string::npos) {
        out += "/";
        pos = slash + 1;
      }
    }
  }
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) out += shell_quote(literal);
    literal.clear();
  };
  while (pos < w.size()) {
    if (w[pos] == '$' && pos + 1 < w.size()) {
      std::string name;
      size_t end = pos + 1;
      bool braced = w[end] == '{';
      if (braced) {
        size_t close = w.find('}', end + 1);
        if (close != std::string::npos) {
          name = w.substr(end + 1, close - end - 1);
          end = close + 1;
        }
      } else {
        while (end < w.size() && (std::isalnum(static_cast<unsigned char>(w[end])) || w[end] == '_')) ++end;
        name = w.substr(pos + 1, end - pos - 1);
      }
      if (is_shell_name(name)) {
        flush();
        uses_helpers = true;
        out += braced ? "\"${" + name + "-${__drover_d}${__drover_l}" + name + "${__drover_r}}\""
                      : "\"${" + name + "-${__drover_d}" + name + "}\"";
        pos = end;
        continue;
      }
    }
    literal += w[pos++];
  }
  flush();
  return out.empty() ? "''" : out;
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
    std::string run_line;
    if (shell) {
      r["cmd"] = raw;
      std::string exe = args.has("executable") ? args.str("executable") : "/bin/sh";
      run_line = "exec " + shell_quote(exe) + " -c " + shell_quote(raw);
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
      run_line = std::string(uses_helpers ? kExpandHelpers : "") + "command -v " + expanding[0] +
                 " >/dev/null 2>&1 || { printf '%s' '" + kNotFoundMarker + "'; exit 2; }; exec " + join(expanding, " ");
    }

    std::string guards;
    const std::string creates = args.str("creates");
    const std::string removes = args.str("removes");
    if (args.has("chdir")) {
      // -P: the physical directory, as Python's os.chdir leaves it ($PWD has no symlinks).
      guards += "cd -P " + shell_quote(args.str("chdir")) + " 2>/dev/null || { printf '%s' '" +
                kChdirMarker + "'; exit 1; }; ";
    }
    if (!creates.empty()) guards += glob_guard(creates, true, kCreatesMarker);
    if (!removes.empty()) guards += glob_guard(removes, false, kRemovesMarker);

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
        ExecResult res = run_script(ctx, guards + "exit 0");
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
    ExecResult res = run_script(ctx, guards + run_line, input);
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
