// Action plugins drover does not implement natively, run as Ansible runs
// them: in the controller's Python (the run's PythonWorker,
// engine/python_worker.hpp) with the installed ansible-core, the way its
// TaskExecutor does (a Task with the templated arguments and keywords, a
// PlayContext from the command line, the keywords and the variables, the
// host's connection plugin from ansible's connection_loader with its
// options from the variables, a DataLoader, a Templar, the shared plugin
// loaders; handler.run(task_vars=...)).
//
// Which tasks come here is decided at load time (engine/module_lookup.hpp):
// an action that resolves to an action plugin file (a playbook's or role's
// action_plugins/, ANSIBLE_ACTION_PLUGINS, a collection's plugins/action,
// ansible-core's plugins/action) and that drover has no native module
// for. Its result dict comes back to the executor's normal processing
// (register, changed_when, failed_when, until, loops, ignore_errors,
// output). The plugin's connection is Python's own (ssh runs OpenSSH's
// client as ansible-playbook does), not drover's session: the executor
// opens nothing for these tasks.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "engine/python_worker.hpp"
#include "modules/module.hpp"

namespace drover {

struct ConnectionOptions;
struct Keywords;
namespace tmpl {
class Engine;
class VariableSource;
}  // namespace tmpl

// What every bridged action of one run shares: the worker, and the
// directories whose *_plugins/ subdirectories Ansible's plugin loaders
// search (each playbook's and role's directory, in load order, as
// ansible-playbook adds them with add_all_plugin_dirs). Thread safe.
class PythonActionRuntime {
 public:
  explicit PythonActionRuntime(std::shared_ptr<const PythonWorker> worker) : worker_(std::move(worker)) {}

  void add_plugin_dir(const std::string& dir);
  std::vector<std::string> plugin_dirs() const;
  const PythonWorker& worker() const { return *worker_; }

 private:
  std::shared_ptr<const PythonWorker> worker_;
  mutable std::mutex mu_;
  std::vector<std::string> plugin_dirs_;
};

// The module that runs action `name` (as the task wrote it: "test_shell",
// "ansible.posix.patch") through `runtime`; `plugin_path` is its file.
std::unique_ptr<Module> make_python_action(std::string name, std::string plugin_path,
                                           std::vector<std::string> collections,
                                           std::shared_ptr<PythonActionRuntime> runtime);

// The executor's half of a bridged action's PlayContext
// (ModuleContext::play_context): the task's connection and become
// keywords, templated (`keyword` returns a keyword's nearest set value,
// the task's or its blocks'), the command line's connection settings under
// the names of Ansible's CLIARGS, and the passwords asked at the prompts
// (sent to the worker only, never shown). `fallback`: the connection
// variables drover adds where the host has none (connection_fallback_vars,
// PlayContext.update_vars' values): the plugin's TaskExecutor derives them
// itself, so the variables it is given leave them out. `delegate_to`: the
// task's delegation target; such a task fails (not supported yet).
Value python_play_context(const std::function<const Value&(Value Keywords::*)>& keyword,
                          const ConnectionOptions& cli, int verbosity, const Value& fallback,
                          const std::optional<std::string>& delegate_to, const tmpl::Engine& templar,
                          tmpl::VariableSource& vars);

}  // namespace drover
