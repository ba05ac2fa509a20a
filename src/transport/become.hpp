// Become (sudo, su): the command line that runs a command as another user,
// and the dialog with the become program (password prompt, success marker)
// that both transports drive from their output loops.
//
// Without a password no dialog is needed: sudo runs with -n (it fails at
// once instead of prompting) and the command's stdin flows straight through.
// With a password the command first prints a random success marker as the
// new user; until the marker is seen the connection holds the caller's stdin
// back, answers the prompt with the password once, and treats a second prompt
// as a wrong password (so a bad password fails at once, never hangs). The
// password is written only to the become program's stdin: never on a command
// line, never into results or messages.
#pragma once

#include <string>
#include <string_view>

#include "transport/connection.hpp"

namespace drover {

struct BecomePlan {
  std::string command;      // the full command line to run
  bool needs_pty = false;   // su reads its password from a terminal
  bool dialog = false;      // prompt/marker handling is needed
  std::string prompt;       // sudo: the exact prompt it prints on stderr
  std::string marker;       // printed on stdout when the new user's shell runs
};

// The command line that runs `command` as become.user. Without become the
// plan is the command itself.
BecomePlan plan_become(const BecomeSpec* become, const std::string& command);

// Follows the become program's output until the command itself runs.
class BecomeDialog {
 public:
  BecomeDialog(const BecomePlan& plan, const std::string& password, std::string method);

  // Feed output as it arrives; each returns what belongs to the command's
  // own output (prompts and the marker removed).
  std::string on_stdout(std::string_view data);
  std::string on_stderr(std::string_view data);

  // The bytes to write to stdin now (the password and a newline), once; empty
  // otherwise.
  std::string take_reply();
  // True once the command runs as the new user: stdin may flow.
  bool running() const { return state_ == State::running; }
  bool failed() const { return state_ == State::failed; }
  // Call when the command has exited: output held back while waiting for the
  // marker is released into `out`/`err`, and the become failure, if any, is
  // returned ("Incorrect sudo password", "Missing sudo password", ...).
  std::string finish(std::string& out, std::string& err, int exit_status);

 private:
  enum class State { waiting, running, failed };
  void check_prompt(std::string& buffer);

  BecomePlan plan_;
  std::string password_;
  std::string method_;
  State state_;
  int prompts_ = 0;
  bool reply_pending_ = false;
  std::string held_out_;
  std::string held_err_;
  std::string failure_;
};

}  // namespace drover
