// Network facts of Linux hosts (ansible-core 2.14's LinuxNetwork): per
// interface facts from /sys/class/net, addresses from one `ip addr show`
// (Ansible runs two `ip addr show` per interface), default routes from
// `ip route get`. Without `ip` (Ansible then reports no network facts at
// all) drover still reports the interfaces from /sys, IPv6 addresses from
// /proc/net/if_inet6 and the default IPv4 route from /proc/net/route.
#include <arpa/inet.h>

#include <algorithm>

#include "core/strings.hpp"
#include "modules/facts_collectors.hpp"

namespace drover {
namespace {

const char* const kNet = "/sys/class/net/";

std::string ipv4_from_bits(uint32_t bits) {
  char buf[INET_ADDRSTRLEN];
  uint32_t be = htonl(bits);
  inet_ntop(AF_INET, &be, buf, sizeof buf);
  return buf;
}

std::string interface_type(const std::string& code) {
  static const std::map<std::string, std::string> types = {
      {"1", "ether"}, {"32", "infiniband"}, {"512", "ppp"}, {"772", "loopback"}, {"65534", "tunnel"}};
  auto it = types.find(code);
  return it == types.end() ? "unknown" : it->second;
}

struct NetState {
  Value interfaces = Value::object();  // by device name, Ansible's insertion order
  std::map<std::string, std::string> raw_mac;
  Value default_ipv4 = Value::object();
  Value default_ipv6 = Value::object();
  Value all_ipv4 = Value::array();
  Value all_ipv6 = Value::array();
};

Value ipv4_entry(const std::string& address, const std::string& prefix, const std::string& broadcast,
                 std::string* netmask_out, std::string* network_out) {
  in_addr a{};
  inet_pton(AF_INET, address.c_str(), &a);
  int len = std::atoi(prefix.c_str());
  uint32_t mask = len <= 0 ? 0 : len >= 32 ? 0xffffffffu : ~((1u << (32 - len)) - 1);
  std::string netmask = ipv4_from_bits(mask), network = ipv4_from_bits(ntohl(a.s_addr) & mask);
  *netmask_out = netmask;
  *network_out = network;
  return {{"address", address}, {"broadcast", broadcast}, {"netmask", netmask}, {"network", network},
          {"prefix", prefix}};
}

// One device's block of `ip addr show`, as Ansible's parse_ip_output reads
// `ip addr show primary dev X` and then `secondary`.
void parse_addresses(NetState& st, const std::string& device, const std::vector<std::string>& lines, bool secondary) {
  for (const auto& line : lines) {
    auto words = split_whitespace(line);
    if (words.empty()) continue;
    bool is_secondary = std::find(words.begin(), words.end(), "secondary") != words.end();
    if (is_secondary != secondary) continue;
    if (words[0] == "inet" && words.size() > 1) {
      std::string address = words[1], prefix = "32", broadcast;
      size_t slash = address.find('/');
      if (slash != std::string::npos) {
        prefix = address.substr(slash + 1);
        address = address.substr(0, slash);
        if (words.size() > 3 && words[2] == "brd") broadcast = words[3];
      }
      std::string netmask, network;
      Value entry = ipv4_entry(address, prefix, broadcast, &netmask, &network);
      std::string iface = words.back();
      Value& target = st.interfaces[iface == device ? device : iface];
      if (iface != device) target = Value::object();
      if (!secondary && !target.contains("ipv4")) {
        target["ipv4"] = entry;
      } else {
        if (!target.contains("ipv4_secondaries")) target["ipv4_secondaries"] = Value::array();
        target["ipv4_secondaries"].push_back(entry);
      }
      if (secondary) {
        Value& d = st.interfaces[device];
        if (!d.contains("ipv4_secondaries")) d["ipv4_secondaries"] = Value::array();
        if (device != iface) d["ipv4_secondaries"].push_back(entry);
      }
      Value& def = st.default_ipv4;
      if (def.contains("address") && def["address"] == address) {
        def["broadcast"] = broadcast;
        def["netmask"] = netmask;
        def["network"] = network;
        def["prefix"] = prefix;
        def["macaddress"] = st.raw_mac.count(device) ? st.raw_mac[device] : "unknown";
        def["mtu"] = st.interfaces[device].value("mtu", Value());
        def["type"] = st.interfaces[device].value("type", std::string("unknown"));
        def["alias"] = words.back();
      }
      if (!starts_with(address, "127.")) st.all_ipv4.push_back(address);
    } else if (words[0] == "inet6" && words.size() > 3) {
      std::string address, prefix, scope;
      if (words[2] == "peer" && words.size() > 5) {
        address = words[1];
        prefix = words[3].substr(words[3].find('/') + 1);
        scope = words[5];
      } else {
        size_t slash = words[1].find('/');
        address = words[1].substr(0, slash);
        prefix = slash == std::string::npos ? "" : words[1].substr(slash + 1);
        scope = words[3];
      }
      Value& d = st.interfaces[device];
      if (!d.contains("ipv6")) d["ipv6"] = Value::array();
      d["ipv6"].push_back({{"address", address}, {"prefix", prefix}, {"scope", scope}});
      Value& def = st.default_ipv6;
      if (def.contains("address") && def["address"] == address) {
        def["prefix"] = prefix;
        def["scope"] = scope;
        def["macaddress"] = st.raw_mac.count(device) ? st.raw_mac[device] : "unknown";
        def["mtu"] = d.value("mtu", Value());
        def["type"] = d.value("type", std::string("unknown"));
      }
      if (address != "::1") st.all_ipv6.push_back(address);
    }
  }
}

// `ip -4 route get 8.8.8.8`: "8.8.8.8 via 192.0.2.1 dev eth0 src 192.0.2.2 uid 0"
Value default_route(const std::string& out, const std::string& target) {
  Value r = Value::object();
  auto lines = split_lines(out);
  if (lines.empty()) return r;
  auto w = split_whitespace(lines[0]);
  if (w.empty() || w[0] != target) return r;
  for (size_t i = 0; i + 1 < w.size(); ++i) {
    if (w[i] == "dev") r["interface"] = w[i + 1];
    else if (w[i] == "src") r["address"] = w[i + 1];
    else if (w[i] == "via" && w[i + 1] != target) r["gateway"] = w[i + 1];
  }
  return r;
}

// "link -> ../../devices/.../virtio2" lines of `ls -l`: path -> target.
std::map<std::string, std::string> symlinks(const std::string& ls) {
  std::map<std::string, std::string> out;
  for (const auto& line : split_lines(ls)) {
    size_t arrow = line.find(" -> ");
    size_t start = line.find(kNet);
    if (arrow == std::string::npos || start == std::string::npos || start > arrow) continue;
    out[line.substr(start, arrow - start)] = line.substr(arrow + 4);
  }
  return out;
}

std::string basename_of(const std::string& p) { return p.substr(p.rfind('/') + 1); }

void sys_facts(const FactsInput& in, NetState& st, const std::string& device) {
  std::string path = kNet + device;
  Value& d = st.interfaces[device];
  d["device"] = device;
  if (auto mac = in.file(path + "/address")) {
    st.raw_mac[device] = *mac;
    if (!mac->empty() && *mac != "00:00:00:00:00:00") d["macaddress"] = *mac;
  }
  if (auto mtu = in.file(path + "/mtu")) d["mtu"] = std::atoi(mtu->c_str());
  if (auto op = in.file(path + "/operstate")) d["active"] = *op != "down";
  auto links = symlinks(in.section("netlinks"));
  auto mod = links.find(path + "/device/driver/module");
  if (mod != links.end()) d["module"] = basename_of(mod->second);
  if (auto t = in.file(path + "/type")) d["type"] = interface_type(*t);
  if (in.exists(path + "/bridge")) {
    d["type"] = "bridge";
    Value members = Value::array();
    for (const auto& p : in.existing)
      if (starts_with(p, path + "/brif/")) members.push_back(basename_of(p));
    d["interfaces"] = members;
    if (auto id = in.file(path + "/bridge/bridge_id")) d["id"] = *id;
    if (auto stp = in.file(path + "/bridge/stp_state")) d["stp"] = *stp == "1";
  }
  if (in.exists(path + "/bonding")) {
    d["type"] = "bonding";
    d["slaves"] = split_whitespace(in.file_or(path + "/bonding/slaves", ""));
    auto first = [&](const char* f) {
      auto w = split_whitespace(in.file_or(path + "/bonding/" + f, ""));
      return w.empty() ? std::string() : w[0];
    };
    d["mode"] = first("mode");
    d["miimon"] = first("miimon");
    d["lacp_rate"] = first("lacp_rate");
    if (auto primary = in.file(path + "/bonding/primary")) {
      d["primary"] = *primary;
      if (auto all = in.file(path + "/bonding/all_slaves_active")) d["all_slaves_active"] = *all == "1";
    }
  }
  if (auto perm = in.file(path + "/bonding_slave/perm_hwaddr")) d["perm_macaddress"] = *perm;
  auto dev = links.find(path + "/device");
  if (dev != links.end()) d["pciid"] = basename_of(dev->second);
  if (auto speed = in.file(path + "/speed")) d["speed"] = std::atoi(speed->c_str());
  if (auto flags = in.file(path + "/flags")) d["promisc"] = (std::stoul(*flags, nullptr, 16) & 0x100) != 0;
}

// /proc/net/if_inet6: "fd000000000000000000000000000002 02 40 00 80 eth0"
void proc_ipv6(const FactsInput& in, NetState& st) {
  static const std::map<std::string, std::string> scopes = {{"00", "global"}, {"10", "host"}, {"20", "link"},
                                                            {"40", "admin"},  {"50", "site"}, {"80", "organization"}};
  for (const auto& line : split_lines(in.files.count("/proc/net/if_inet6") ? in.files.at("/proc/net/if_inet6") : "")) {
    auto w = split_whitespace(line);
    if (w.size() < 6 || w[0].size() != 32 || !st.interfaces.contains(w[5])) continue;
    unsigned char bytes[16];
    for (int i = 0; i < 16; ++i) bytes[i] = static_cast<unsigned char>(std::stoi(w[0].substr(i * 2, 2), nullptr, 16));
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, bytes, buf, sizeof buf);
    auto sc = scopes.find(w[3]);
    Value& d = st.interfaces[w[5]];
    if (!d.contains("ipv6")) d["ipv6"] = Value::array();
    d["ipv6"].push_back({{"address", buf},
                         {"prefix", std::to_string(std::stoi(w[2], nullptr, 16))},
                         {"scope", sc == scopes.end() ? w[3] : sc->second}});
    if (std::string(buf) != "::1") st.all_ipv6.push_back(buf);
  }
  for (const auto& line : split_lines(in.files.count("/proc/net/route") ? in.files.at("/proc/net/route") : "")) {
    auto w = split_whitespace(line);
    if (w.size() < 3 || w[1] != "00000000") continue;
    uint32_t gw = static_cast<uint32_t>(std::stoul(w[2], nullptr, 16));  // little-endian in the file
    st.default_ipv4 = {{"interface", w[0]}, {"gateway", ipv4_from_bits(ntohl(gw))}};
    break;
  }
}

}  // namespace

