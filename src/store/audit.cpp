#include "store/audit.hpp"

namespace drover::store {

void append_audit(Connection& c, AuditEntry e) {
  c.prepare(
       "INSERT INTO audit (time, user_id, username, address, action, resource, resource_id, details) "
       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, now_timestamp())
      .bind(2, e.user_id)
      .bind(3, e.username)
      .bind(4, e.address)
      .bind(5, e.action)
      .bind(6, e.resource)
      .bind(7, e.resource_id)
      .bind(8, e.details.dump())
      .run();
}

std::pair<std::vector<AuditEntry>, int64_t> list_audit(Connection& c, const AuditFilter& f) {
  const char* where = " WHERE (? IS NULL OR resource = ?) AND (? IS NULL OR action = ?) AND (? IS NULL OR username = ?)";
  auto bind_filter = [&](Statement& s) {
    s.bind(1, f.resource).bind(2, f.resource).bind(3, f.action).bind(4, f.action).bind(5, f.username).bind(6,
                                                                                                         f.username);
  };
  auto count = c.prepare(std::string("SELECT COUNT(*) FROM audit") + where);
  bind_filter(count);
  count.step();
  int64_t total = count.integer(0);
  auto s = c.prepare(
      std::string("SELECT id, time, user_id, username, address, action, resource, resource_id, details FROM audit") +
      where + " ORDER BY id DESC LIMIT ? OFFSET ?");
  bind_filter(s);
  s.bind(7, f.limit).bind(8, f.offset);
  std::vector<AuditEntry> out;
  while (s.step()) {
    AuditEntry e;
    e.id = s.integer(0);
    e.time = s.text(1);
    e.user_id = s.optional_integer(2);
    e.username = s.text(3);
    e.address = s.text(4);
    e.action = s.text(5);
    e.resource = s.text(6);
    e.resource_id = s.text(7);
    e.details = Value::parse(s.text(8), nullptr, false);
    out.push_back(std::move(e));
  }
  return {std::move(out), total};
}

}  // namespace drover::store
