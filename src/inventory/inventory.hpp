// The inventory: hosts, groups, their variables, and host selection.
//
// Mirrors ansible-core 2.14's InventoryData/Group/Host: groups form a DAG
// under `all`; `ungrouped` holds hosts in no other group; a group's hosts
// are its own and those of its descendants, in Ansible's order; a host's
// groups are its groups and all their ancestors. Hosts and groups keep the
// order in which the sources first named them, and that order is what
// patterns, --list and the `groups` variable show.
//
// Ownership and threading: an Inventory owns its hosts and groups; `Host`
// and `Group` addresses are stable for the Inventory's life (add_host never
// moves existing ones). All const methods may be called from many threads
// at once. Mutations (add_host, add_group, add_child, set_*_variable) must
// come from one thread while no other thread reads, as the executor does
// between tasks for add_host / group_by.
//
// Cost: lookups by name are O(1) hash lookups; a host is its name, a small
// vars object and the ids of its direct groups.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/value.hpp"
#include "inventory/vars_directory.hpp"

namespace drover::inventory {

using HostId = uint32_t;
using GroupId = uint32_t;

struct Host {
  HostId id = 0;
  std::string name;
  // Variables the inventory sources set on this host, including
  // inventory_file / inventory_dir as Ansible records them.
  Value vars = Value::object();
  // Groups the host was put in directly, in order (ancestors not included).
  std::vector<GroupId> groups;
  // Ansible's implicit localhost: not part of `all`, ansible_connection=local.
  bool implicit = false;
};

struct Group {
  GroupId id = 0;
  std::string name;
  Value vars = Value::object();      // from the inventory sources
  std::vector<HostId> hosts;         // direct members, in order
  std::vector<GroupId> children;     // in order
  std::vector<GroupId> parents;      // in order
  int depth = 0;                     // longest path from a root
  int priority = 1;                  // ansible_group_priority
};

// Ansible's warning texts, for callers that print them as "[WARNING]: ...".
inline constexpr const char* kEmptyInventoryWarning =
    "provided hosts list is empty, only localhost is available. Note that the implicit localhost does not "
    "match 'all'";
inline constexpr const char* kNoInventoryParsedWarning = "No inventory was parsed, only implicit localhost is available";
inline constexpr const char* kNoHostsMatchedWarning = "No hosts matched, nothing to do";
inline constexpr const char* kNoHostsLeftError =
    "Specified inventory, host pattern and/or --limit leaves us with no hosts to target.";
// "Could not match supplied host pattern, ignoring: <pattern>"
std::string unmatched_pattern_warning(std::string_view pattern);

class Inventory {
 public:
  // An inventory with only `all` and `ungrouped`.
  Inventory();
  Inventory(Inventory&&) noexcept;
  Inventory& operator=(Inventory&&) noexcept;
  ~Inventory();

  // Reads every source in order and merges them, as `-i a -i b` does:
  // a file (INI or YAML, chosen as Ansible does), a directory (each file in
  // it, sorted, minus Ansible's ignored names and extensions), or a host
  // list "h1,h2". group_vars/ and host_vars/ next to each source are read
  // too. Throws drover::Error with file:line for malformed input and for a
  // source that does not exist. Ansible's non-fatal warnings (bad group
  // names, unexpected YAML keys) are kept for take_warnings().
  static Inventory load(const std::vector<std::string>& sources);

  // Warnings collected so far (texts without "[WARNING]: ", each once);
  // returns them and forgets them.
  std::vector<std::string> take_warnings();
  void warn(std::string text);

  // All hosts in the order first seen (the implicit localhost not included).
  const std::deque<Host>& hosts() const { return hosts_; }
  const std::deque<Group>& groups() const { return groups_; }
  const Host* find_host(std::string_view name) const;
  const Group* find_group(std::string_view name) const;
  const Group& group(GroupId id) const { return groups_[id]; }
  const Host& host(HostId id) const { return hosts_[id]; }
  const Group& all_group() const { return groups_[0]; }
  // The host a name resolves to, including Ansible's implicit localhost for
  // "localhost", "127.0.0.1" and "::1" when the inventory has no such host.
  const Host* get_host(std::string_view name) const;
  // True when no source was parsed (every -i missing or empty host list
  // aside): Ansible then warns kNoInventoryParsedWarning.
  bool parsed_any() const { return parsed_any_; }

  // Host selection with Ansible's pattern language and result order; see
  // host_pattern.hpp. `limit` is --limit (may hold @file entries). Patterns
  // that match nothing add unmatched_pattern_warning() texts to `warnings`.
  // Throws Error for a bad regex, an out-of-range [N] subscript or a
  // missing limit file.
  std::vector<const Host*> select(std::string_view pattern, std::string_view limit = {},
                                  std::vector<std::string>* warnings = nullptr) const;

