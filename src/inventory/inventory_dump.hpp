// What `ansible-inventory` prints, built from an Inventory: the --list
// document (script JSON shape: groups with hosts/children/vars and
// _meta.hostvars), the --host variables and the --graph tree.
//
// Matches ansible-core 2.14's cli/inventory.py: internal variables
// (inventory_file, inventory_dir, group_names, ...) are left out, empty
// keys and groups are dropped, `all` lists no hosts. With `export`, group
// vars stay on their groups and hosts show only their own variables;
// without it, every host shows its merged variables. drover adds a limit:
// when `only` is given, hosts outside it are left out everywhere.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "core/value.hpp"
#include "inventory/inventory.hpp"

namespace drover::inventory {

struct DumpOptions {
  bool export_vars = false;
  bool show_vars = false;                 // --graph --vars
  const std::vector<const Host*>* only = nullptr;  // nullptr: every host
};

// Variables of a host as --host and _meta.hostvars show them.
Value host_dump_vars(const Inventory& inv, const Host& h, bool export_vars);
// Variables of a group as --export and --graph --vars show them.
Value group_dump_vars(const Inventory& inv, const Group& g);

// The --list document (keys are sorted when printed).
Value list_document(const Inventory& inv, const DumpOptions& opts);
// The --list --yaml document: {all: {children: {...}, hosts: {...}}}.
Value yaml_list_document(const Inventory& inv, const DumpOptions& opts);
// The --graph text from group `start` (no trailing newline).
std::string graph_text(const Inventory& inv, const Group& start, const DumpOptions& opts);

// PyYAML's yaml.dump(default_flow_style=False, allow_unicode=True) of a
// document of mappings, lists and scalars, keys sorted.
std::string yaml_dump(const Value& v);

}  // namespace drover::inventory
