// --list-hosts, --list-tasks and --list-tags: what ansible-playbook prints
// for them, byte for byte (hosts in inventory order: Ansible's own order
// there comes from a set and varies run to run).
#pragma once

#include <string>

#include "engine/playbook.hpp"
#include "engine/run_state.hpp"

namespace drover {

namespace inventory {
class Inventory;
}

std::string list_playbook(const Playbook& pb, const std::string& shown_path, const inventory::Inventory& inv,
                          const RunOptions& opts, bool hosts, bool tasks, bool tags);

}  // namespace drover
