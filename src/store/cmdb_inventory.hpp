// The CMDB as an Ansible inventory: `-i drover:DATA_DIR` (e.g. drover:./var).
//
// Every host of the data directory's CMDB becomes an inventory host with
// every field as a host var (hostname, ip, role, platform, machine_type,
// line, idc, region, status, tags, cmdb_id) plus its own vars, and
// ansible_host = ip unless its vars set it. Groups come from field values:
// role_cache, line_telecom, idc_bj1, region_cn, platform_debian12,
// machine_type_x, status_online, and one group per tag (the tag itself,
// e.g. edge), and each CMDB group (store/host_groups.hpp) under its own
// name with its vars. Names are made safe as Ansible's group names (characters other
// than letters, digits and _ become _).
#pragma once

#include <string>

#include "inventory/inventory.hpp"
#include "store/sqlite.hpp"

namespace drover::store {

inline constexpr const char* kCmdbSourcePrefix = "drover:";

// Adds the CMDB's hosts and groups to `inv`; returns whether any host was
// added.
bool load_cmdb_inventory(inventory::Inventory& inv, Database& db);

// Registers the "drover:" inventory source plugin (opens DATA_DIR's store
// read-only for the load).
void register_cmdb_inventory_source();

// An Ansible-safe group name: [A-Za-z0-9_], not starting with a digit.
std::string safe_group_name(const std::string& text);

}  // namespace drover::store
