#include "store/hosts.hpp"

#include <algorithm>

namespace drover::store {
namespace {

constexpr const char* kColumns =
    "id, hostname, ip, role, platform, machine_type, line, idc, region, status, tags, vars, created, updated";

Host read_host(Statement& s) {
  Host h;
  h.id = s.integer(0);
  h.hostname = s.text(1);
  h.ip = s.text(2);
  h.role = s.text(3);
  h.platform = s.text(4);
  h.machine_type = s.text(5);
  h.line = s.text(6);
  h.idc = s.text(7);
  h.region = s.text(8);
  h.status = s.text(9);
  Value tags = Value::parse(s.text(10), nullptr, false);
  if (tags.is_array())
    for (const auto& t : tags)
      if (t.is_string()) h.tags.push_back(t.get<std::string>());
  h.vars = Value::parse(s.text(11), nullptr, false);
  if (!h.vars.is_object()) h.vars = Value::object();
  h.created = s.text(12);
  h.updated = s.text(13);
  return h;
}

bool valid_hostname(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (unsigned char ch : name)
    if (ch <= ' ' || ch == ',' || ch == '[' || ch == ']' || ch == ':' || ch == 0x7f) return false;
  return true;
}

std::string string_field(const Value& v, const std::string& field) {
  if (!v.is_string()) throw FieldError(field, "field '" + field + "' must be a string");
  std::string s = v.get<std::string>();
  if (s.size() > 1024) throw FieldError(field, "field '" + field + "' is longer than 1024 characters");
  return s;
}

// "a%b_c" -> "a\%b\_c" for LIKE ... ESCAPE '\'.
std::string like_pattern(const std::string& text) {
  std::string out = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "%";
}

struct Where {
  std::string sql;
  std::vector<std::string> args;
  std::optional<int64_t> group_id;
};

Where build_where(const HostFilter& f) {
  Where w;
  auto eq = [&](const char* column, const std::optional<std::string>& value) {
    if (!value) return;
    w.sql += std::string(w.sql.empty() ? " WHERE " : " AND ") + column + " = ?";
    w.args.push_back(*value);
  };
  eq("role", f.role);
  eq("line", f.line);
  eq("idc", f.idc);
  eq("region", f.region);
  eq("platform", f.platform);
  eq("machine_type", f.machine_type);
  eq("status", f.status);
  if (f.tag) {
    w.sql += std::string(w.sql.empty() ? " WHERE " : " AND ") + "id IN (SELECT host_id FROM host_tags WHERE tag = ?)";
    w.args.push_back(*f.tag);
  }
  if (f.q) {
    w.sql += std::string(w.sql.empty() ? " WHERE " : " AND ") +
             "(hostname LIKE ? ESCAPE '\\' OR ip LIKE ? ESCAPE '\\')";
    w.args.push_back(like_pattern(*f.q));
    w.args.push_back(like_pattern(*f.q));
  }
  if (f.group_id) {
    w.sql += std::string(w.sql.empty() ? " WHERE " : " AND ") +
             "id IN (SELECT host_id FROM host_group_members WHERE group_id = ?)";
    w.group_id = f.group_id;
  }
  return w;
}

int bind_where(Statement& s, const Where& w) {
  int i = 1;
  for (const auto& a : w.args) s.bind(i++, a);
  if (w.group_id) s.bind(i++, *w.group_id);
  return i;
}

// The number of hosts that match, memoised per connection until the
// database changes: a page of a big filter costs its 50 rows, not a count
// over every match each time.
int64_t count_hosts(Connection& c, const Where& w) {
  std::string key = "hosts" + w.sql;
  for (const auto& a : w.args) key += '\x1f' + a;
  if (w.group_id) key += '\x1f' + std::to_string(*w.group_id);
  return c.memo_number(key, [&] {
    auto count = c.prepare("SELECT COUNT(*) FROM hosts" + w.sql);
    bind_where(count, w);
    count.step();
    return count.integer(0);
  });
}

std::string order_by(const HostFilter& f) {
  const auto& allowed = host_sort_fields();
  std::string column = std::find(allowed.begin(), allowed.end(), f.sort) != allowed.end() ? f.sort : "hostname";
  std::string dir = f.descending ? " DESC" : "";
  if (column == "hostname" || column == "id") return " ORDER BY " + column + dir;
  return " ORDER BY " + column + dir + ", hostname" + dir;
}

void write_tags(Connection& c, const Host& h) {
  c.prepare("DELETE FROM host_tags WHERE host_id = ?").bind(1, h.id).run();
  for (const auto& t : h.tags) c.prepare("INSERT INTO host_tags (host_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING").bind(1, h.id).bind(2, t).run();
}

}  // namespace

const std::vector<std::string>& host_fields() {
  static const std::vector<std::string> f = {"hostname", "ip",     "role",   "platform", "machine_type",
                                             "line",     "idc",    "region", "status",   "tags",
                                             "vars"};
  return f;
}

const std::vector<std::string>& host_group_fields() {
  static const std::vector<std::string> f = {"role", "platform", "machine_type", "line", "idc", "region", "status"};
  return f;
}

const std::vector<std::string>& host_sort_fields() {
  static const std::vector<std::string> f = {"hostname", "id",     "ip",     "role",    "platform", "machine_type",
                                             "line",     "idc",    "region", "status",  "created",  "updated"};
  return f;
}

Host parse_host(const Value& obj, Host h) {
  if (!obj.is_object()) throw FieldError("", "a host must be a JSON object");
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string& k = it.key();
    const Value& v = it.value();
    if (k == "hostname") h.hostname = string_field(v, k);
    else if (k == "ip") h.ip = string_field(v, k);
    else if (k == "role") h.role = string_field(v, k);
    else if (k == "platform") h.platform = string_field(v, k);
    else if (k == "machine_type") h.machine_type = string_field(v, k);
    else if (k == "line") h.line = string_field(v, k);
    else if (k == "idc") h.idc = string_field(v, k);
    else if (k == "region") h.region = string_field(v, k);
    else if (k == "status") {
      h.status = string_field(v, k);
      if (h.status != "online" && h.status != "offline" && h.status != "maintenance")
        throw FieldError(k, "field 'status' must be online, offline or maintenance, not '" + h.status + "'");
    } else if (k == "tags") {
      if (!v.is_array()) throw FieldError(k, "field 'tags' must be a list of strings");
      h.tags.clear();
      for (const auto& t : v) {
        if (!t.is_string() || t.get<std::string>().empty())
          throw FieldError(k, "field 'tags' must be a list of non-empty strings");
        if (std::find(h.tags.begin(), h.tags.end(), t.get<std::string>()) == h.tags.end())
          h.tags.push_back(t.get<std::string>());
      }
    } else if (k == "vars") {
      if (!v.is_object()) throw FieldError(k, "field 'vars' must be an object");
      h.vars = v;
    } else if (k == "id" || k == "created" || k == "updated") {
      throw FieldError(k, "field '" + k + "' is set by the server");
    } else {
      throw FieldError(k, "unknown field '" + k + "'");
    }
  }
  if (!valid_hostname(h.hostname))
    throw FieldError("hostname", h.hostname.empty() ? "field 'hostname' is required"
                                                    : "hostname '" + h.hostname + "' has spaces or , [ ] :");
  return h;
}

