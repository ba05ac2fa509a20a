// Fact gathering: what the setup module collects about a host, in one shell
// round trip, with the names and shapes of ansible-core 2.14's facts.
//
// build_facts_script() writes one POSIX sh script for the chosen collectors
// (targets have only /bin/sh and coreutils or busybox: files are read with
// one `grep -H` over every path, a few programs run only where no file holds
// the answer). parse_facts_output() turns what the script printed into the
// ansible_facts object that Ansible's setup returns: keys prefixed with
// `ansible_` (gather_subset and module_setup without), as the module
// returns them; strip_fact_prefix() gives what Ansible stores under the
// ansible_facts variable and in its fact cache.
//
// Facts that need Python on the target come from the shell: ansible_python
// describes the target's Python when it has one (its path and `python -V`;
// none without), ansible_python_version is not produced, ansible_selinux is
// read from /sys/fs/selinux and /etc/selinux/config rather than libselinux.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "modules/module.hpp"

namespace drover {

struct FactsRequest {
  std::vector<std::string> gather_subset{"all"};
  std::vector<std::string> filter;        // fnmatch globs; empty: every fact
  int gather_timeout = 10;                // seconds
  std::string fact_path = "/etc/ansible/facts.d";
  std::string python_interpreter;         // the host's ansible_python_interpreter, if any
};

// The POSIX sh script that gathers `collectors` (see resolve_gather_subset).
std::string build_facts_script(const std::set<std::string>& collectors, const FactsRequest& request);

// The ansible_facts object from the script's standard output (date_time
// comes from the target's clock, printed by the script).
Value parse_facts_output(const std::string& output, const std::set<std::string>& collectors,
                         const FactsRequest& request);

// Gathers facts for the context's host: resolves the subsets, runs the
// script in one round trip, parses. Returns {"ansible_facts": ..., "changed":
// false} or a failed result. Throws UnreachableError.
Value gather_facts(ModuleContext& ctx, const FactsRequest& request);

// {"ansible_distribution": "Debian", "gather_subset": [...]} ->
// {"distribution": "Debian", "gather_subset": [...]}: the form Ansible
// stores under the ansible_facts variable and in its fact caches
// (ansible.vars.clean.namespace_facts).
Value strip_fact_prefix(const Value& module_facts);

}  // namespace drover
