// Bulk import and export of hosts: CSV (RFC 4180, a header row naming the
// columns) and JSON (a list of host objects).
//
// CSV columns are host_fields() in any order, hostname required; `tags` is
// a ';'-separated list, `vars` a JSON object. A UTF-8 byte order mark is
// skipped, header names are trimmed and case-insensitive ("Hostname, IP"),
// cells are trimmed of spaces.
//
// CSV injection (OWASP): export prefixes a ' to every cell that starts with
// = + - @ tab or CR (or with quotes followed by one of them), so that a
// spreadsheet shows text, not a formula; import removes one leading ' from
// such a cell, so that an export re-imports unchanged. Parsing checks every row
// before anything is written and reports the first bad one as ImportError
// with its 1-based row (the header is row 1) and column name (or item index
// and field for JSON). import_hosts() then writes all rows in the caller's
// transaction: a host whose hostname exists is updated, others created.
#pragma once

#include <string>
#include <vector>

#include "store/hosts.hpp"

namespace drover::store {

class ImportError : public StoreError {
 public:
  ImportError(int row, std::string column, const std::string& message)
      : StoreError(message), row_(row), column_(std::move(column)) {}
  int row() const { return row_; }  // CSV: 1-based line of the record; JSON: 0-based index
  const std::string& column() const { return column_; }

 private:
  int row_;
  std::string column_;
};

std::vector<Host> parse_hosts_csv(const std::string& text);
std::vector<Host> parse_hosts_json(const Value& list);

std::string hosts_to_csv(const std::vector<Host>& hosts);
Value hosts_to_json(const std::vector<Host>& hosts);

struct ImportCounts {
  int created = 0;
  int updated = 0;
};
ImportCounts import_hosts(Connection& c, const std::vector<Host>& hosts);

}  // namespace drover::store
