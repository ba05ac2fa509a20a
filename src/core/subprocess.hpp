// Running a local program without a shell and collecting what it prints:
// inventory scripts, vault password scripts, the Python that runs Ansible's
// own lookup plugins. One place for fork/exec, pipes and waiting.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace drover {

struct ProcessOptions {
  // What the program reads on stdin; nullopt: /dev/null, unless
  // inherit_stdin (a script that prompts on the terminal).
  std::optional<std::string> input;
  bool inherit_stdin = false;
  // false: the program's stderr is ours (its prompts and messages show).
  bool capture_err = true;
};

struct ProcessResult {
  int status = -1;     // the exit code, or -N when killed by signal N
  int exec_errno = 0;  // non-zero: argv[0] could not be executed (then status is -1)
  std::string out, err;
};

// Runs argv (argv[0] a path, not searched in PATH) and waits for it.
// Throws Error only when no process could be made.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

}  // namespace drover
