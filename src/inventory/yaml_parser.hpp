// The YAML (and JSON) inventory format, as ansible-core 2.14's yaml plugin
// reads it:
//
//   all:
//     vars: {ntp: 10.0.0.1}
//     children:
//       web:
//         hosts:
//           web[01:03].example.com: {http_port: 8080}
//           db1:2222:
//
// Any top-level key is a group; each group may have vars, children and
// hosts (a string is taken as one name). Host keys expand ranges and take a
// :port. Unknown keys are skipped with Ansible's warning.
#pragma once

#include <string>

#include "core/value.hpp"
#include "inventory/inventory.hpp"

namespace drover::inventory {

// Adds the inventory held by `data` (the parsed file `path`) to `inv`.
// Throws Error (located at `path`) when `data` is not a YAML inventory;
// the caller may then try the INI format, as Ansible does.
void parse_inventory_yaml(Inventory& inv, const std::string& path, const Value& data);

}  // namespace drover::inventory
