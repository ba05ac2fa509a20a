// Running programs from tests: the drover binary, ansible, python3 oracles.
// Captures stdout, stderr and the exit code; never uses a shell unless asked.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace drover::test {

struct ProcessResult {
  int exit_code = -1;   // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::string cwd;                           // empty: inherit
  std::map<std::string, std::string> env;    // added to (or replacing in) the environment
  std::string stdin_data;
  int timeout_s = 300;                       // killed after this
};

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& opts = {});

// The drover binary under test with these arguments.
ProcessResult run_drover(const std::vector<std::string>& args, const ProcessOptions& opts = {});

// /bin/sh -c script.
ProcessResult run_shell(const std::string& script, const ProcessOptions& opts = {});

// A fresh directory under $TMPDIR removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // Writes `content` to path()/rel (creating directories) and returns the full path.
  std::string write(const std::string& rel, const std::string& content) const;

 private:
  std::string path_;
};

std::string read_file(const std::string& path);

// /usr/bin/python3 (Debian's, with jinja2 and ansible), never the pyenv shim.
inline const char* kSystemPython = "/usr/bin/python3";

}  // namespace drover::test
