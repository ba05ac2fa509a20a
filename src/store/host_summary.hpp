// The fleet in numbers, for the UI's dashboard: how many hosts per status,
// business line, data center and role (GROUP BY in SQL: a few milliseconds
// at 10,000 hosts, where paging through them would be 10 requests).
#pragma once

#include "core/value.hpp"
#include "store/sqlite.hpp"

namespace drover::store {

// {"total": N, "status": {"online": n, ...}, "line": {...}, "idc": {...},
//  "role": {...}}: each field's 20 commonest values, most hosts first ("" for
// hosts without one).
Value host_summary(Connection& c);

}  // namespace drover::store
