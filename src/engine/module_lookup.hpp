// Which module or action a task names: the one place where the playbook
// loader (and `drover run`) turns a task's key ("copy",
// "ansible.builtin.copy", "community.general.ini_file", a short name under
// `collections:`) into drover's native module or a module file of a
// collection, a role's or playbook's library/, ANSIBLE_LIBRARY or
// ansible-core (engine/collections.hpp does the finding), and a module file
// into the module that runs it: drover's Python fallback
// (modules/python_module.hpp, docs/PYTHON_MODULES.md).
//
// Names drover implements natively (its module registry and the actions
// the executor runs itself) resolve as before without touching the file
// system. A collection module whose ansible-core short name drover
// implements natively (`ansible.posix.sysctl` is `sysctl`) is native too.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/error.hpp"
#include "engine/collections.hpp"
#include "engine/python_worker.hpp"
#include "modules/python_module.hpp"
#include "modules/registry.hpp"

namespace drover {

class Config;
class PythonActionRuntime;

// Actions the executor handles itself rather than a module (Ansible's
// BUILTIN_TASKS: include_tasks, import_role, meta, ...).
bool is_engine_action(const std::string& short_name);

struct ModuleLookup {
  bool found = false;
  // drover runs it: `action` is the registry's (or the executor's) short
  // name ("copy", "sysctl", "include_role").
  bool native = false;
  std::string action;
  // The module as Ansible resolved it: final FQCN ("community.general.ufw",
  // or the bare name of a library/ module), its collection ("" for
  // library/) and file.
  std::string fqcn, collection, path;
  // The action plugin that runs the task in Python on the controller
  // (engine/python_actions.hpp), as Ansible's TaskExecutor picks its
  // handler: an action plugin of the name as written (action_plugins/,
  // a collection's plugins/action, ansible-core's), or the module's. Empty
  // for a native action and for a module that only runs on the target.
  // `path` is empty when there is no module file of that name.
  std::string action_plugin;
  std::vector<PluginDeprecation> deprecations;
};

// Resolves `name` with the `collections:` search list in effect. `index`
// may be null (only native names resolve then). `legacy_dirs`: the
// library/ directories of the task's role and playbook; `action_dirs`:
// their action_plugins/ directories (then every loaded role's and
// playbook's, then ANSIBLE_ACTION_PLUGINS). A name that is neither a
// native action nor a module file but an action plugin is found too
// (Ansible's ModuleArgsParser accepts either). Throws Error for a removed
// (tombstoned) module or a broken redirect.
ModuleLookup lookup_module(const std::string& name, const std::vector<std::string>& collections,
                           const CollectionIndex* index, const std::vector<std::string>& legacy_dirs,
                           const std::vector<std::string>& action_dirs = {});

// "module 'ufw' from collection community.general is not implemented
// natively by drover (…/ufw.py)": the start of a load-time error for a
// module found that drover cannot run.
std::string not_native_message(const std::string& as_written, const ModuleLookup& m);

// A `collections:` value (a list of collection names, or one name) as
// Ansible's CollectionSearch reads it: when it names anything and names
// neither ansible.builtin nor ansible.legacy, `append` (ansible.legacy,
// or ansible.builtin for a role inside a collection) is added at the end.
// Throws ParserError at the node for a value that is not a list of names.
std::vector<std::string> parse_collections(const YAML::Node& node, const std::string& file,
                                           const std::string& append = "ansible.legacy");

// The same for a value read from a role's meta/main.yml.
std::vector<std::string> collections_from_value(const Value& value, const Location& where,
                                                const std::string& append = "ansible.legacy");

// `list` with the ansible.builtin/ansible.legacy tail parse_collections adds.
std::vector<std::string> with_default_collection(std::vector<std::string> list, const std::string& append);

// Where the fallback's module files and module_utils come from, beyond
// what the CollectionIndex finds.
struct FallbackOptions {
  std::vector<std::string> library_path;       // ANSIBLE_LIBRARY / ansible.cfg `library`, in order
  std::vector<std::string> module_utils_path;  // ANSIBLE_MODULE_UTILS / `module_utils`
  std::vector<std::string> collection_roots;   // dirs holding ansible_collections/ (module_utils)
  std::string ansible_dir;                     // the installed `ansible` package; empty: none
  std::vector<std::string> action_plugin_path; // ANSIBLE_ACTION_PLUGINS / `action_plugins` (searched dirs)
  // The run's controller Python, shared with Python lookups; null: one of
  // its own is made (controller_python()).
  std::shared_ptr<const PythonWorker> worker;
};

// library and module_utils from ansible.cfg and the environment; the
// collection roots and ansible-core join from each playbook's index
// (FallbackModules::add_index).
FallbackOptions fallback_options(const Config& config);

// The modules of one run that drover runs through its Python fallback:
// one per module file and name, made on first use and owned here (tasks
// keep plain pointers: the run's playbooks share this object and outlive
// their tasks). Directories join as roles and playbooks load, as in
// Ansible, where loading a role adds its library/ and module_utils/ to the
// run's plugin loaders. Thread safe (include_role loads at run time).
class FallbackModules {
 public:
  explicit FallbackModules(FallbackOptions options = {});

  // A playbook's or role's directory: its library/ and module_utils/ (and
  // a playbook's collections/) serve every later lookup.
  void add_directory(const std::string& dir);
  // A playbook's CollectionIndex: its roots for collection module_utils,
  // and ansible-core when the options had none.
  void add_index(const CollectionIndex& index);

  // ansible.legacy's module directories after the task's own role's and
  // playbook's: library/ of every role and playbook loaded so far, then
  // the configured library path.
  std::vector<std::string> library_dirs() const;
  // The same for action plugins: action_plugins/ of every role and
  // playbook loaded so far, then the configured action plugin path.
  std::vector<std::string> action_dirs() const;

  // The module that runs `m` (found, not native), as the task wrote it
  // (`collections`: the task's search list): an action plugin in the
  // controller's Python (engine/python_actions.hpp) when `m` has one (or
  // its module file has one beside it), else the module file on the target.
  const ModuleEntry* module_for(const ModuleLookup& m, const std::string& as_written,
                                const std::vector<std::string>& collections = {});

 private:
  mutable std::mutex mu_;
  FallbackOptions options_;
  std::vector<std::string> library_dirs_;       // library/ dirs added, in order
  std::vector<std::string> module_utils_dirs_;  // module_utils/ dirs added, in order
  std::vector<std::string> action_dirs_;        // action_plugins/ dirs added, in order
  std::shared_ptr<PythonModuleRuntime> runtime_;
  std::shared_ptr<PythonActionRuntime> actions_;
  std::deque<std::unique_ptr<Module>> modules_;
  std::deque<ModuleEntry> entries_;
  std::map<std::string, const ModuleEntry*> by_key_;  // as written + '\n' + path
};

// What runs for `m`, a lookup that found something: drover's native
// module (null for an engine action: include_tasks, meta, ...), else the
// fallback's. Throws Error when drover can run neither (no fallback, or
// FallbackModules::module_for refuses).
const ModuleEntry* runnable_module(const ModuleLookup& m, const std::string& as_written, FallbackModules* fallback,
                                   const std::vector<std::string>& collections = {});

}  // namespace drover
