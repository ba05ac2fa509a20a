// Host names as inventories write them: an address with an optional port,
// and ranges that stand for many hosts (web[01:50].cdn.net, db-[a:f]).
//
// Follows ansible-core 2.14 (parsing/utils/addresses.py and the inventory
// plugins' _expand_hostpattern): "host:22" and "[::1]:22" carry a port, a
// string that is not a valid address is kept whole as a host name, and
// ranges expand left to right, zero-padded when the start has a leading 0.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace drover::inventory {

struct ParsedAddress {
  std::string host;
  std::optional<int> port;
};

// Ansible's parse_address: nullopt when `address` is not a hostname, IPv4 or
// IPv6 address (with optional port). With allow_ranges false, a host holding
// a range is not valid either.
std::optional<ParsedAddress> parse_address(std::string_view address, bool allow_ranges);

// Expands every [begin:end] or [begin:end:step] range in `name`. Throws
// drover::Error (without location; the caller adds it) for a bad range.
std::vector<std::string> expand_host_range(std::string_view name);

// A host key of an INI or YAML inventory: the host names it stands for and
// the port it gives them, if any.
struct HostEntry {
  std::vector<std::string> names;
  std::optional<int> port;
};
HostEntry expand_host_entry(std::string_view pattern);

}  // namespace drover::inventory
