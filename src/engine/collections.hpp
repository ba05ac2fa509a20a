// Ansible collections, found where ansible-core 2.14 finds them.
//
// A CollectionIndex is built once per run (`collection_roots` gives its
// roots in Ansible's order) and answers one question: which file (or role
// or playbook) does a plugin name mean, and what is its final FQCN. It
// follows each collection's `meta/runtime.yml` `plugin_routing` as Ansible's
// plugin loader does: redirects are chased (a loop is an error), a
// `deprecation` is returned for the caller to show as Ansible's
// "[DEPRECATION WARNING]", a `tombstone` throws Error with Ansible's
// "[DEPRECATED]: ... has been removed" text. `ansible.builtin` is the
// installed ansible-core (its `config/ansible_builtin_runtime.yml` routes
// the names that moved to collections in 2.10, e.g. `ini_file` ->
// `community.general.ini_file`); `ansible.legacy` searches the caller's
// legacy directories (a role's `library/`, ...) first, then ansible.builtin.
//
// Lookups read the file system lazily and are cached; the index is safe to
// share between threads (a run's workers resolve modules concurrently).
// Nothing here runs Python or imports a plugin: filters and tests (several
// per file) are found by their name in a plugin file's source.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/value.hpp"

namespace drover {

class Config;

enum class PluginKind { module, action, role, filter, test, lookup, module_utils, playbook };

// "modules", "action", "roles", "filter", ...: the plugin_routing key and
// the directory under a collection's plugins/.
const char* plugin_kind_name(PluginKind kind);

// Arguments of Ansible's Display.deprecated(msg, version, date, collection):
// `msg` is already "X has been deprecated. <warning_text>".
struct PluginDeprecation {
  std::string msg, version, date, collection;
};

struct ResolvedPlugin {
  // The name after every redirect: "community.general.ini_file",
  // "ansible.builtin.copy"; a plugin found in a legacy directory keeps its
  // bare name ("my_module"), as in Ansible.
  std::string fqcn;
  // "community.general", "ansible.builtin", or "" for a legacy plugin.
  std::string collection;
  // The plugin's file (a module's .py/.ps1/binary, the .py holding a filter
  // or test, a lookup's .py, a module_utils .py or package __init__.py), a
  // role's directory, a playbook's file. Empty only when `native` and no
  // file exists (ansible-core not installed).
  std::string path;
  // The caller's `native` predicate accepted `fqcn` (drover implements it).
  bool native = false;
  // The names followed, as asked first ("sysctl", "ansible.builtin.sysctl",
  // "ansible.posix.sysctl").
  std::vector<std::string> redirects;
  std::vector<PluginDeprecation> deprecations;
};

struct PluginQuery {
  PluginKind kind = PluginKind::module;
  // FQCN ("ns.coll.name", "ns.coll.subdir.name"), "ansible.builtin.x",
  // "ansible.legacy.x", or a short name.
  std::string name;
  // The `collections:` search list in effect for a short name (play, block,
  // role meta, task); empty: none (the legacy lookup). Entries may be
  // ansible.builtin and ansible.legacy.
  std::vector<std::string> collections;
  // ansible.legacy's own directories for this kind, searched before
  // ansible-core (module: role and playbook `library/`, ANSIBLE_LIBRARY).
  std::vector<std::string> legacy_dirs;
  // Whether drover implements a module/plugin of this FQCN natively
  // ("ansible.builtin.copy", "community.general.ini_file"); asked before
  // the file system for ansible.builtin names and after a collection's
  // routing for others. Null: nothing is native.
  std::function<bool(const std::string& fqcn)> native;
};

class CollectionIndex {
 public:
  // `roots`: directories that hold an `ansible_collections/` directory, in
  // search order (the first holding a collection wins, as with Python's
  // import). `ansible_core_dir`: the installed `ansible` Python package
  // (holds modules/, plugins/, config/ansible_builtin_runtime.yml); empty
  // when ansible-core is not installed.
  CollectionIndex(std::vector<std::string> roots, std::string ansible_core_dir);

  // The index for a run as ansible-playbook builds it (collection_roots and
  // find_ansible_core_dir).
  static std::shared_ptr<CollectionIndex> for_run(const Config& config, const std::string& playbook_dir);

  // Finds `q.name`. nullopt when nothing matches. Throws Error for a
  // tombstone, a redirect loop or a redirect that is not an FQCN.
  //
  // This is the one place where drover decides what a name in a playbook
  // means: the playbook loader (modules, roles), the template engine's
  // collection filters/tests/lookups and the Python module fallback
  // (module files, module_utils) all call it.
  std::optional<ResolvedPlugin> resolve(const PluginQuery& q) const;

  // The directory of an installed collection ("community.general"), empty
  // when it is not installed. "ansible.builtin" is never a directory here.
  std::string collection_dir(const std::string& collection) const;

  // The collection a path lies in ("/x/ansible_collections/ns/coll/roles/r"
  // -> "ns.coll"), empty when it is in none of this index's collections
  // (Ansible's _get_collection_name_from_path).
  std::string collection_of_path(const std::string& path) const;

  const std::vector<std::string>& roots() const { return roots_; }
  const std::string& ansible_core_dir() const { return core_dir_; }

 private:
  const Value& routing(const std::string& collection) const;
  std::optional<ResolvedPlugin> find_in_collection(const PluginQuery& q, const std::string& fqcn,
                                                   ResolvedPlugin& state, std::string& redirect) const;
  std::optional<ResolvedPlugin> find_legacy(const PluginQuery& q, const std::string& short_name,
                                            ResolvedPlugin& state, std::string& redirect) const;
  std::string plugin_file(PluginKind kind, const std::string& base_dir, const std::string& subdirs,
                          const std::string& resource) const;

  std::vector<std::string> roots_;
  std::string core_dir_;
  mutable std::mutex mu_;
  mutable std::map<std::string, std::string> dirs_;   // collection -> dir ("" when absent)
  mutable std::map<std::string, Value> routing_;      // collection -> its plugin_routing
};

// Collection roots in ansible-playbook's order: `<playbook_dir>/collections`,
// then COLLECTIONS_PATHS (ansible.cfg collections_path(s),
// ANSIBLE_COLLECTIONS_PATH(S); default ~/.ansible/collections and
// /usr/share/ansible/collections), then, unless COLLECTIONS_SCAN_SYS_PATH is
// off, the Python path where an installed Ansible keeps its
// `ansible_collections` (python_paths). Only directories holding
// `ansible_collections/` are kept; a path naming `.../ansible_collections`
// itself counts as its parent.
std::vector<std::string> collection_roots(const Config& config, const std::string& playbook_dir);
std::vector<std::string> collection_roots(const std::string& playbook_dir, const std::vector<std::string>& configured,
                                          bool scan_sys_path);

// The directories of Python's sys.path where an installed Ansible lives, in
// sys.path's order, without running Python: $PYTHONPATH, the virtualenv of
// the `ansible-playbook` on PATH, ~/.local, /usr/local and the
// distribution's site-/dist-packages (Debian's /usr/lib/python3/dist-packages).
std::vector<std::string> python_paths();

// The installed ansible-core package directory (".../ansible" holding
// modules/ and config/ansible_builtin_runtime.yml) in python_paths(); empty
// when there is none.
std::string find_ansible_core_dir();

// "ns.coll.name" (two dots or more, identifiers): Ansible's is_valid_fqcr.
bool is_fqcn(const std::string& name);

}  // namespace drover
