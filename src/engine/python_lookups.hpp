// Lookup plugins drover does not implement natively, run as Ansible runs
// them: by the controller's Python with the installed ansible-core, the
// plugin loaded by Ansible's own lookup_loader (a role's or playbook's
// lookup_plugins/, ANSIBLE_LOOKUP_PLUGINS, collections, ansible-core's).
//
// One Python process per run, started at the first such lookup (Python
// with ansible's imports takes about 0.5 s of CPU to start) and kept: each
// request (plugin name, terms, keyword arguments, the task's variables, the
// directories to search) is a line of JSON on its stdin, each answer (the
// plugin's return value or its exception) a line on its stdout. Requests
// from concurrent hosts take turns. A worker that dies is started again
// for the next request.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/value.hpp"

namespace drover {

class Config;

// The Python that runs ansible-playbook: /usr/bin/python3 when it exists,
// else the first python3 on PATH (ansible_playbook_python).
std::string controller_python();

// Directories of ANSIBLE_LOOKUP_PLUGINS / [defaults] lookup_plugins as
// Ansible's plugin loader searches them: each path's subdirectories one and
// two levels deep first, then the path itself.
std::vector<std::string> configured_lookup_dirs(const Config& config);

// How a plugin run in Python failed, as Ansible's Templar._lookup tells
// the exception classes apart.
struct PythonLookupError {
  enum Kind { lookup_error, undefined, other } kind = other;
  std::string type;  // "<class 'KeyError'>"
  std::string message;
};

class PythonLookups {
 public:
  // `configured_dirs`: configured_lookup_dirs; `python`: controller_python.
  PythonLookups(std::vector<std::string> configured_dirs, std::string python);
  ~PythonLookups();
  PythonLookups(const PythonLookups&) = delete;
  PythonLookups& operator=(const PythonLookups&) = delete;

  // Whether Python plugins can run at all (the Python and an ansible-core
  // installation exist).
  bool available() const { return available_; }

  // The lookup_plugins directories of `search_path` (roles, the playbook)
  // and the configured ones, in Ansible's order.
  std::vector<std::string> legacy_dirs(const std::vector<std::string>& search_path) const;

  // Runs lookup `name` on `terms` with `kwargs` (an object); the plugin's
  // return value, or the error it raised.
  struct Outcome {
    Value ran;
    std::optional<PythonLookupError> error;
  };
  Outcome run(const std::string& name, const Value& terms, const Value& kwargs, const Value& variables,
              const std::vector<std::string>& search_path) const;

 private:
  // The worker's answer line to `request`; nullopt when it died (`why`).
  std::optional<std::string> exchange(const std::string& request, std::string& why) const;
  void stop_worker() const;

  std::vector<std::string> configured_dirs_;
  std::string python_;
  bool available_ = false;
  mutable std::mutex mu_;
  mutable int worker_pid_ = -1;
  mutable int socket_ = -1;  // our end of the worker's stdin and stdout
  mutable std::string buffered_;
};

}  // namespace drover
