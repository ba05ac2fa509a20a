// The audit log: one row per change (who, what, when, from which address).
//
// append_audit() takes the Connection of the write transaction that makes
// the change, so the change and its entry commit or roll back together.
// `details` never holds a secret (callers pass field names, not values, for
// passwords, tokens and credentials).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "store/sqlite.hpp"

namespace drover::store {

struct AuditEntry {
  int64_t id = 0;
  std::string time;                // set by append_audit
  std::optional<int64_t> user_id;  // nullopt: the system (first start)
  std::string username;
  std::string address;
  std::string action;       // create update delete login revoke import ...
  std::string resource;     // hosts users tokens ...
  std::string resource_id;  // the record's id, may be empty
  Value details = Value::object();
};

void append_audit(Connection& c, AuditEntry entry);

struct AuditFilter {
  std::optional<std::string> resource, action, username;
  int64_t limit = 50, offset = 0;
};
// Newest first, and the total that match.
std::pair<std::vector<AuditEntry>, int64_t> list_audit(Connection& c, const AuditFilter& filter);

}  // namespace drover::store
