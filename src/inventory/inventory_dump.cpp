#include "inventory/inventory_dump.hpp"

#include <algorithm>
#include <map>

#include "core/pyrepr.hpp"

namespace drover::inventory {
namespace {

// cli/inventory.py INTERNAL_VARS.
bool internal_var(const std::string& k) {
  static const std::unordered_set<std::string> names = {
      "ansible_diff_mode", "ansible_config_file", "ansible_facts", "ansible_forks", "ansible_inventory_sources",
      "ansible_limit", "ansible_playbook_python", "ansible_run_tags", "ansible_skip_tags", "ansible_verbosity",
      "ansible_version", "inventory_dir", "inventory_file", "inventory_hostname", "inventory_hostname_short",
      "groups", "group_names", "omit", "playbook_dir"};
  return names.count(k) > 0;
}

Value without_internal(const Value& v) {
  Value out = Value::object();
  for (auto it = v.begin(); it != v.end(); ++it)
    if (!internal_var(it.key())) out[it.key()] = it.value();
  return out;
}

// Adds a key known to be new. ordered_json finds keys by linear search, so
// building a 10,000-host object through operator[] would be quadratic.
void append_new_key(Value& obj, const std::string& key, Value v) {
  static_cast<Value::object_t::Container&>(obj.get_ref<Value::object_t&>())
      .emplace_back(key, std::move(v));
}

class HostFilter {
 public:
  HostFilter(const Inventory& inv, const DumpOptions& opts) : all_(opts.only == nullptr) {
    if (!all_) {
      in_.assign(inv.hosts().size(), 0);
      for (const Host* h : *opts.only)
        if (!h->implicit) in_[h->id] = 1;
    }
  }
  bool operator()(const Host& h) const { return all_ || (!h.implicit && in_[h.id]); }

 private:
  bool all_;
  std::vector<char> in_;
};

}  // namespace

Value host_dump_vars(const Inventory& inv, const Host& h, bool export_vars) {
  if (!export_vars) return without_internal(inv.vars_for(h));
  Value v = h.vars;
  for (const auto& d : inv.vars_directories()) {
    const Value& hv = d->host_vars(h.name);
    for (auto it = hv.begin(); it != hv.end(); ++it) v[it.key()] = it.value();
  }
  return without_internal(v);
}

Value group_dump_vars(const Inventory& inv, const Group& g) { return without_internal(inv.group_vars_for(g)); }

Value list_document(const Inventory& inv, const DumpOptions& opts) {
  HostFilter keep(inv, opts);
  Value out = Value::object();
  std::unordered_set<GroupId> seen;
  // format_group of cli/inventory.py, children before the group is final.
  auto format = [&](auto&& self, const Group& g) -> void {
    Value entry = Value::object();
    if (g.id != 0) {
      Value hosts = Value::array();
      for (HostId h : g.hosts)
        if (keep(inv.host(h))) hosts.push_back(inv.host(h).name);
      entry["hosts"] = std::move(hosts);
    }
    Value children = Value::array();
    for (GroupId c : g.children) {
      children.push_back(inv.group(c).name);
      if (!seen.count(c)) {
        self(self, inv.group(c));
        seen.insert(c);
      }
    }
    entry["children"] = std::move(children);
    if (opts.export_vars) entry["vars"] = group_dump_vars(inv, g);
    for (const char* k : {"hosts", "vars", "children"})
      if (entry.contains(k) && entry[k].empty()) entry.erase(k);
    if (!entry.empty()) out[g.name] = std::move(entry);
    else out.erase(g.name);
  };
  format(format, inv.all_group());
  // Children lists name groups whose entries may have been dropped as
  // empty: Ansible keeps those names, and so does drover.
  Value hostvars = Value::object();
  for (const Host* h : inv.hosts_of(inv.all_group())) {
    if (!keep(*h)) continue;
    Value v = host_dump_vars(inv, *h, opts.export_vars);
    if (!v.empty()) append_new_key(hostvars, h->name, std::move(v));
  }
  out["_meta"] = Value{{"hostvars", std::move(hostvars)}};
  return out;
}

Value yaml_list_document(const Inventory& inv, const DumpOptions& opts) {
  HostFilter keep(inv, opts);
  std::unordered_set<std::string> seen;
  auto format = [&](auto&& self, const Group& g) -> Value {
    Value entry = Value::object();
    Value children = Value::object();
    for (GroupId c : g.children)
      if (inv.group(c).name != "all") {
        Value sub = self(self, inv.group(c));
        for (auto it = sub.begin(); it != sub.end(); ++it) children[it.key()] = it.value();
      }
    entry["children"] = std::move(children);
    Value hosts = Value::object();
    if (g.id != 0)
      for (HostId id : g.hosts) {
        const Host& h = inv.host(id);
        if (!keep(h)) continue;
        Value v = Value::object();
        if (seen.insert(h.name).second) v = host_dump_vars(inv, h, opts.export_vars);
        append_new_key(hosts, h.name, std::move(v));
      }
    entry["hosts"] = std::move(hosts);
    if (opts.export_vars) {
      Value gv = group_dump_vars(inv, g);
      if (!gv.empty()) entry["vars"] = std::move(gv);
    }
    for (const char* k : {"hosts", "vars", "children"})
      if (entry.contains(k) && entry[k].empty()) entry.erase(k);
    Value out = Value::object();
    out[g.name] = std::move(entry);
    return out;
  };
  return format(format, inv.all_group());
}

std::string graph_text(const Inventory& inv, const Group& start, const DumpOptions& opts) {
  HostFilter keep(inv, opts);
  std::string out;
  auto line = [&](const std::string& name, int depth) {
    if (!out.empty()) out += '\n';
    for (int i = 0; i < depth; ++i) out += "  |";
    if (depth) out += "--";
    out += name;
  };
  auto show_vars = [&](const Value& vars, int depth) {
    std::map<std::string, const Value*> sorted;
    for (auto it = vars.begin(); it != vars.end(); ++it) sorted[it.key()] = &it.value();
    for (const auto& [k, v] : sorted) line("{" + k + " = " + to_display_string(*v) + "}", depth);
  };
  auto group = [&](auto&& self, const Group& g, int depth) -> void {
    line("@" + g.name + ":", depth);
    ++depth;
    for (GroupId c : g.children) self(self, inv.group(c), depth);
    if (g.id != 0)
      for (HostId id : g.hosts) {
        const Host& h = inv.host(id);
        if (!keep(h)) continue;
        line(h.name, depth);
        if (opts.show_vars) show_vars(host_dump_vars(inv, h, opts.export_vars), depth + 1);
      }
    if (opts.show_vars) show_vars(group_dump_vars(inv, g), depth);
  };
  group(group, start, 0);
  return out;
}

}  // namespace drover::inventory
