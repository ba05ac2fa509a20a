#include "server/automation/record_pages.hpp"

#include "server/api_error.hpp"
#include "server/context.hpp"
#include "server/metrics.hpp"
#include "store/audit.hpp"

namespace drover::server {

Value paged_rows(store::Database& db, const RowQuery& q, const Page& page,
                 const std::function<Value(store::Statement&)>& row) {
  std::string where = q.filter ? " WHERE " + q.filter_column + " = ?" : "";
  auto [items, total] = db.read([&](store::Connection& c) {
    Value items = Value::array();
    auto s = c.prepare("SELECT " + q.columns + " FROM " + q.table + where + " ORDER BY " + q.order +
                       " LIMIT ? OFFSET ?");
    int i = 1;
    if (q.filter) s.bind(i++, *q.filter);
    s.bind(i, page.limit);
    s.bind(i + 1, page.offset);
    while (s.step()) items.push_back(row(s));
    auto n = c.prepare("SELECT COUNT(*) FROM " + q.table + where);
    if (q.filter) n.bind(1, *q.filter);
    n.step();
    return std::make_pair(items, n.integer(0));
  });
  return page_body(items, total, page);
}

void delete_with_audit(store::Database& db, const Call& call, const std::string& table, const std::string& what,
                       int64_t id) {
  db.write([&](store::Connection& c) {
    c.prepare("DELETE FROM " + table + " WHERE id = ?").bind(1, id).run();
    if (c.changes() == 0) throw ApiError::not_found("no " + what + " " + std::to_string(id));
    store::append_audit(c, audit_entry(call, "delete", table, std::to_string(id)));
  });
}

void add_count_metric(Metrics& metrics, store::Database& db, const std::string& name, const std::string& help,
                      const std::string& table, const std::string& column) {
  metrics.add_collector([&db, name, help, table, column](std::string& out) {
    std::string lines;
    try {
      db.read([&](store::Connection& c) {
        auto s = c.prepare("SELECT " + column + ", COUNT(*) FROM " + table + " GROUP BY " + column);
        while (s.step())
          lines += name + "{" + column + "=\"" + s.text(0) + "\"} " + std::to_string(s.integer(1)) + "\n";
      });
    } catch (const std::exception&) {
      return;  // a locked or busy database: this scrape goes without
    }
    out += "# HELP " + name + " " + help + "\n# TYPE " + name + " gauge\n" + lines;
  });
}

}  // namespace drover::server
