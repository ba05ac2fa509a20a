// The wire format of a connection's persistent shell: how one command is
// written to a long-lived `/bin/sh` reading its standard input, and how its
// answer is split off the shell's output streams.
//
// A frame is always one syntactically complete shell input whatever the
// command holds: the command travels as a single-quoted string and is parsed
// only at run time, inside a subshell (`eval` of a function definition, so
// that the shell's own messages read as with `sh -c`: "/bin/sh: 3: cannot
// create ..."). A syntax error in the command ends that subshell with
// status 2, never the frame. The command's standard input is /dev/null, or
// the given bytes through a pipe from the shell's builtin printf (so no
// byte the command reads can come from a later frame). After the subshell
// the shell prints "<token>:<status>\n" on stdout and "<token>\n" on stderr;
// the token is random per connection, so command output cannot forge it.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace drover {

// Bytes of standard input a frame may carry (larger input uses an exec
// channel, which streams it).
constexpr size_t kShellFrameMaxInput = 256 * 1024;

// True when `command` and `input` can travel in a frame: no NUL byte (a
// shell string cannot hold one) and input within kShellFrameMaxInput.
bool fits_shell_frame(std::string_view command, std::string_view input);

// The text to write to the shell for one command. `token` must be
// [A-Za-z0-9]+.
std::string shell_frame(std::string_view command, std::string_view input, const std::string& token);

// 32 random alphanumerics for shell_frame.
std::string random_shell_token();

// Follows one output stream of the shell up to the token that ends the
// current frame. Output before the token is handed on as it arrives, except
// the last few bytes that could still be the start of the token.
class FrameEndScanner {
 public:
  explicit FrameEndScanner(const std::string& token) : marker_(token) {}

  // Takes data from the stream; returns what is surely the command's output
  // (possibly empty). After done(), further data is ignored.
  std::string feed(std::string_view data);
  // True once the token and the end of its line have been seen.
  bool done() const { return done_; }
  // What followed the token on its line (":<status>" on stdout).
  const std::string& trailer() const { return trailer_; }
  // The bytes held back when the stream ends without the token.
  std::string rest() { return done_ ? std::string() : std::exchange(held_, {}); }

 private:
  std::string marker_;
  std::string held_;
  std::string trailer_;
  bool found_ = false;
  bool done_ = false;
};

}  // namespace drover
