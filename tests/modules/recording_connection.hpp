// Unit-test support for modules: a Connection that records each script a
// module sends and answers with canned outputs in turn, and the answer
// format's builder ("\x1e" name "\n" value per field, answer_script.hpp).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "transport/connection.hpp"

namespace drover::test {

class RecordingConnection : public Connection {
 public:
  RecordingConnection() : Connection(ConnectionSpec{}) {}
  void connect() override {}
  bool connected() const override { return true; }
  void close() override {}
  ExecResult exec(const std::string& command, const ExecOptions&) override {
    scripts.push_back(command);
    ExecResult r;
    r.exit_status = become_error.empty() ? 0 : 1;
    r.become_error = become_error;
    if (next < answers.size()) r.out = answers[next++];
    return r;
  }
  std::vector<std::string> scripts;
  std::vector<std::string> answers;
  size_t next = 0;
  std::string become_error;  // set: every exec fails as a refused become
};

inline std::string answer(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += "\x1e" + k + "\n" + v;
  return out;
}

}  // namespace drover::test