  // Every host of a group and its descendants, in Ansible's order (the
  // implicit localhost excluded from `all`).
  std::vector<const Host*> hosts_of(const Group& g) const;
  // A host's groups and all their ancestors, `all` included, unsorted.
  std::vector<GroupId> ancestry(const Host& h) const;
  // Ansible's `group_names`: the host's groups and ancestors, sorted,
  // without `all`.
  std::vector<std::string> group_names(const Host& h) const;
  // The `groups` magic variable: {group: [host, ...]} for every group, in
  // group order. O(group memberships): compute it once per play.
  Value groups_value() const;

  // The host's inventory variables merged with Ansible 2.14's default
  // precedence (lowest first):
  //   1. `all` group vars from inventory sources
  //   2. other groups' vars from sources, by (depth, priority, name)
  //   3. group_vars/all next to each inventory source, then next to each
  //      directory in `playbook_dirs` (in order)
  //   4. group_vars/<group> next to inventory sources, then playbook dirs,
  //      groups by (depth, priority, name)
  //   5. the host's vars from sources (incl. inventory_file/inventory_dir)
  //   6. host_vars/<host> next to inventory sources, then playbook dirs
  // Merging replaces whole top-level keys (hash_behaviour=replace).
  // Magic variables (inventory_hostname, group_names, groups, ...) are not
  // included: the playbook engine adds them.
  Value vars_for(const Host& h, const std::vector<const VarsDirectory*>& playbook_dirs = {}) const;
  // A group's vars as ansible-inventory --export shows them: its source vars
  // then group_vars/ files, plus ansible_group_priority when not 1.
  Value group_vars_for(const Group& g) const;
  // The group_vars/host_vars directories next to the inventory sources.
  const std::vector<std::unique_ptr<VarsDirectory>>& vars_directories() const { return vars_dirs_; }

  // --- mutation (one thread, no concurrent readers) ---
  // Adds a group if missing; returns it. Throws Error for an empty name.
  Group& add_group(std::string_view name);
  // Adds a host if missing (Ansible's add_host): with `group`, also a member
  // of that group (which must exist). `port` sets ansible_port. A new host
  // records inventory_file/inventory_dir of the source being read.
  Host& add_host(std::string_view name, std::string_view group = {}, std::optional<int> port = {});
  // Makes `child` (a group, else a host) a member of `parent`. Throws
  // Error for unknown names and for cycles, with Ansible's messages.
  void add_child(std::string_view parent, std::string_view child);
  // Ansible's set_variable: on the group of that name if there is one, else
  // the host. ansible_group_priority on a group sets its priority.
  void set_variable(std::string_view entity, const std::string& key, Value value);
  // Ansible's reconcile_inventory: every group without a parent goes under
  // `all`, hosts with no group go to `ungrouped`, hosts with another group
  // leave it. Call after a batch of changes (load does it).
  void reconcile();
  // The playbook engine's add_host: adds the host (to `all` if new), merges
  // its vars, puts it in `groups` (created if missing) and reconciles.
  // Returns true when anything changed.
  bool add_dynamic_host(std::string_view name, const std::vector<std::string>& groups, const Value& vars);
  // The engine's group_by: puts `host` in group `name` (created if missing)
  // whose parents are `parents`. Returns true when anything changed.
  bool add_dynamic_group(const Host& host, std::string_view name, const std::vector<std::string>& parents);

  // Used by the source parsers: the file being read, recorded as
  // inventory_file on new hosts (empty: none).
  void set_current_source(std::string path);
  void add_vars_directory(const std::string& base_dir);
  void mark_parsed() { parsed_any_ = true; }
  // Reads group_vars/host_vars for every host and group now, so that
  // errors show at load time and later reads are lock-free cache hits.
  void preload_vars_files() const;

 private:
  std::vector<GroupId> sorted_groups_for_vars(const Host& h) const;
  std::vector<GroupId> descendants(GroupId g) const;  // self first, Ansible's order
  bool is_ancestor(GroupId maybe_ancestor, GroupId g) const;
  void add_host_to_group(Group& g, Host& h);
  void remove_host_from_group(Group& g, Host& h);
  void add_child_group(Group& parent, Group& child);

  std::deque<Host> hosts_;
  std::deque<Group> groups_;
  std::unordered_map<std::string, HostId> host_index_;
  std::unordered_map<std::string, GroupId> group_index_;
  std::vector<std::unique_ptr<VarsDirectory>> vars_dirs_;
  std::unordered_map<std::string, size_t> vars_dir_index_;
  // One implicit localhost per localhost name, built on construction.
  std::deque<Host> implicit_hosts_;
  std::string current_source_;
  Value current_source_dir_;  // inventory_dir for new hosts: a string or null
  std::vector<std::string> warnings_;
  bool parsed_any_ = false;
};

}  // namespace drover::inventory
