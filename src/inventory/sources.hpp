// Inventory sources: what one -i names and how it is read, as
// ansible-core 2.14's InventoryManager.parse_source decides.
//
//   "h1,h2"      a host list (has a comma and is not an existing path)
//   a directory  every entry, sorted, recursively, except names starting
//                with '.', host_vars, group_vars, vars_plugins and names
//                ending in an ignored extension (.orig .ini .cfg .retry
//                .pyc .pyo .swp .bak ~ .rpm .md .txt .rst)
//   a file       YAML when its extension is .yml/.yaml/.json or none and it
//                holds a YAML inventory, otherwise INI
//
// A source that does not exist is skipped with Ansible's warning; one that
// exists but cannot be read as an inventory is an Error.
#pragma once

#include <string>
#include <vector>

#include "inventory/inventory.hpp"

namespace drover::inventory {

// Ansible's unfrackpath(follow=False): ~ and $VARS expanded, made absolute
// and normalized; symlinks kept.
std::string normalize_source_path(const std::string& source);

// Reads one source into `inv`. Returns false (and warns through `inv`) when
// nothing was parsed.
bool load_source(Inventory& inv, const std::string& source);

// True for a directory entry that a directory source skips.
bool ignored_in_inventory_dir(const std::string& name);

}  // namespace drover::inventory
