// A local HTTP server for the targets of compat tests: a program (Python's
// http.server, or a small handler script) started here, listening on
// 127.0.0.1:PORT, stopped when the object goes.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "harness/process.hpp"

namespace drover::test {

class HttpServer {
 public:
  // Runs `argv` (its output to /dev/null) and waits until `port` accepts.
  HttpServer(std::vector<std::string> argv, int port) {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    for (int i = 0; i < 100; ++i) {
      if (run_process({"bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port)})
              .exit_code == 0)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  // Python's http.server serving `dir`.
  static std::vector<std::string> serving(const std::string& dir, int port) {
    return {kSystemPython, "-m",        "http.server", std::to_string(port),
            "--bind",      "127.0.0.1", "--directory", dir};
  }
  ~HttpServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

 private:
  pid_t pid_ = -1;
};

}  // namespace drover::test
