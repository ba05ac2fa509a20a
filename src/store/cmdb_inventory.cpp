#include "store/cmdb_inventory.hpp"

#include <filesystem>

#include "inventory/source_plugins.hpp"
#include "store/host_groups.hpp"
#include "store/hosts.hpp"
#include "store/store.hpp"

namespace drover::store {

std::string safe_group_name(const std::string& text) {
  std::string out;
  for (unsigned char ch : text) out += (std::isalnum(ch) || ch == '_') ? static_cast<char>(ch) : '_';
  if (!out.empty() && std::isdigit(static_cast<unsigned char>(out[0]))) out = "_" + out;
  return out;
}

bool load_cmdb_inventory(inventory::Inventory& inv, Database& db) {
  HostFilter all;
  std::vector<Host> hosts = db.read([&](Connection& c) { return all_hosts(c, all); });
  for (const Host& h : hosts) {
    inventory::Host& ih = inv.add_host(h.hostname);
    Value fields = {{"cmdb_id", h.id},     {"hostname", h.hostname}, {"ip", h.ip},         {"role", h.role},
                    {"platform", h.platform}, {"machine_type", h.machine_type}, {"line", h.line},
                    {"idc", h.idc},        {"region", h.region},     {"status", h.status}, {"tags", h.tags}};
    for (auto it = fields.begin(); it != fields.end(); ++it) inv.set_variable(ih.name, it.key(), it.value());
    if (!h.ip.empty() && !h.vars.contains("ansible_host")) inv.set_variable(ih.name, "ansible_host", h.ip);
    for (auto it = h.vars.begin(); it != h.vars.end(); ++it) inv.set_variable(ih.name, it.key(), it.value());
    std::vector<std::string> groups;
    const std::pair<const char*, const std::string*> by_field[] = {
        {"role", &h.role}, {"line", &h.line},         {"idc", &h.idc},       {"region", &h.region},
        {"platform", &h.platform}, {"machine_type", &h.machine_type}, {"status", &h.status}};
    for (const auto& [field, value] : by_field)
      if (!value->empty()) groups.push_back(safe_group_name(std::string(field) + "_" + *value));
    for (const auto& tag : h.tags) groups.push_back(safe_group_name(tag));
    for (const auto& g : groups) {
      if (g.empty() || g == "all" || g == "ungrouped") continue;
      inv.add_group(g);
      inv.add_child(g, ih.name);
    }
  }
  // CMDB groups (static or saved queries) by their own names, with vars.
  db.read([&](Connection& c) {
    for (const HostGroup& g : list_groups(c)) {
      inv.add_group(g.name);
      for (auto it = g.vars.begin(); it != g.vars.end(); ++it) inv.set_variable(g.name, it.key(), it.value());
      for (const Host& h : group_hosts(c, g)) inv.add_child(g.name, h.hostname);
    }
  });
  return !hosts.empty();
}

void register_cmdb_inventory_source() {
  inventory::register_source_plugin(kCmdbSourcePrefix, [](inventory::Inventory& inv, const std::string& source) {
    std::string dir = source.substr(std::string(kCmdbSourcePrefix).size());
    if (dir.empty()) dir = "./var";
    if (!std::filesystem::exists(std::filesystem::path(dir) / "drover.db"))
      throw StoreError("inventory source " + source + ": no drover data directory at " + dir +
                       " (expected " + dir + "/drover.db)");
    StoreOptions options;
    options.readers = 1;
    Store store(dir, options);
    return load_cmdb_inventory(inv, store.db());
  });
}

}  // namespace drover::store
