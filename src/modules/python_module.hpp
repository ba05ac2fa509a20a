// A module drover does not implement natively, run as Ansible runs it: the
// module file from a role's or the playbook's library/, ANSIBLE_LIBRARY, a
// collection or the controller's ansible-core, executed by the target's
// Python (or, for old-style, WANT_JSON and binary modules, by its shebang).
//
// One round trip per task: a new-style Python module's payload (the module
// and its module_utils, python_payload.hpp) is built once per run and
// shared by every host; it goes on the command's stdin after the arguments,
// and drover's small bootstrap (given to the interpreter with -c) unpacks
// it once per host and user into `<remote_tmp>/drover-modlib-<uid>-<sha1>`, where Python
// keeps the bytecode it compiles, then runs the module with runpy as
// AnsiballZ does. The payload is sent only to a target that says it lacks
// it (a second round trip, once per host, user and payload, ever). Interpreter
// discovery (interpreter_discovery.hpp) costs one more command per host,
// once: its answer is returned as the fact discovered_interpreter_python.
//
// Arguments are checked by the module itself on the target (drover has no
// spec for it): the spec accepts any option.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <map>
#include <string>

#include "modules/module.hpp"
#include "modules/python_payload.hpp"

namespace drover {

// What a module file is.
struct ModuleFile {
  std::string name;        // the name the task uses ("my_module", "community.general.foo")
  std::string short_name;  // its last part ("foo")
  std::string collection;  // "ns.coll", or empty outside collections
  std::string path;        // the file on the controller
};

// What every fallback module of one run shares: where module_utils come
// from, the payloads built so far, which hosts hold which payload. Thread
// safe.
class PythonModuleRuntime {
 public:
  explicit PythonModuleRuntime(ModuleUtilsRoots roots, std::string ansible_version)
      : roots_(std::move(roots)), ansible_version_(std::move(ansible_version)) {}

  const std::string& ansible_version() const { return ansible_version_; }
  // Roles loaded at run time (include_role) add their module_utils/.
  void add_module_utils_dir(const std::string& dir);
  void add_collection_root(const std::string& dir);

  // Built on first use; throws Error (missing module_utils) each time.
  std::shared_ptr<const PythonPayload> payload(const ModuleFile& file, const std::string& source);

  // Whether `where` (host, remote user, interpreter) lacked `digest` once
  // this run: it then gets the payload with every command.
  bool always_send(const std::string& digest, const std::string& where) const;
  void mark_always_send(const std::string& digest, const std::string& where);

 private:
  ModuleUtilsRoots roots_;
  std::string ansible_version_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const PythonPayload>> payloads_;  // by module path
  std::set<std::string> always_send_;
};

std::unique_ptr<Module> make_python_module(ModuleFile file, std::shared_ptr<PythonModuleRuntime> runtime);

}  // namespace drover
