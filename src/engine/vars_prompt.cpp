#include "engine/vars_prompt.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <mutex>

#include "core/error.hpp"

namespace drover {
namespace {

// One line from the terminal on stdin; echo off when `hide`.
std::string read_terminal_line(bool hide) {
  termios old {};
  bool restored = !hide || tcgetattr(STDIN_FILENO, &old) != 0;
  if (!restored) {
    termios quiet = old;
    quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (!restored) tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  return line;
}

}  // namespace

Value prompt_play_vars(const Value& vars_prompt, const Value& extra_vars, bool interactive_run,
                       PlaybookCallback& callback) {
  Value out = Value::object();
  if (!vars_prompt.is_array()) return out;
  // Prompts of plays running at the same time in one process do not mix.
  static std::mutex terminal_mu;
  bool interactive = interactive_run && isatty(STDIN_FILENO) != 0;
  for (const auto& entry : vars_prompt) {
    if (!entry.is_object() || !entry.contains("name"))
      throw Error("Invalid vars_prompt data structure, missing 'name' key");
    std::string name = to_display_string(entry["name"]);
    if (extra_vars.is_object() && extra_vars.contains(name)) continue;  // -e answers it
    std::string prompt = entry.contains("prompt") ? to_display_string(entry["prompt"]) : name;
    bool hide = !entry.contains("private") || truthy(entry["private"]);
    bool confirm = entry.contains("confirm") && truthy(entry["confirm"]);
    Value dflt = entry.contains("default") ? entry["default"] : Value();
    if (entry.contains("encrypt"))
      callback.warning("vars_prompt '" + name + "': encrypt is not supported by drover; the value stays plain text");
    std::string answer;
    if (interactive) {
      std::lock_guard<std::mutex> lock(terminal_mu);
      std::string shown = prompt + (dflt.is_null() ? "" : " [" + to_display_string(dflt) + "]") + ": ";
      for (;;) {
        callback.display(shown, 0);
        answer = read_terminal_line(hide);
        if (hide) callback.display("", 0);
        if (!confirm) break;
        callback.display("confirm " + shown, 0);
        std::string again = read_terminal_line(hide);
        if (hide) callback.display("", 0);
        if (again == answer) break;
        callback.display("***** VALUES ENTERED DO NOT MATCH ****", 0);
      }
    }
    if (answer.empty() && !dflt.is_null()) out[name] = dflt;
    else out[name] = answer;
  }
  return out;
}

}  // namespace drover
