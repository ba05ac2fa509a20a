// What the automation routes share for their tables: a page of rows (a
// resource's list, or one record's log) with its total, a delete with its
// audit entry in the same transaction, NULL columns as JSON null, and a
// /metrics gauge of a log table's rows by one column.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/value.hpp"
#include "server/request.hpp"
#include "server/router.hpp"
#include "store/sqlite.hpp"

namespace drover::server {

class Metrics;

// A column that may be NULL, as JSON.
template <class T>
Value or_null(const std::optional<T>& v) {
  return v ? Value(*v) : Value(nullptr);
}

struct RowQuery {
  std::string table, columns;     // FROM table, SELECT columns
  std::string filter_column;      // "" or: WHERE filter_column = filter
  std::optional<int64_t> filter;  // no value: every row
  std::string order;              // ORDER BY
};

// {"items", "total", "limit", "offset"} with `row` reading each.
Value paged_rows(store::Database& db, const RowQuery& q, const Page& page,
                 const std::function<Value(store::Statement&)>& row);

// Deletes row `id` of `table` and appends the audit entry (action delete,
// resource `table`); 404 "no <what> <id>" when there is none.
void delete_with_audit(store::Database& db, const Call& call, const std::string& table, const std::string& what,
                       int64_t id);

// At each scrape: `name{column="value"} count` per value of `column` in
// `table` (a GROUP BY read; nothing when the read fails).
void add_count_metric(Metrics& metrics, store::Database& db, const std::string& name, const std::string& help,
                      const std::string& table, const std::string& column);

}  // namespace drover::server
