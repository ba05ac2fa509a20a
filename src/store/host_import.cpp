#include "store/host_import.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>

namespace drover::store {
namespace {

// RFC 4180 records: fields split by ',', quoted fields with "" escapes and
// embedded newlines. `lines` gets each record's starting line number.
std::vector<std::vector<std::string>> split_csv(const std::string& text, std::vector<int>& lines) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, field_started = false;
  int line = 1, record_line = 1;
  auto end_field = [&] {
    record.push_back(field);
    field.clear();
    field_started = false;
  };
  auto end_record = [&] {
    end_field();
    bool blank = record.size() == 1 && record[0].empty();
    if (!blank) {
      records.push_back(record);
      lines.push_back(record_line);
    }
    record.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (quoted) {
      if (ch == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (ch == '\n') ++line;
        field += ch;
      }
      continue;
    }
    if (ch == '"' && !field_started && field.empty()) {
      quoted = field_started = true;
    } else if (ch == ',') {
      end_field();
    } else if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else if (ch == '\n') {
      end_record();
      record_line = ++line;
    } else {
      field += ch;
      field_started = true;
    }
  }
  if (quoted) throw ImportError(record_line, "", "row " + std::to_string(record_line) + ": unterminated quoted field");
  if (!field.empty() || !record.empty()) end_record();
  return records;
}

// OWASP's CSV injection rule: a cell that starts with = + - @ tab or CR is
// a formula to a spreadsheet; a leading ' makes it text. Cells that start
// with quotes before such a character get one more, so that import (which
// strips one ' before them) gives back exactly what was exported.
bool formula_like(const std::string& s) {
  size_t i = s.find_first_not_of('\'');
  if (i == std::string::npos) return false;
  char ch = s[i];
  return ch == '=' || ch == '+' || ch == '-' || ch == '@' || ch == '\t' || ch == '\r';
}

std::string defuse_formula(const std::string& s) { return formula_like(s) ? "'" + s : s; }

std::string restore_formula(const std::string& s) {
  return !s.empty() && s[0] == '\'' && formula_like(s) ? s.substr(1) : s;
}

std::string trim_spaces(const std::string& s) {
  size_t b = s.find_first_not_of(' ');
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

void check_unique(const std::vector<Host>& hosts, bool csv, const std::vector<int>& rows) {
  std::set<std::string> seen;
  for (size_t i = 0; i < hosts.size(); ++i) {
    if (!seen.insert(hosts[i].hostname).second) {
      int row = csv ? rows[i] : static_cast<int>(i);
      throw ImportError(row, "hostname",
                        std::string(csv ? "row " : "item ") + std::to_string(row) + ": hostname '" +
                            hosts[i].hostname + "' appears twice");
    }
  }
}

}  // namespace

std::vector<Host> parse_hosts_csv(const std::string& input) {
  // Spreadsheets save "CSV UTF-8" with a byte order mark.
  std::string_view text = input;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<int> lines;
  auto records = split_csv(std::string(text), lines);
  if (records.empty()) throw ImportError(1, "", "the CSV is empty: it needs a header row with hostname");
  // "hostname, ip": names are trimmed and compared in lower case.
  std::vector<std::string> header;
  for (const auto& name : records[0]) {
    std::string n = trim_spaces(name);
    for (char& ch : n) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    header.push_back(n);
  }
  const auto& known = host_fields();
  std::set<std::string> seen;
  for (const auto& name : header) {
    if (std::find(known.begin(), known.end(), name) == known.end())
      throw ImportError(1, name, "row 1: unknown column '" + name + "'");
    if (!seen.insert(name).second) throw ImportError(1, name, "row 1: column '" + name + "' appears twice");
  }
  if (!seen.count("hostname")) throw ImportError(1, "hostname", "row 1: the header has no hostname column");
  std::vector<Host> hosts;
  std::vector<int> rows;
  for (size_t r = 1; r < records.size(); ++r) {
    const auto& rec = records[r];
    int row = lines[r];
    std::string where = "row " + std::to_string(row);
    if (rec.size() != header.size())
      throw ImportError(row, "",
                        where + ": " + std::to_string(rec.size()) + " fields, the header has " +
                            std::to_string(header.size()));
    Value obj = Value::object();
    for (size_t col = 0; col < header.size(); ++col) {
      const std::string& name = header[col];
      const std::string cell = restore_formula(trim_spaces(rec[col]));
      if (name == "tags") {
        Value tags = Value::array();
        size_t start = 0;
        while (start <= cell.size()) {
          size_t end = cell.find(';', start);
          if (end == std::string::npos) end = cell.size();
          std::string tag = cell.substr(start, end - start);
          while (!tag.empty() && tag.front() == ' ') tag.erase(0, 1);
          while (!tag.empty() && tag.back() == ' ') tag.pop_back();
          if (!tag.empty()) tags.push_back(tag);
          start = end + 1;
        }
        obj[name] = tags;
      } else if (name == "vars") {
        if (cell.empty()) continue;
        Value vars = Value::parse(cell, nullptr, false);
        if (vars.is_discarded() || !vars.is_object())
          throw ImportError(row, name, where + ", column vars: not a JSON object");
        obj[name] = vars;
      } else if (name == "status" && cell.empty()) {
        continue;
      } else {
        obj[name] = cell;
      }
    }
    try {
      hosts.push_back(parse_host(obj));
    } catch (const FieldError& e) {
      throw ImportError(row, e.field(), where + ", column " + e.field() + ": " + e.message());
    }
    rows.push_back(row);
  }
  check_unique(hosts, true, rows);
  return hosts;
}

std::vector<Host> parse_hosts_json(const Value& list) {
  const Value* items = &list;
  if (list.is_object() && list.contains("items")) items = &list["items"];
  if (!items->is_array()) throw ImportError(0, "", "a JSON import must be a list of hosts");
  std::vector<Host> hosts;
  for (size_t i = 0; i < items->size(); ++i) {
    Value obj = (*items)[i];
    if (obj.is_object()) {
      // An export's read-only fields are ignored so that exports re-import.
      obj.erase("id");
      obj.erase("created");
      obj.erase("updated");
    }
    try {
      hosts.push_back(parse_host(obj));
    } catch (const FieldError& e) {
      throw ImportError(static_cast<int>(i), e.field(), "item " + std::to_string(i) + ": " + e.message());
    }
  }
  check_unique(hosts, false, {});
  return hosts;
}

std::string hosts_to_csv(const std::vector<Host>& hosts) {
  std::string out;
  const auto& fields = host_fields();
  for (size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + fields[i];
  out += "\n";
  for (const Host& h : hosts) {
    std::string tags;
    for (const auto& t : h.tags) tags += (tags.empty() ? "" : ";") + t;
    std::vector<std::string> cells = {h.hostname, h.ip,  h.role,   h.platform, h.machine_type, h.line,
                                      h.idc,      h.region, h.status, tags,
                                      h.vars.empty() ? std::string() : h.vars.dump()};
    for (size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csv_quote(defuse_formula(cells[i]));
    out += "\n";
  }
  return out;
}

Value hosts_to_json(const std::vector<Host>& hosts) {
  Value out = Value::array();
  for (const Host& h : hosts) out.push_back(host_to_json(h));
  return out;
}

ImportCounts import_hosts(Connection& c, const std::vector<Host>& hosts) {
  ImportCounts counts;
  for (const Host& h : hosts) {
    auto existing = find_host_by_name(c, h.hostname);
    if (existing) {
      Host updated = h;
      updated.id = existing->id;
      update_host(c, updated);
      ++counts.updated;
    } else {
      insert_host(c, h);
      ++counts.created;
    }
  }
  return counts;
}

}  // namespace drover::store
