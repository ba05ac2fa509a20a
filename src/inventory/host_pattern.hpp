// Ansible's host pattern language (ansible-core 2.14 inventory/manager.py),
// evaluated by Inventory::select (host_pattern.cpp).
//
//   all, *            every host (not the implicit localhost)
//   web, web1         a group's hosts (with its descendants), or a host
//   web*, ~web\d+     glob (fnmatch, case-sensitive) or regex (re.match:
//                     anchored at the start only) over group and host names
//   a:b  a,b          union, in order
//   a:&b              intersection; a:!b exclusion. Whatever their place in
//                     the pattern, unions apply first, then &, then !
//   web[0] web[-1] web[0:9] web[3:]
//                     subscripts on a pattern's result (inclusive ranges)
//
// The result is in Ansible's order without duplicates. --limit is a second
// pattern (entries starting with @ name a file with one pattern per line)
// whose result the selection is intersected with.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace drover::inventory {

// split_host_pattern: "a,b[1], c[2:3] , d" -> a, b[1], c[2:3], d. Without a
// comma, ':' separates too, unless the whole text is one address
// (host:port, IPv6).
std::vector<std::string> split_host_pattern(std::string_view pattern);

// Python's fnmatch.fnmatchcase: * ? [set] [!set], no escapes, whole string.
bool fnmatch_case(std::string_view pattern, std::string_view name);

// The --limit entries after @file expansion (each line of the file, stripped,
// empty lines kept as Ansible keeps them and then ignores). Throws Error
// "Unable to find limit file ..." like Ansible.
std::vector<std::string> expand_limit(std::string_view limit);

}  // namespace drover::inventory
