// The one place where a task's action name becomes a module: drover's
// native module first (registry.hpp; `ansible.builtin.`/`ansible.legacy.`
// prefixes and the FQCNs drover implements), else a module file found as
// Ansible 2.14's module loader finds it, run by the Python fallback
// (modules/python_module.hpp):
//
//   1. `library/` beside each playbook and inside each role loaded so far
//      (add_directory; Ansible adds them to the loader for the whole run);
//   2. the configured module path (ANSIBLE_LIBRARY, ansible.cfg `library`,
//      default ~/.ansible/plugins/modules:/usr/share/ansible/plugins/modules);
//   3. a collection's plugins/modules for `ns.coll.name`, in the collection
//      roots (ANSIBLE_COLLECTIONS_PATH(S), ~/.ansible/collections,
//      /usr/share/ansible/collections, the installed Ansible's
//      ansible_collections, collections/ beside the playbook);
//   4. the controller's ansible-core (`ansible/modules/` of the `ansible`
//      package that /usr/bin/python3 imports; found once, on first need).
//
// A name found nowhere gives null: the loader reports it at load time as
// before. One ModuleLookup serves one run (every playbook, every host);
// the fallback modules it makes live as long as it does. Thread safe.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "modules/python_module.hpp"
#include "modules/registry.hpp"

namespace drover {

class CollectionIndex;
class Config;

// The controller's Ansible: the `ansible` package directory and its
// version; empty when /usr/bin/python3 cannot import it.
struct AnsibleInstall {
  std::string package_dir;  // .../dist-packages/ansible
  std::string version;      // "2.14.18"
};
// Found once per process (asks /usr/bin/python3 where `ansible` is).
const AnsibleInstall& controller_ansible();

struct ModuleLookupOptions {
  std::vector<std::string> library_path;      // configured module dirs, in order
  std::vector<std::string> module_utils_path; // configured module_utils dirs
  std::vector<std::string> collection_roots;  // dirs holding ansible_collections/
  // Where ansible-core is; unset: controller_ansible(). Tests point it
  // elsewhere (or at nothing).
  std::optional<AnsibleInstall> ansible;
  // The run's collections (engine/collections.hpp): FQCNs, runtime.yml
  // routing, ansible.builtin names that moved to collections. Null: the
  // collection roots above, searched without routing.
  std::shared_ptr<const CollectionIndex> collections;
};

// The options from ansible.cfg and the environment (library, module_utils,
// collections_path(s)), with the run's CollectionIndex for a playbook in
// `playbook_dir`.
ModuleLookupOptions module_lookup_options(const Config& config, const std::string& playbook_dir = ".");

class ModuleLookup {
 public:
  explicit ModuleLookup(ModuleLookupOptions options);

  // A playbook's or role's directory: its library/ and module_utils/ join
  // the search (before the configured paths), once each.
  void add_directory(const std::string& dir);

  // The module for a task's action name; null when there is none.
  const ModuleEntry* find(std::string_view name);

  // Where a module file for `name` is (for tests and messages); empty when
  // none. Native modules are not looked for.
  std::string module_file(std::string_view name);

  // Why find() gave null for a module file that exists (a module whose
  // action plugin runs on the controller); empty otherwise.
  std::string unsupported_reason(std::string_view name);

 private:
  std::optional<ModuleFile> locate(std::string_view name);
  // Through the CollectionIndex; a native module it routes to is returned
  // in `native`.
  std::optional<ModuleFile> resolve_indexed(std::string_view name, const ModuleEntry*& native);
  const AnsibleInstall& ansible();

  ModuleLookupOptions options_;
  std::mutex mu_;
  std::vector<std::string> extra_dirs_;  // library/ dirs added, in order
  std::vector<std::string> extra_utils_;  // module_utils/ dirs added
  std::shared_ptr<PythonModuleRuntime> runtime_;
  std::deque<std::unique_ptr<Module>> modules_;
  std::deque<ModuleEntry> entries_;
  std::map<std::string, const ModuleEntry*, std::less<>> by_name_;  // null: looked for, not found
  std::map<std::string, std::string, std::less<>> unsupported_;     // name -> why
};

}  // namespace drover
