#include "store/host_summary.hpp"

namespace drover::store {

Value host_summary(Connection& c) {
  Value out = Value::object();
  auto total = c.prepare("SELECT COUNT(*) FROM hosts");
  total.step();
  out["total"] = total.integer(0);
  // Column names from this fixed list only: never from a request.
  for (const char* field : {"status", "line", "idc", "role"}) {
    auto s = c.prepare(std::string("SELECT ") + field + ", COUNT(*) FROM hosts GROUP BY " + field +
                       " ORDER BY 2 DESC, 1 LIMIT 20");
    Value counts = Value::object();
    while (s.step()) counts[s.text(0)] = s.integer(1);
    out[field] = std::move(counts);
  }
  return out;
}

}  // namespace drover::store