Value host_to_json(const Host& h) {
  Value v = Value::object();
  v["id"] = h.id;
  v["hostname"] = h.hostname;
  v["ip"] = h.ip;
  v["role"] = h.role;
  v["platform"] = h.platform;
  v["machine_type"] = h.machine_type;
  v["line"] = h.line;
  v["idc"] = h.idc;
  v["region"] = h.region;
  v["status"] = h.status;
  v["tags"] = h.tags;
  v["vars"] = h.vars;
  v["created"] = h.created;
  v["updated"] = h.updated;
  return v;
}

std::pair<std::vector<Host>, int64_t> list_hosts(Connection& c, const HostFilter& f) {
  Where w = build_where(f);
  int64_t total = count_hosts(c, w);
  std::vector<Host> out;
  if (total > f.offset) {
    auto s = c.prepare(std::string("SELECT ") + kColumns + " FROM hosts" + w.sql + order_by(f) +
                             " LIMIT ? OFFSET ?");
    int i = bind_where(s, w);
    s.bind(i, f.limit).bind(i + 1, f.offset);
    while (s.step()) out.push_back(read_host(s));
  }
  return {std::move(out), total};
}

namespace {

// A JSON string as Value::dump writes it (no ASCII escaping); text that is
// not plain ASCII goes through Value for its UTF-8 handling.
void append_json_string(std::string& out, std::string_view s) {
  for (unsigned char ch : s)
    if (ch >= 0x80) {
      out += Value(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
    }
  static const char* kHex = "0123456789abcdef";
  out += '"';
  size_t plain = 0;  // start of the run of characters copied as they are
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[(c >> 4) & 0xf];
        out += kHex[c & 0xf];
    }
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
}

// tags and vars are stored as the compact JSON that Value::dump wrote; a
// value that is not (edited by hand) is re-read as read_host does.
void append_stored_json(std::string& out, std::string_view text, bool want_array) {
  char open = want_array ? '[' : '{', close = want_array ? ']' : '}';
  if (text.size() >= 2 && text.front() == open && text.back() == close && text.find('\n') == std::string_view::npos) {
    out += text;
    return;
  }
  Value v = Value::parse(text, nullptr, false);
  if (want_array ? !v.is_array() : !v.is_object()) v = want_array ? Value::array() : Value::object();
  out += v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::pair<std::string, int64_t> list_hosts_json(Connection& c, const HostFilter& f) {
  Where w = build_where(f);
  int64_t total = count_hosts(c, w);
  std::string out = "[";
  if (total > f.offset) {
    auto s = c.prepare(std::string("SELECT ") + kColumns + " FROM hosts" + w.sql + order_by(f) +
                             " LIMIT ? OFFSET ?");
    int i = bind_where(s, w);
    s.bind(i, f.limit).bind(i + 1, f.offset);
    static const char* kKeys[] = {"hostname", "ip", "role", "platform", "machine_type", "line", "idc", "region",
                                  "status"};
    out.reserve(static_cast<size_t>(f.limit) * 320);
    while (s.step()) {
      if (out.size() > 1) out += ',';
      out += "{\"id\":" + std::to_string(s.integer(0));
      for (int k = 0; k < 9; ++k) {
        out += ",\"";
        out += kKeys[k];
        out += "\":";
        append_json_string(out, s.text_view(k + 1));
      }
      out += ",\"tags\":";
      append_stored_json(out, s.text_view(10), true);
      out += ",\"vars\":";
      append_stored_json(out, s.text_view(11), false);
      out += ",\"created\":";
      append_json_string(out, s.text_view(12));
      out += ",\"updated\":";
      append_json_string(out, s.text_view(13));
      out += '}';
    }
  }
  out += ']';
  return {std::move(out), total};
}

std::vector<Host> all_hosts(Connection& c, const HostFilter& f) {
  Where w = build_where(f);
  auto s = c.prepare(std::string("SELECT ") + kColumns + " FROM hosts" + w.sql + order_by(f));
  bind_where(s, w);
  std::vector<Host> out;
  while (s.step()) out.push_back(read_host(s));
  return out;
}

std::optional<Host> find_host(Connection& c, int64_t id) {
  auto s = c.prepare(std::string("SELECT ") + kColumns + " FROM hosts WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_host(s);
}

std::optional<Host> find_host_by_name(Connection& c, const std::string& hostname) {
  auto s = c.prepare(std::string("SELECT ") + kColumns + " FROM hosts WHERE hostname = ?");
  s.bind(1, hostname);
  if (!s.step()) return std::nullopt;
  return read_host(s);
}

Host insert_host(Connection& c, Host h) {
  h.created = h.updated = now_timestamp();
  try {
    c.prepare(
         "INSERT INTO hosts (hostname, ip, role, platform, machine_type, line, idc, region, status, tags, vars, "
         "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, h.hostname)
        .bind(2, h.ip)
        .bind(3, h.role)
        .bind(4, h.platform)
        .bind(5, h.machine_type)
        .bind(6, h.line)
        .bind(7, h.idc)
        .bind(8, h.region)
        .bind(9, h.status)
        .bind(10, Value(h.tags).dump())
        .bind(11, h.vars.dump())
        .bind(12, h.created)
        .bind(13, h.updated)
        .run();
  } catch (const ConstraintError&) {
    throw ConstraintError("host '" + h.hostname + "' exists");
  }
  h.id = c.last_insert_id();
  write_tags(c, h);
  return h;
}

bool update_host(Connection& c, Host h) {
  h.updated = now_timestamp();
  try {
    c.prepare(
         "UPDATE hosts SET hostname = ?, ip = ?, role = ?, platform = ?, machine_type = ?, line = ?, idc = ?, "
         "region = ?, status = ?, tags = ?, vars = ?, updated = ? WHERE id = ?")
        .bind(1, h.hostname)
        .bind(2, h.ip)
        .bind(3, h.role)
        .bind(4, h.platform)
        .bind(5, h.machine_type)
        .bind(6, h.line)
        .bind(7, h.idc)
        .bind(8, h.region)
        .bind(9, h.status)
        .bind(10, Value(h.tags).dump())
        .bind(11, h.vars.dump())
        .bind(12, h.updated)
        .bind(13, h.id)
        .run();
  } catch (const ConstraintError&) {
    throw ConstraintError("host '" + h.hostname + "' exists");
  }
  if (c.changes() == 0) return false;
  write_tags(c, h);
  return true;
}

bool delete_host(Connection& c, int64_t id) {
  c.prepare("DELETE FROM hosts WHERE id = ?").bind(1, id).run();
  return c.changes() > 0;
}

}  // namespace drover::store
