// Executable inventory scripts, as ansible-core 2.14's script plugin runs
// them: `SCRIPT --list` prints a JSON object of groups ({"hosts": [...],
// "vars": {...}, "children": [...]}, or a bare list of hosts, or a dict of
// vars that makes the group its own host) and `_meta.hostvars`; without
// _meta, `SCRIPT --host H` is asked for each host.
#pragma once

#include <functional>
#include <string>

#include "inventory/inventory.hpp"

namespace drover::inventory {

// True for a regular file the current user may execute.
bool is_inventory_script(const std::string& path);

// Runs the script and adds what it reports. Throws Error with Ansible's
// message when it fails or prints something that is not a JSON object;
// the caller may then try the file as INI/YAML, as Ansible does.
void parse_inventory_script(Inventory& inv, const std::string& path);

// Adds a --list document (the script JSON shape, also what a drover
// server's /api/v1/inventory answers) to `inv`. Without `_meta.hostvars`,
// each host's variables come from `host_vars`.
void add_inventory_document(Inventory& inv, const Value& data,
                            const std::function<Value(const std::string& host)>& host_vars);

}  // namespace drover::inventory
