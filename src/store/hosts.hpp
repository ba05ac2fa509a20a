// The CMDB's hosts: records, validation, queries.
//
// A host is a hostname (unique, no spaces) with the fields operations teams
// filter by (ip, role, platform, machine_type, line, idc, region, status
// online|offline|maintenance), free tags and free-form vars (a JSON object).
// parse_host() is the one validation used by the API, CSV/JSON import and
// `drover hosts add`, so every entry point accepts and refuses the same
// things. Queries take a Connection from Database::read()/write().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "store/sqlite.hpp"

namespace drover::store {

struct Host {
  int64_t id = 0;
  std::string hostname, ip, role, platform, machine_type, line, idc, region;
  std::string status = "online";
  std::vector<std::string> tags;
  Value vars = Value::object();
  std::string created, updated;
};

// A field that does not validate: which one and why.
class FieldError : public StoreError {
 public:
  FieldError(std::string field, const std::string& message) : StoreError(message), field_(std::move(field)) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

// The fields a host has, in CSV column order.
const std::vector<std::string>& host_fields();
// The fields that can be filtered by value (and become inventory groups).
const std::vector<std::string>& host_group_fields();

// `obj`'s fields applied over `base` (a new Host for create, the stored one
// for a partial update). Unknown fields, wrong types, a bad status or
// hostname throw FieldError. id/created/updated in `obj` are refused.
Host parse_host(const Value& obj, Host base = {});
Value host_to_json(const Host& h);

struct HostFilter {
  std::optional<std::string> role, line, idc, region, platform, machine_type, status, tag, q;
  std::optional<int64_t> group_id;  // static members of a group
  std::string sort = "hostname";    // any host_group_fields(), hostname, id, created, updated
  bool descending = false;
  int64_t limit = 50, offset = 0;
};
// Sort fields that list_hosts accepts.
const std::vector<std::string>& host_sort_fields();

// The page of hosts that match, and how many match in all.
std::pair<std::vector<Host>, int64_t> list_hosts(Connection& c, const HostFilter& filter);
// The same page as JSON text: the array of host_to_json(host).dump() of
// list_hosts, written straight from the rows (the list endpoint's hot path),
// and the total.
std::pair<std::string, int64_t> list_hosts_json(Connection& c, const HostFilter& filter);
// Every matching host (limit ignored), in filter.sort order.
std::vector<Host> all_hosts(Connection& c, const HostFilter& filter);

std::optional<Host> find_host(Connection& c, int64_t id);
std::optional<Host> find_host_by_name(Connection& c, const std::string& hostname);
// Throws ConstraintError for a duplicate hostname.
Host insert_host(Connection& c, Host h);
// Writes every field of h (by h.id); false when there is no such host.
bool update_host(Connection& c, Host h);
bool delete_host(Connection& c, int64_t id);

}  // namespace drover::store
