// Lookup plugins drover does not implement natively, run as Ansible runs
// them: by the controller's Python with the installed ansible-core, the
// plugin loaded by Ansible's own lookup_loader (a role's or playbook's
// lookup_plugins/, ANSIBLE_LOOKUP_PLUGINS, collections, ansible-core's).
//
// They run in the run's PythonWorker (engine/python_worker.hpp), shared
// with action plugins: each request carries the plugin name, terms,
// keyword arguments, the task's variables and the directories to search;
// each answer the plugin's return value or its exception.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "engine/python_worker.hpp"

namespace drover {

class Config;

// Directories of a configured plugin path (`key`: DEFAULT_LOOKUP_PLUGIN_PATH,
// ANSIBLE_LOOKUP_PLUGINS / [defaults] lookup_plugins; DEFAULT_ACTION_PLUGIN_PATH)
// as Ansible's plugin loader searches them: each path's subdirectories one
// and two levels deep first, then the path itself.
std::vector<std::string> configured_plugin_dirs(const Config& config, const std::string& key);
inline std::vector<std::string> configured_lookup_dirs(const Config& config) {
  return configured_plugin_dirs(config, "DEFAULT_LOOKUP_PLUGIN_PATH");
}

// How a plugin run in Python failed, as Ansible's Templar._lookup tells
// the exception classes apart.
struct PythonLookupError {
  enum Kind { lookup_error, undefined, other } kind = other;
  std::string type;  // "<class 'KeyError'>"
  std::string message;
};

class PythonLookups {
 public:
  // `configured_dirs`: configured_lookup_dirs.
  PythonLookups(std::vector<std::string> configured_dirs, std::shared_ptr<const PythonWorker> worker);

  // Whether Python plugins can run at all (the Python and an ansible-core
  // installation exist).
  bool available() const { return worker_->available(); }

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
  std::vector<std::string> configured_dirs_;
  std::shared_ptr<const PythonWorker> worker_;
};

}  // namespace drover
