// The one user-facing error type of drover.
//
// An Error carries where it happened (a file position, or a host/task) and
// what was expected, so that the message a user reads is complete without a
// stack trace. Deep code throws Error; the CLI and the server catch it at the
// boundary, print what() and choose the exit code or HTTP status.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace drover {

struct Location {
  std::string file;  // empty when the input has no file (a -e string, an API body)
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown

  bool known() const { return !file.empty() || line > 0; }
  // "file:line:column", leaving out the parts that are unknown.
  std::string str() const;
  // Ansible's get_path(): "/absolute/file:line" (what "task path:" and the
  // json callback show).
  std::string ansible_path() const;
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, Location where = {}, std::string hint = {});

  const std::string& message() const { return message_; }
  const Location& where() const { return where_; }
  const std::string& hint() const { return hint_; }

 private:
  static std::string compose(const std::string& message, const Location& where,
                             const std::string& hint);
  std::string message_;
  Location where_;
  std::string hint_;
};

// Kinds of errors whose exit code differs, as ansible's CLI maps them:
// bad command line options exit 5, unparsable input (playbook, task,
// unknown module) exits 4, other errors 1.
class OptionsError : public Error {
 public:
  using Error::Error;
};
class ParserError : public Error {
 public:
  using Error::Error;
};

// The candidate closest to `word` by edit distance, if it is close enough to
// be a likely typo ("did you mean ...?"); empty otherwise.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace drover
