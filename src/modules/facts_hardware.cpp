// Hardware facts of Linux hosts: processors, memory, DMI, uptime, mounts
// (ansible-core 2.14's LinuxHardware), from /proc and /sys read in one go
// and one `stat -f` over the mount points.
//
// Not produced: devices and device_links (block devices from sysfs),
// and LVM details (lvm is "N/A" as on hosts without vgs).
#include <algorithm>

#include "core/strings.hpp"
#include "modules/facts_collectors.hpp"

namespace drover {
namespace {

void cpu_facts(const FactsInput& in, Value& f) {
  auto cpuinfo = in.files.find("/proc/cpuinfo");
  if (cpuinfo == in.files.end()) return;
  bool xen = in.exists("/proc/xen") || in.file_or("/sys/hypervisor/type", "") == "xen";
  bool xen_paravirt = false;
  int i = 0, vendor_count = 0, model_count = 0, processor_count = 0;
  std::string physid = "0", coreid = "0";
  // Python dicts keep insertion order: "the first socket's value" matters.
  std::vector<std::pair<std::string, int>> sockets, cores;
  auto find = [](std::vector<std::pair<std::string, int>>& v, const std::string& k) {
    return std::find_if(v.begin(), v.end(), [&](auto& p) { return p.first == k; });
  };
  Value processor = Value::array();
  std::optional<int> cores_from_hash;
  for (const auto& line : split_lines(cpuinfo->second)) {
    size_t colon = line.find(':');
    std::string key = trim(line.substr(0, colon));
    std::string val = colon == std::string::npos ? "" : trim(line.substr(colon + 1));
    if (xen && key == "flags" && val.find("vme") == std::string::npos) xen_paravirt = true;
    if (key == "model name" || key == "Processor" || key == "vendor_id" || key == "cpu" || key == "Vendor" ||
        key == "processor") {
      processor.push_back(val);
      if (key == "vendor_id") ++vendor_count;
      if (key == "model name") ++model_count;
      if (key == "processor") ++processor_count;
      ++i;
    } else if (key == "physical id") {
      physid = val;
      if (find(sockets, physid) == sockets.end()) sockets.push_back({physid, 1});
    } else if (key == "core id") {
      coreid = val;
      // (sic) Ansible tests sockets here, so every core id is recorded.
      if (find(sockets, coreid) == sockets.end()) {
        auto it = find(cores, coreid);
        if (it == cores.end()) cores.push_back({coreid, 1});
        else it->second = 1;
      }
    } else if (key == "cpu cores") {
      auto it = find(sockets, physid);
      if (it == sockets.end()) sockets.push_back({physid, std::atoi(val.c_str())});
      else it->second = std::atoi(val.c_str());
    } else if (key == "siblings") {
      auto it = find(cores, coreid);
      if (it == cores.end()) cores.push_back({coreid, std::atoi(val.c_str())});
      else it->second = std::atoi(val.c_str());
    } else if (key == "# processors") {
      cores_from_hash = std::atoi(val.c_str());
    } else if (key == "ncpus active") {
      i = std::atoi(val.c_str());
    }
  }
  f["processor"] = processor;
  if (vendor_count > 0 && vendor_count == model_count) i = vendor_count;
  std::string arch = f.value("architecture", std::string());
  if (starts_with(arch, "armv") || starts_with(arch, "aarch") || starts_with(arch, "ppc")) i = processor_count;
  if (arch == "s390x") return;
  if (xen_paravirt) {
    f["processor_count"] = i;
    f["processor_cores"] = i;
    f["processor_threads_per_core"] = 1;
    f["processor_vcpus"] = i;
    return;
  }
  int count = sockets.empty() ? i : static_cast<int>(sockets.size());
  int ncores = !sockets.empty() && sockets.front().second ? sockets.front().second : (cores_from_hash ? *cores_from_hash : 1);
  int threads = !cores.empty() ? cores.front().second / ncores : 1 / ncores;
  f["processor_count"] = count;
  f["processor_cores"] = ncores;
  f["processor_threads_per_core"] = threads;
  f["processor_vcpus"] = threads * count * ncores;
  // os.sched_getaffinity(0): the shell's Cpus_allowed_list ("0-3,6").
  int nproc = processor_count;
  for (const auto& line : split_lines(in.files.count("/proc/self/status") ? in.files.at("/proc/self/status") : "")) {
    if (!starts_with(line, "Cpus_allowed_list:")) continue;
    nproc = 0;
    for (const auto& range : split(trim(line.substr(18)), ',')) {
      size_t dash = range.find('-');
      if (dash == std::string::npos) nproc += range.empty() ? 0 : 1;
      else nproc += std::atoi(range.substr(dash + 1).c_str()) - std::atoi(range.substr(0, dash).c_str()) + 1;
    }
  }
  f["processor_nproc"] = nproc;
}

void memory_facts(const FactsInput& in, Value& f) {
  auto meminfo = in.files.find("/proc/meminfo");
  if (meminfo == in.files.end()) return;
  std::map<std::string, long long> m;
  for (const auto& line : split_lines(meminfo->second)) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    auto words = split_whitespace(line.substr(colon + 1));
    if (words.empty()) continue;
    long long mb = std::atoll(words[0].c_str()) / 1024;
    if (key == "MemTotal" || key == "SwapTotal" || key == "MemFree" || key == "SwapFree")
      f[to_lower(key) + "_mb"] = mb;
    if (key == "MemTotal" || key == "SwapTotal" || key == "MemFree" || key == "SwapFree" || key == "Buffers" ||
        key == "Cached" || key == "SwapCached")
      m[to_lower(key)] = mb;
  }
  auto get = [&](const char* k) -> Value { return m.count(k) ? Value(m[k]) : Value(); };
  Value real_used, nocache_free, nocache_used, swap_used;
  if (m.count("memtotal") && m.count("memfree")) real_used = m["memtotal"] - m["memfree"];
  if (m.count("cached") && m.count("memfree") && m.count("buffers"))
    nocache_free = m["cached"] + m["memfree"] + m["buffers"];
  if (m.count("memtotal") && !nocache_free.is_null()) nocache_used = m["memtotal"] - nocache_free.get<long long>();
  if (m.count("swaptotal") && m.count("swapfree")) swap_used = m["swaptotal"] - m["swapfree"];
  f["memory_mb"] = {
      {"real", {{"total", get("memtotal")}, {"used", real_used}, {"free", get("memfree")}}},
      {"nocache", {{"free", nocache_free}, {"used", nocache_used}}},
      {"swap", {{"total", get("swaptotal")}, {"free", get("swapfree")}, {"used", swap_used}, {"cached", get("swapcached")}}},
  };
}

void dmi_facts(const FactsInput& in, Value& f) {
  static const char* const form_factors[] = {
      "Unknown", "Other", "Unknown", "Desktop", "Low Profile Desktop", "Pizza Box", "Mini Tower", "Tower",
      "Portable", "Laptop", "Notebook", "Hand Held", "Docking Station", "All In One", "Sub Notebook",
      "Space-saving", "Lunch Box", "Main Server Chassis", "Expansion Chassis", "Sub Chassis",
      "Bus Expansion Chassis", "Peripheral Chassis", "RAID Chassis", "Rack Mount Chassis", "Sealed-case PC",
      "Multi-system", "CompactPCI", "AdvancedTCA", "Blade", "Blade Enclosure", "Tablet", "Convertible",
      "Detachable", "IoT Gateway", "Embedded PC", "Mini PC", "Stick PC"};
  static const std::vector<std::pair<const char*, const char*>> keys = {
      {"bios_date", "bios_date"}, {"bios_vendor", "bios_vendor"}, {"bios_version", "bios_version"},
      {"board_asset_tag", "board_asset_tag"}, {"board_name", "board_name"}, {"board_serial", "board_serial"},
      {"board_vendor", "board_vendor"}, {"board_version", "board_version"},
      {"chassis_asset_tag", "chassis_asset_tag"}, {"chassis_serial", "chassis_serial"},
      {"chassis_vendor", "chassis_vendor"}, {"chassis_version", "chassis_version"}, {"form_factor", "chassis_type"},
      {"product_name", "product_name"}, {"product_serial", "product_serial"}, {"product_uuid", "product_uuid"},
      {"product_version", "product_version"}, {"system_vendor", "sys_vendor"}};
  bool have_sysfs = in.exists("/sys/devices/virtual/dmi/id/product_name");
  for (const auto& [fact, file] : keys) {
    auto v = have_sysfs ? in.file(std::string("/sys/devices/virtual/dmi/id/") + file) : std::nullopt;
    if (!v) {
      f[fact] = "NA";
    } else if (std::string(fact) == "form_factor") {
      int n = std::atoi(v->c_str());
      f[fact] = n >= 0 && n < static_cast<int>(std::size(form_factors)) ? std::string(form_factors[n])
                                                                          : "unknown (" + *v + ")";
    } else {
      f[fact] = *v;
    }
  }
}

// "\040" in /proc/mounts fields -> " " (Ansible's _replace_octal_escapes).
std::string unescape_octal(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])) && std::isdigit(static_cast<unsigned char>(s[i + 2])) &&
        std::isdigit(static_cast<unsigned char>(s[i + 3]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

void mount_facts(const FactsInput& in, Value& f) {
  // statvfs per mount point: "%s %S %b %a %c %d %n" (bsize frsize blocks
  // bavail files ffree name).
  std::map<std::string, std::vector<long long>> stats;
  for (const auto& line : split_lines(in.section("statfs"))) {
    auto w = split_whitespace(line);
    if (w.size() < 7) continue;
    size_t pos = 0;
    for (int k = 0; k < 6; ++k) pos = line.find(w[k], pos) + w[k].size();
    std::string name = line.substr(line.find_first_not_of(' ', pos));
    std::vector<long long> v;
    for (int k = 0; k < 6; ++k) v.push_back(std::atoll(w[k].c_str()));
    stats[name] = v;
  }
  std::map<std::string, std::string> uuids;
  for (const auto& line : split_lines(in.section("lsblk"))) {
    auto w = split_whitespace(line);
    if (w.size() >= 2 && !uuids.count(w[0])) uuids[w[0]] = w.back();
  }
  // Bind mounts: a mountinfo root other than "/" (what findmnt shows as
  // device[/path]); Ansible adds ",bind" to their options.
  std::set<std::string> binds;
  for (const auto& line : split_lines(in.files.count("/proc/self/mountinfo") ? in.files.at("/proc/self/mountinfo") : "")) {
    auto w = split_whitespace(line);
    if (w.size() > 4 && w[3] != "/") binds.insert(unescape_octal(w[4]));
  }
  Value mounts = Value::array();
  for (const auto& line : split_lines(in.files.count("/proc/mounts") ? in.files.at("/proc/mounts") : "")) {
    auto w = split_whitespace(line);
    if (w.size() < 4) continue;
    for (auto& x : w) x = unescape_octal(x);
    const std::string &device = w[0], &mount = w[1], &fstype = w[2];
    if ((!starts_with(device, "/") && !starts_with(device, "\\") && device.find(":/") == std::string::npos) ||
        fstype == "none")
      continue;
    Value m = {{"mount", mount}, {"device", device}, {"fstype", fstype}, {"options", w[3]}};
    if (binds.count(mount) && w[3].find("bind") == std::string::npos) m["options"] = w[3] + ",bind";
    auto st = stats.find(mount);
    if (st != stats.end()) {
      const auto& v = st->second;
      m["size_total"] = v[1] * v[2];
      m["size_available"] = v[1] * v[3];
      m["block_size"] = v[0];
      m["block_total"] = v[2];
      m["block_available"] = v[3];
      m["block_used"] = v[2] - v[3];
      m["inode_total"] = v[4];
      m["inode_available"] = v[5];
      m["inode_used"] = v[4] - v[5];
    }
    m["uuid"] = uuids.count(device) && !uuids[device].empty() ? uuids[device] : "N/A";
    mounts.push_back(m);
  }
  f["mounts"] = mounts;
}

}  // namespace

void collect_hardware(const FactsInput& in, Value& f, const FactsRequest&) {
  cpu_facts(in, f);
  memory_facts(in, f);
  dmi_facts(in, f);
  if (auto up = in.file("/proc/uptime")) f["uptime_seconds"] = static_cast<long long>(std::atof(up->c_str()));
  f["lvm"] = "N/A";
  mount_facts(in, f);
}

}  // namespace drover
