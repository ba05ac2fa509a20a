// gather_subset: which fact collectors a setup run uses, decided exactly as
// ansible-core 2.14's collector.get_collector_names and _solve_deps do.
//
// Names are Ansible's collector names (platform, distribution, hardware,
// network, virtual, ...) and the fact ids they answer to (kernel ->
// platform, processor -> hardware, ...); 'all', 'min' and '!name' work as in
// Ansible: the minimal set is always added, negations remove, an explicit
// name wins over a negation, and the collectors a collector needs
// (pkg_mgr needs distribution) are added back. facter and ohai are accepted
// and collect nothing (drover runs no Ruby or Chef on targets).
#pragma once

#include <set>
#include <string>
#include <vector>

namespace drover {

// Resolves `gather_subset` to collector names. Throws Error with Ansible's
// message for an unknown name ("Bad subset 'x' given to Ansible.
// gather_subset options allowed: all, ...").
std::set<std::string> resolve_gather_subset(const std::vector<std::string>& gather_subset);

// Ansible's minimal_gather_subset of the setup module.
const std::set<std::string>& minimal_gather_subset();

}  // namespace drover
