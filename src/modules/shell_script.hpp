// What every module needs to build and run its one shell round trip:
// environment exports, controller timestamps, running the script with the
// task's become and timeout, and turning output into Ansible's fields.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/value.hpp"
#include "modules/module.hpp"

namespace drover {

// `export K='v'; ` for each entry of the task environment. Throws Error for
// a name that is not a valid shell variable name.
std::string environment_exports(const Value& environment);

// A name the shell can hold as a variable: [A-Za-z_][A-Za-z0-9_]*.
bool is_shell_name(const std::string& name);

// Set before a script whose words expand variables (expanding_word): the
// characters that an unset variable leaves as they were, kept out of the
// shell's own parsing.
inline constexpr const char* kExpandHelpers = "__drover_d='$' __drover_l='{' __drover_r='}'; ";

// `w` as a shell word that the target's shell expands as Ansible expands
// command arguments and `path` options (os.path.expandvars, then
// expanduser): $NAME and ${NAME} take the variable's value when the
// environment has it and stay as written when not; a leading ~ or ~user/
// becomes the home directory. Everything else is quoted: nothing in `w` runs.
// `uses_helpers` is set when the word needs kExpandHelpers.
std::string expanding_word(const std::string& w, bool& uses_helpers);

// Runs `script` on the target with the context's become, timeout and
// environment, sending `stdin_data` on the same channel.
ExecResult run_script(ModuleContext& ctx, const std::string& script, std::string stdin_data = {});
// The same for a script of drover's own that starts no process outliving
// it (the file modules): the connection may run it in its persistent shell
// (ExecOptions::own_script), which saves the target a process start.
ExecResult run_own_script(ModuleContext& ctx, const std::string& script, std::string stdin_data = {});
// The same for big input shared between hosts (a controller file): handed to
// the connection in chunks instead of copied whole for every host. `input`
// must outlive the call.
ExecResult run_script_streaming(ModuleContext& ctx, const std::string& script, std::string_view input);

// Waits `seconds` on the controller; false (early) when `cancel` (a
// ModuleContext's cancel, may be null) is set.
bool wait_unless_cancelled(const std::atomic<bool>* cancel, double seconds);

// Python's str(datetime.now()) and str(timedelta), which Ansible returns in
// start/end/delta: "2026-11-25 04:28:16.123456", "0:00:00.003456".
std::string format_timestamp(std::chrono::system_clock::time_point t);
std::string format_delta(std::chrono::system_clock::duration d);

// Adds stdout_lines/stderr_lines as Ansible's action plugins do.
void add_output_lines(Value& result);

// The result of raw and script: rc (minus the signal number when killed),
// stdout, stderr and their _lines, changed; failed with Ansible's message on
// a timeout or a non-zero rc.
Value command_output_result(const ExecResult& res);

// SIGKILL -> 9 for the names libssh and the local transport report.
int signal_number(const std::string& name);

// Removes trailing "\r" and "\n" as Python's rstrip("\r\n").
std::string rstrip_newlines(std::string s);

}  // namespace drover
