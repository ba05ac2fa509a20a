#include "store/host_groups.hpp"

#include <algorithm>

namespace drover::store {
namespace {

void load_members(Connection& c, HostGroup& g) {
  auto s = c.prepare(
      "SELECT h.hostname FROM host_group_members m JOIN hosts h ON h.id = m.host_id WHERE m.group_id = ? "
      "ORDER BY h.hostname");
  s.bind(1, g.id);
  g.members.clear();
  while (s.step()) g.members.push_back(s.text(0));
}

HostGroup read_group(Statement& s) {
  HostGroup g;
  g.id = s.integer(0);
  g.name = s.text(1);
  g.description = s.text(2);
  if (auto q = s.optional_text(3)) g.query = Value::parse(*q, nullptr, false);
  g.vars = Value::parse(s.text(4), nullptr, false);
  g.created = s.text(5);
  g.updated = s.text(6);
  return g;
}

constexpr const char* kColumns = "id, name, description, query, vars, created, updated";

}  // namespace

HostFilter query_filter(const Value& query) {
  if (!query.is_object()) throw FieldError("query", "field 'query' must be an object of host fields");
  HostFilter f;
  for (auto it = query.begin(); it != query.end(); ++it) {
    if (!it->is_string()) throw FieldError("query", "field 'query': values must be strings");
    std::string v = it->get<std::string>();
    const std::string& k = it.key();
    if (k == "role") f.role = v;
    else if (k == "line") f.line = v;
    else if (k == "idc") f.idc = v;
    else if (k == "region") f.region = v;
    else if (k == "platform") f.platform = v;
    else if (k == "machine_type") f.machine_type = v;
    else if (k == "status") f.status = v;
    else if (k == "tag") f.tag = v;
    else if (k == "q") f.q = v;
    else throw FieldError("query", "field 'query': '" + k + "' is not a host filter");
  }
  return f;
}

HostGroup parse_group(const Value& obj, HostGroup g) {
  if (!obj.is_object()) throw FieldError("", "a group must be a JSON object");
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string& k = it.key();
    const Value& v = it.value();
    if (k == "name") {
      if (!v.is_string()) throw FieldError(k, "field 'name' must be a string");
      g.name = v.get<std::string>();
    } else if (k == "description") {
      if (!v.is_string()) throw FieldError(k, "field 'description' must be a string");
      g.description = v.get<std::string>();
    } else if (k == "query") {
      if (v.is_null()) {
        g.query.reset();
      } else {
        query_filter(v);
        g.query = v;
      }
    } else if (k == "hosts") {
      if (!v.is_array()) throw FieldError(k, "field 'hosts' must be a list of hostnames");
      g.members.clear();
      for (const auto& h : v) {
        if (!h.is_string()) throw FieldError(k, "field 'hosts' must be a list of hostnames");
        g.members.push_back(h.get<std::string>());
      }
    } else if (k == "vars") {
      if (!v.is_object()) throw FieldError(k, "field 'vars' must be an object");
      g.vars = v;
    } else {
      throw FieldError(k, "unknown field '" + k + "'");
    }
  }
  if (g.name.empty()) throw FieldError("name", "field 'name' is required");
  for (unsigned char ch : g.name)
    if (!std::isalnum(ch) && ch != '_')
      throw FieldError("name", "group name '" + g.name + "' may hold only letters, digits and _");
  if (g.query && !g.members.empty())
    throw FieldError("hosts", "a group is either a saved query or a list of hosts, not both");
  return g;
}

Value group_to_json(const HostGroup& g) {
  return {{"id", g.id},
          {"name", g.name},
          {"description", g.description},
          {"query", g.query ? *g.query : Value(nullptr)},
          {"hosts", g.members},
          {"vars", g.vars},
          {"created", g.created},
          {"updated", g.updated}};
}

std::vector<HostGroup> list_groups(Connection& c) {
  auto s = c.prepare(std::string("SELECT ") + kColumns + " FROM host_groups ORDER BY name");
  std::vector<HostGroup> out;
  while (s.step()) out.push_back(read_group(s));
  for (auto& g : out) load_members(c, g);
  return out;
}

std::pair<std::vector<HostGroup>, int64_t> list_groups_page(Connection& c, int64_t limit, int64_t offset) {
  int64_t total = 0;
  {
    auto n = c.prepare("SELECT COUNT(*) FROM host_groups");
    n.step();
    total = n.integer(0);
  }
  std::vector<HostGroup> out;
  {
    auto s = c.prepare(std::string("SELECT ") + kColumns + " FROM host_groups ORDER BY name LIMIT ? OFFSET ?");
    s.bind(1, limit).bind(2, offset);
    while (s.step()) out.push_back(read_group(s));
  }
  for (auto& g : out) load_members(c, g);
  return {std::move(out), total};
}

std::optional<HostGroup> find_group(Connection& c, int64_t id) {
  auto s = c.prepare(std::string("SELECT ") + kColumns + " FROM host_groups WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  HostGroup g = read_group(s);
  load_members(c, g);
  return g;
}

HostGroup write_group(Connection& c, HostGroup g) {
  std::string now = now_timestamp();
  std::optional<std::string> query = g.query ? std::optional(g.query->dump()) : std::nullopt;
  try {
    if (g.id == 0) {
      c.prepare("INSERT INTO host_groups (name, description, query, vars, created, updated) VALUES (?, ?, ?, ?, ?, ?)")
          .bind(1, g.name).bind(2, g.description).bind(3, query).bind(4, g.vars.dump()).bind(5, now).bind(6, now).run();
      g.id = c.last_insert_id();
    } else {
      c.prepare("UPDATE host_groups SET name = ?, description = ?, query = ?, vars = ?, updated = ? WHERE id = ?")
          .bind(1, g.name).bind(2, g.description).bind(3, query).bind(4, g.vars.dump()).bind(5, now).bind(6, g.id).run();
    }
  } catch (const ConstraintError&) {
    throw ConstraintError("group '" + g.name + "' exists");
  }
  c.prepare("DELETE FROM host_group_members WHERE group_id = ?").bind(1, g.id).run();
  for (const auto& name : g.members) {
    auto h = find_host_by_name(c, name);
    if (!h) throw FieldError("hosts", "no host '" + name + "' in the CMDB");
    c.prepare("INSERT INTO host_group_members (group_id, host_id) VALUES (?, ?) ON CONFLICT DO NOTHING").bind(1, g.id).bind(2, h->id).run();
  }
  return *find_group(c, g.id);
}

bool delete_group(Connection& c, int64_t id) {
  c.prepare("DELETE FROM host_groups WHERE id = ?").bind(1, id).run();
  return c.changes() > 0;
}

std::vector<Host> group_hosts(Connection& c, const HostGroup& g) {
  HostFilter f = g.query ? query_filter(*g.query) : HostFilter{};
  if (!g.query) f.group_id = g.id;
  return all_hosts(c, f);
}

std::pair<std::vector<Host>, int64_t> group_hosts_page(Connection& c, const HostGroup& g, int64_t limit,
                                                       int64_t offset) {
  HostFilter f = g.query ? query_filter(*g.query) : HostFilter{};
  if (!g.query) f.group_id = g.id;
  f.limit = limit;
  f.offset = offset;
  return list_hosts(c, f);
}

}  // namespace drover::store