void collect_network(const FactsInput& in, Value& f, const FactsRequest&) {
  NetState st;
  // Devices: those in /sys/class/net, in `ip addr` order (ifindex) first.
  std::vector<std::string> sys_devices;
  for (const auto& p : in.existing) {
    if (!starts_with(p, kNet)) continue;
    std::string rest = p.substr(std::string(kNet).size());
    if (!rest.empty() && rest.find('/') == std::string::npos) sys_devices.push_back(rest);
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> blocks;  // device, its lines
  for (const auto& line : split_lines(in.section("ipaddr"))) {
    if (!line.empty() && std::isdigit(static_cast<unsigned char>(line[0]))) {
      auto w = split_whitespace(line);
      if (w.size() < 2) continue;
      std::string name = w[1].substr(0, w[1].size() - 1);  // "eth0:" or "veth1@if5:"
      name = name.substr(0, name.find('@'));
      blocks.push_back({name, {}});
    } else if (!blocks.empty()) {
      blocks.back().second.push_back(line);
    }
  }
  std::vector<std::string> order;
  for (const auto& [name, lines] : blocks)
    if (std::find(sys_devices.begin(), sys_devices.end(), name) != sys_devices.end()) order.push_back(name);
  for (const auto& d : sys_devices)
    if (std::find(order.begin(), order.end(), d) == order.end()) order.push_back(d);

  bool have_ip = in.has_section("ipaddr");
  if (have_ip) {
    st.default_ipv4 = default_route(in.section("route4"), "8.8.8.8");
    st.default_ipv6 = default_route(in.section("route6"), "2404:6800:400a:800::1012");
  }
  for (const auto& device : order) {
    sys_facts(in, st, device);
    if (!have_ip) continue;
    for (const auto& [name, lines] : blocks) {
      if (name != device) continue;
      parse_addresses(st, device, lines, false);
      parse_addresses(st, device, lines, true);
    }
  }
  if (!have_ip) proc_ipv6(in, st);

  Value names = Value::array();
  for (auto it = st.interfaces.begin(); it != st.interfaces.end(); ++it) {
    std::string name = it.key();
    std::replace(name.begin(), name.end(), ':', '_');
    names.push_back(name);
    f[name] = it.value();
  }
  f["interfaces"] = names;
  f["default_ipv4"] = st.default_ipv4;
  f["default_ipv6"] = st.default_ipv6;
  f["all_ipv4_addresses"] = st.all_ipv4;
  f["all_ipv6_addresses"] = st.all_ipv6;
}

}  // namespace drover
