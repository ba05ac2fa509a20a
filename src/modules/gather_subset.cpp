#include "modules/gather_subset.hpp"

#include <map>

#include "core/error.hpp"
#include "core/strings.hpp"

namespace drover {
namespace {

// Collector name -> the fact ids it also answers to (ansible-core 2.14
// _fact_ids of the Linux and generic collectors).
const std::map<std::string, std::vector<std::string>>& collector_aliases() {
  static const std::map<std::string, std::vector<std::string>> m = {
      {"platform", {"system", "kernel", "kernel_version", "machine", "python_version", "architecture", "machine_id"}},
      {"distribution", {"distribution_version", "distribution_release", "distribution_major_version", "os_family"}},
      {"lsb", {}},
      {"selinux", {}},
      {"apparmor", {}},
      {"chroot", {"is_chroot"}},
      {"fips", {}},
      {"python", {}},
      {"caps", {"system_capabilities", "system_capabilities_enforced"}},
      {"pkg_mgr", {}},
      {"service_mgr", {}},
      {"cmdline", {}},
      {"date_time", {}},
      {"env", {}},
      {"loadavg", {}},
      {"ssh_pub_keys",
       {"ssh_host_pub_keys", "ssh_host_key_dsa_public", "ssh_host_key_rsa_public", "ssh_host_key_ecdsa_public",
        "ssh_host_key_ed25519_public"}},
      {"user",
       {"user_id", "user_uid", "user_gid", "user_gecos", "user_dir", "user_shell", "real_user_id", "effective_user_id",
        "effective_group_ids"}},
      {"virtual",
       {"virtualization_type", "virtualization_role", "virtualization_tech_guest", "virtualization_tech_host"}},
      {"hardware", {"processor", "processor_cores", "processor_count", "mounts", "devices"}},
      {"dns", {}},
      {"fibre_channel_wwn", {}},
      {"network", {"interfaces", "default_ipv4", "default_ipv6", "all_ipv4_addresses", "all_ipv6_addresses"}},
      {"iscsi", {}},
      {"nvme", {}},
      {"local", {}},
      {"facter", {"facter"}},
      {"ohai", {}},
  };
  return m;
}

// required_facts of the Linux collectors.
const std::map<std::string, std::vector<std::string>>& collector_requires() {
  static const std::map<std::string, std::vector<std::string>> m = {
      {"network", {"distribution", "platform"}},
      {"hardware", {"platform"}},
      {"pkg_mgr", {"distribution"}},
      {"service_mgr", {"platform", "distribution"}},
  };
  return m;
}

// A valid subset name -> the collector it selects.
const std::map<std::string, std::string>& subset_to_collector() {
  static const std::map<std::string, std::string> m = [] {
    std::map<std::string, std::string> r;
    for (const auto& [name, ids] : collector_aliases()) {
      r[name] = name;
      for (const auto& id : ids) r.emplace(id, name);
    }
    return r;
  }();
  return m;
}

}  // namespace

const std::set<std::string>& minimal_gather_subset() {
  static const std::set<std::string> s = {"apparmor", "caps",     "cmdline",  "date_time",   "distribution", "dns",
                                          "env",      "fips",     "local",    "lsb",         "pkg_mgr",      "platform",
                                          "python",   "selinux",  "service_mgr", "ssh_pub_keys", "user"};
  return s;
}

std::set<std::string> resolve_gather_subset(const std::vector<std::string>& requested) {
  const auto& valid = subset_to_collector();
  std::set<std::string> valid_names;
  for (const auto& [k, v] : valid) valid_names.insert(k);
  const auto& minimal = minimal_gather_subset();

  std::vector<std::string> subsets = {"min"};
  if (requested.empty())
    subsets.push_back("all");
  else
    subsets.insert(subsets.end(), requested.begin(), requested.end());

  std::set<std::string> add, exclude, explicit_add;
  for (const auto& s : subsets) {
    if (s == "min") {
      add.insert(minimal.begin(), minimal.end());
      continue;
    }
    if (s == "all") {
      add.insert(valid_names.begin(), valid_names.end());
      continue;
    }
    if (starts_with(s, "!")) {
      std::string name = s.substr(1);
      if (name == "min") {
        exclude.insert(minimal.begin(), minimal.end());
      } else if (name == "all") {
        for (const auto& n : valid_names)
          if (!minimal.count(n)) exclude.insert(n);
      } else {
        // '!hardware' also excludes 'devices', 'processor', ... (its aliases)
        auto it = collector_aliases().find(name);
        if (it != collector_aliases().end()) exclude.insert(it->second.begin(), it->second.end());
        exclude.insert(name);
      }
      continue;
    }
    if (!valid_names.count(s)) {
      std::vector<std::string> names(valid_names.begin(), valid_names.end());
      throw Error("Bad subset '" + s + "' given to Ansible. gather_subset options allowed: all, " + join(names, ", "));
    }
    explicit_add.insert(s);
    add.insert(s);
  }
  if (add.empty()) add = valid_names;
  for (const auto& e : exclude)
    if (!explicit_add.count(e)) add.erase(e);

  // Subset names -> collectors, then what those collectors need.
  std::set<std::string> collectors;
  for (const auto& s : add) collectors.insert(valid.at(s));
  std::vector<std::string> todo(collectors.begin(), collectors.end());
  while (!todo.empty()) {
    std::string c = todo.back();
    todo.pop_back();
    auto it = collector_requires().find(c);
    if (it == collector_requires().end()) continue;
    for (const auto& dep : it->second)
      if (collectors.insert(dep).second) todo.push_back(dep);
  }
  return collectors;
}

}  // namespace drover
