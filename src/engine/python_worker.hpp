// The controller's Python, kept running for one run: where drover runs the
// Ansible plugins it has no native code for (lookup plugins,
// engine/python_lookups.hpp; action plugins, engine/python_actions.hpp)
// with the user's installed ansible-core, as ansible-playbook would.
//
// One process, started at the first request (Python with ansible's imports
// takes about 0.5 s of CPU to start) and kept: each request is one line of
// JSON ({"kind": "lookup" | "action", ...}) on a socket that is the
// worker's only channel, each answer one line back. The worker's own stdin
// is /dev/null and its stdout is drover's stderr, so that a plugin that
// prints or runs a command cannot disturb the protocol. Requests from
// concurrent hosts take turns. A worker that dies is started again for the
// next request; it exits when drover closes the socket.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "core/value.hpp"

namespace drover {

// The Python that runs ansible-playbook: /usr/bin/python3 when it exists,
// else the first python3 on PATH (ansible_playbook_python).
std::string controller_python();

class PythonWorker {
 public:
  explicit PythonWorker(std::string python);
  ~PythonWorker();
  PythonWorker(const PythonWorker&) = delete;
  PythonWorker& operator=(const PythonWorker&) = delete;

  // Whether plugins can run at all (the Python and an ansible-core
  // installation exist).
  bool available() const { return available_; }
  const std::string& python() const { return python_; }

  // The worker's answer to `request` (an object); nullopt when the worker
  // died or answered something that is not JSON (`why` says which).
  std::optional<Value> ask(const Value& request, std::string& why) const;

 private:
  std::optional<std::string> exchange(const std::string& request, std::string& why) const;
  void stop() const;

  std::string python_;
  bool available_ = false;
  mutable std::mutex mu_;
  mutable int pid_ = -1;
  mutable int socket_ = -1;  // our end of the worker's channel
  mutable std::string buffered_;
};

}  // namespace drover
