// A module: what one task does on one host.
//
// Modules run on the controller and speak shell (DESIGN.md): run() decides,
// builds one POSIX shell script, runs it on the target in one round trip
// through ctx.connection, parses the answer and returns Ansible's result
// fields (changed, failed, rc, stdout, msg, diff, ...). A module is a pure
// function of its arguments and the connection: no globals, no threads; the
// executor calls run() from many threads at once on different hosts.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <vector>
#include <string>
#include <string_view>

#include "core/value.hpp"
#include "modules/arg_spec.hpp"
#include "transport/connection.hpp"

namespace drover {

namespace tmpl {
class Engine;
class VariableSource;
}  // namespace tmpl
namespace files {
class ControllerFiles;
}  // namespace files

struct ModuleContext {
  Connection* connection = nullptr;   // null for controller-only modules
  const BecomeSpec* become = nullptr;  // run as another user on the target
  bool check_mode = false;
  bool diff_mode = false;
  bool no_log = false;                   // the task's no_log (modules that run Ansible's code are told)
  Value environment = Value::object();  // the task's environment: keyword, templated
  int timeout_s = 0;                     // command timeout; 0: the connection's
  std::string host;                      // inventory_hostname, for messages
  int verbosity = 0;                     // -v count

  // For modules that work on the controller with the task's variables
  // (debug, assert, set_fact, include_vars, template...): the template
  // engine and the task's variables (lazily templated). Null in ad-hoc
  // contexts that have none.
  const tmpl::Engine* templar = nullptr;
  tmpl::VariableSource* vars = nullptr;
  // Where relative controller paths resolve, in order (the role's
  // files/vars/templates dirs, the task file's dir, the playbook dir).
  std::vector<std::string> search_path;
  // Prints a line for the user outside the task's result (pause's prompts).
  std::function<void(const std::string&)> display;
  // Set when the run is cancelled: modules that wait on the controller
  // (pause, async polling, wait_for_connection) stop waiting. Null: never.
  const std::atomic<bool>* cancel = nullptr;
  // The run's cache of controller files (copy's src), shared by all hosts
  // and thread-safe. Null: each task reads its files itself.
  files::ControllerFiles* controller_files = nullptr;
  // For a module that runs one of Ansible's Python action plugins
  // (Module::needs_play_context): the task's connection and become
  // keywords and the command line's settings it builds Ansible's
  // PlayContext from (engine/python_actions.hpp). Null otherwise.
  Value play_context;
};

class Module {
 public:
  virtual ~Module() = default;

  virtual const ArgSpec& spec() const = 0;
  // Free-form modules (command, shell, raw, script) take their command line
  // as `_raw_params` and only a few k=v options beside it.
  virtual bool free_form() const { return false; }
  // Modules such as debug and set_fact run on the controller only.
  virtual bool needs_connection() const { return true; }
  // wait_for_connection connects (and reconnects) by itself: the executor
  // hands it the connection unopened instead of failing the host as
  // unreachable.
  virtual bool connects_itself() const { return false; }
  // An Ansible action plugin run in Python: it is given
  // ModuleContext::play_context and opens its own connection.
  virtual bool needs_play_context() const { return false; }
  // Output of `ansible` shows rc/stdout instead of JSON for these (Ansible's
  // MODULE_NO_JSON).
  virtual bool prints_as_command() const { return false; }

  // Runs with arguments already templated and validated (validate_args).
  // Returns the result object; a failure sets "failed": true and "msg".
  // Throws UnreachableError when the host cannot be reached.
  virtual Value run(const Value& args, ModuleContext& ctx) const = 0;
};

// A result object in Ansible's shape for a failure.
Value failed_result(const std::string& msg);

}  // namespace drover
