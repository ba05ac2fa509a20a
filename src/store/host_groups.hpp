// CMDB groups: a named set of hosts, either static (a member list) or a
// saved query (host fields to match, as the hosts list filters them:
// {"role": "cache", "line": "telecom", "tag": "edge"}), with group vars.
// The CMDB inventory turns each into an inventory group of the same name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "store/hosts.hpp"
#include "store/sqlite.hpp"

namespace drover::store {

struct HostGroup {
  int64_t id = 0;
  std::string name, description;
  std::optional<Value> query;        // set: a saved query
  std::vector<std::string> members;  // hostnames of a static group
  Value vars = Value::object();
  std::string created, updated;
};

// Validates a group from JSON over `base` (FieldError on bad input;
// unknown member hostnames are refused in write_group).
HostGroup parse_group(const Value& obj, HostGroup base = {});
Value group_to_json(const HostGroup& g);
// A saved query as a host filter (FieldError for unknown fields).
HostFilter query_filter(const Value& query);

std::vector<HostGroup> list_groups(Connection& c);
// One page of groups by name (LIMIT/OFFSET in SQL) and how many there are.
std::pair<std::vector<HostGroup>, int64_t> list_groups_page(Connection& c, int64_t limit, int64_t offset);
std::optional<HostGroup> find_group(Connection& c, int64_t id);
// Inserts (g.id == 0) or updates the group and its members. Throws
// ConstraintError for a duplicate name, FieldError for an unknown member.
HostGroup write_group(Connection& c, HostGroup g);
bool delete_group(Connection& c, int64_t id);
// The group's hosts (members or query matches), by hostname.
std::vector<Host> group_hosts(Connection& c, const HostGroup& g);
// One page of them (in SQL) and how many there are.
std::pair<std::vector<Host>, int64_t> group_hosts_page(Connection& c, const HostGroup& g, int64_t limit,
                                                       int64_t offset);

}  // namespace drover::store
