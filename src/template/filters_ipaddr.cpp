// ansible.utils' ip filters, the most used collection filters after
// json_query: ipaddr, ipv4, ipv6, ipwrap and nthhost, with the queries of
// ansible.utils 2.x (ipaddr_utils) and netaddr 0.8's parsing and printing
// (IPv6 as inet_ntop prints it, as netaddr does). Queries drover does not
// have (6to4, peer, revdns) fail with a message that says so.
#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "core/strings.hpp"
#include "template/filter_support.hpp"
#include "template/template_error.hpp"

namespace drover::tmpl {
namespace {

using u128 = unsigned __int128;

struct Net {
  int version = 4;
  u128 ip = 0;
  int prefix = 32;

  int width() const { return version == 4 ? 32 : 128; }
  u128 all() const { return version == 4 ? u128(0xffffffffu) : ~u128(0); }
  u128 netmask() const { return prefix == 0 ? 0 : (all() << (width() - prefix)) & all(); }
  u128 hostmask() const { return ~netmask() & all(); }
  u128 network() const { return ip & netmask(); }
  u128 last() const { return network() | hostmask(); }
  // netaddr's size, saturated: the sizes the queries compare are small.
  u128 size() const { return width() - prefix >= 127 ? ~u128(0) : u128(1) << (width() - prefix); }
  bool has_broadcast() const { return width() - prefix > 1; }
};

std::string u128_str(u128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return s;
}

Val number(u128 v) {
  return v <= u128(INT64_MAX) ? Val::integer(static_cast<int64_t>(v)) : Val::str(u128_str(v));
}

std::string addr_str(int version, u128 v) {
  if (version == 4) {
    auto b = static_cast<uint32_t>(v);
    return std::to_string(b >> 24) + "." + std::to_string((b >> 16) & 255) + "." + std::to_string((b >> 8) & 255) +
           "." + std::to_string(b & 255);
  }
  unsigned char bytes[16];
  for (int i = 15; i >= 0; --i, v >>= 8) bytes[i] = static_cast<unsigned char>(v & 0xff);
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, bytes, buf, sizeof buf);
  return buf;
}

std::string net_str(const Net& n) { return addr_str(n.version, n.ip) + "/" + std::to_string(n.prefix); }

std::optional<u128> parse_v4(const std::string& s) {
  in_addr a{};
  if (inet_pton(AF_INET, s.c_str(), &a) == 1) return u128(ntohl(a.s_addr));
  return std::nullopt;
}

std::optional<u128> parse_v6(const std::string& s) {
  unsigned char b[16];
  if (inet_pton(AF_INET6, s.c_str(), b) != 1) return std::nullopt;
  u128 v = 0;
  for (unsigned char c : b) v = (v << 8) | c;
  return v;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// netaddr.IPNetwork(text): an address, a partial IPv4 network ("10.1"), a
// prefix length, a netmask or (IPv4) a hostmask after '/'.
std::optional<Net> parse_net(const std::string& text) {
  auto slash = text.find('/');
  std::string a = text.substr(0, slash);
  Net n;
  if (auto v4 = parse_v4(a)) {
    n.ip = *v4;
  } else if (auto v6 = parse_v6(a)) {
    n.version = 6;
    n.ip = *v6;
  } else {
    auto parts = split(a, '.');  // netaddr's expand_partial_address
    if (parts.empty() || parts.size() > 4) return std::nullopt;
    for (auto& p : parts)
      if (!all_digits(p) || p.size() > 3 || std::stoi(p) > 255) return std::nullopt;
    while (parts.size() < 4) parts.push_back("0");
    n.ip = *parse_v4(join(parts, "."));
  }
  n.prefix = n.width();
  if (slash == std::string::npos) return n;
  std::string p = text.substr(slash + 1);
  if (all_digits(p)) {
    if (p.size() > 3 || std::stoi(p) > n.width()) return std::nullopt;
    n.prefix = std::stoi(p);
    return n;
  }
  auto mask = n.version == 4 ? parse_v4(p) : std::nullopt;
  if (!mask) return std::nullopt;
  u128 m = *mask;
  u128 inverted = (~m) & u128(0xffffffffu);
  for (u128 candidate : {m, inverted}) {  // a netmask, or a hostmask
    u128 low = (~candidate & u128(0xffffffffu)) + 1;
    if ((low & (low - 1)) != 0) continue;
    int bits = 0;
    for (u128 x = candidate; x; x <<= 1, x &= u128(0xffffffffu)) ++bits;
    n.prefix = bits;
    return n;
  }
  return std::nullopt;
}

bool within(const Net& n, int version, const char* cidr) {
  if (n.version != version) return false;
  Net c = *parse_net(cidr);
  return n.network() >= c.network() && n.last() <= c.last();
}

bool is_multicast(const Net& n) { return within(n, 4, "224.0.0.0/4") || within(n, 6, "ff00::/8"); }
bool is_link_local(const Net& n) { return within(n, 4, "169.254.0.0/16") || within(n, 6, "fe80::/10"); }
bool is_private(const Net& n) {
  for (const char* c : {"10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16",
                        "198.18.0.0/15", "239.0.0.0/8"})
    if (within(n, 4, c)) return true;
  return within(n, 6, "fc00::/7") || within(n, 6, "fec0::/10") || is_link_local(n);
}

Net address_of(const Net& n) { return Net{n.version, n.ip, n.width()}; }

// The first and last usable addresses (ansible.utils' _first_last).
std::pair<u128, u128> first_last(const Net& n) {
  if (n.size() == 2) return {n.network(), n.last()};
  return {n.network() + 1, n.last() - 1};
}

enum class VType { address, network };

// One query on one parsed value (ansible.utils' query_func_map).
Val query(const Net& v, VType vtype, const std::string& q, const Val& value, const std::string& alias) {
  u128 size = v.size();
  bool is_net_addr = v.ip == v.network();
  auto s = [](const std::string& x) { return Val::str(x); };
  auto need_network = [&] {
    if (vtype == VType::address) fail("Not a network address");
  };
  if (q.empty()) return s(vtype == VType::address ? addr_str(v.version, v.ip) : net_str(v));
  if (q == "address" || q == "ip") {
    if (size == 1 || !is_net_addr || !v.has_broadcast() || v.version == 6) return s(addr_str(v.version, v.ip));
    return Val::none();
  }
  if (q == "address/prefix" || q == "gateway" || q == "gw" || q == "host/prefix" || q == "hostnet" ||
      q == "router") {
    if (size > 2 && (is_net_addr || (v.has_broadcast() && v.ip == v.last()))) return Val::boolean(false);
    return s(net_str(v));
  }
  if (q == "bool") return Val::boolean(true);
  if (q == "broadcast") return size > 2 ? s(addr_str(v.version, v.last())) : Val::none();
  if (q == "cidr" || q == "subnet" || q == "network/prefix")
    return s(q == "cidr" ? net_str(v) : net_str(Net{v.version, v.network(), v.prefix}));
  if (q == "first_usable" || q == "last_usable" || q == "range_usable" || q == "next_usable" ||
      q == "previous_usable") {
    need_network();
    if (size <= 1) return Val::none();
    auto [first, last] = first_last(v);
    if (q == "first_usable") return s(addr_str(v.version, first));
    if (q == "last_usable") return s(addr_str(v.version, last));
    if (q == "range_usable") return s(addr_str(v.version, first) + "-" + addr_str(v.version, last));
    u128 next = q == "next_usable" ? v.ip + 1 : v.ip - 1;
    return next >= first && next <= last ? s(addr_str(v.version, next)) : Val::none();
  }
  if (q == "host") {
    if (size == 1) return s(net_str(v));
    return !is_net_addr || !v.has_broadcast() ? s(net_str(v)) : Val::none();
  }
  if (q == "hostmask" || q == "wildcard") return s(addr_str(v.version, v.hostmask()));
  if (q == "int") {
    if (vtype == VType::address) return number(v.ip);
    return s(u128_str(v.ip) + "/" + std::to_string(v.prefix));
  }
  if (q == "ip/prefix" || q == "ip_netmask") {
    std::string sep = q == "ip/prefix" ? "/" + std::to_string(v.prefix) : " " + addr_str(v.version, v.netmask());
    if (size == 2 || (size > 1 && !is_net_addr)) return s(addr_str(v.version, v.ip) + sep);
    return Val::none();
  }
  if (q == "ipv4") {
    if (v.version == 4) return value;
    if ((v.ip >> 32 == 0xffff || v.ip >> 32 == 0) && v.prefix >= 96)
      return s(addr_str(4, v.ip & 0xffffffffu) + "/" + std::to_string(v.prefix - 96));
    return Val::boolean(false);
  }
  if (q == "ipv6") {
    if (v.version == 6) return value;
    return s(addr_str(6, (u128(0xffff) << 32) | v.ip) + "/" + std::to_string(v.prefix + 96));
  }
  if (q == "link-local") return is_link_local(address_of(v)) ? value : Val::none();
  if (q == "lo" || q == "loopback") {
    bool lo = v.version == 4 ? within(address_of(v), 4, "127.0.0.0/8") : v.ip == 1;
    return lo ? value : Val::none();
  }
  if (q == "multicast") return is_multicast(v) ? value : Val::none();
  if (q == "unicast") return !is_multicast(v) ? value : Val::none();
  if (q == "private") return is_private(v) ? value : Val::none();
  if (q == "public") {
    Net a = address_of(v);
    u128 as_mask = (a.ip ^ a.all()) + 1, as_host = a.ip + 1;
    bool netmask = (as_mask & (as_mask - 1)) == 0 || a.ip == 0;
    bool hostmask = (as_host & (as_host - 1)) == 0 || a.ip == a.all();
    bool loopback = v.version == 4 ? within(a, 4, "127.0.0.0/8") : a.ip == 1;
    return !is_multicast(a) && !is_private(a) && !loopback && !netmask && !hostmask ? value : Val::none();
  }
  if (q == "net") return size > 1 && is_net_addr ? s(net_str(Net{v.version, v.network(), v.prefix})) : Val::none();
  if (q == "netmask") return s(addr_str(v.version, v.netmask()));
  if (q == "network" || q == "network_id") return s(addr_str(v.version, v.network()));
  if (q == "network_netmask") return s(addr_str(v.version, v.network()) + " " + addr_str(v.version, v.netmask()));
  if (q == "network_wildcard") return s(addr_str(v.version, v.network()) + " " + addr_str(v.version, v.hostmask()));
  if (q == "prefix") return Val::integer(v.prefix);
  if (q == "size") return v.width() - v.prefix == 128 ? Val::str("340282366920938463463374607431768211456") : number(size);
  if (q == "size_usable") return size == 1 ? Val::integer(0) : size == 2 ? Val::integer(2) : number(size - 2);
  if (q == "type") return s(size == 1 || !is_net_addr ? "address" : "network");
  if (q == "version") return Val::integer(v.version);
  if (q == "wrap") {
    if (v.version == 4) return value;
    return s("[" + addr_str(6, v.ip) + "]" + (vtype == VType::network ? "/" + std::to_string(v.prefix) : ""));
  }
  if (q == "6to4" || q == "peer" || q == "revdns" || q == "cidr_lookup")
    fail(alias + ": the query '" + q + "' is not implemented natively by drover");
  // An index into the network (ipaddr(1), ipaddr('-1')).
  try {
    size_t used = 0;
    long long nth = std::stoll(q, &used);
    if (used != q.size()) return Val::boolean(false);
    if (size == 1) return s(vtype == VType::address ? addr_str(v.version, v.ip) : net_str(v));
    u128 count = size;
    if (nth < 0 ? u128(-nth) > count : u128(nth) >= count) return Val::boolean(false);
    u128 at = nth < 0 ? v.last() + 1 - u128(-nth) : v.network() + u128(nth);
    return s(addr_str(v.version, at) + "/" + std::to_string(v.prefix));
  } catch (const std::exception&) {
    fail(alias + ": unknown filter type: " + q);
  }
}

bool falsy(const Val& v) { return !v.truthy(); }

// ansible.utils' ipaddr(value, query, version, alias).
Val ipaddr(const Val& value, const Val& q, int version, const std::string& alias) {
  if (value.is_list()) {
    std::vector<Val> out;
    for (const Val& e : to_list(value)) {
      Val r = ipaddr(e, q, version, alias);
      if (!falsy(r)) out.push_back(r);
    }
    return make_list(std::move(out));
  }
  if (falsy(value) || (value.is_bool() && value.truthy())) return Val::boolean(false);
  std::string text = to_str(value);
  std::string qs = q.is_none() ? "" : to_str(q);
  Net v;
  VType vtype = VType::address;
  Val shown = value;
  if (all_digits(text)) {
    u128 n = 0;
    for (char c : text) {
      if (n > (~u128(0) - 9) / 10) return Val::boolean(false);
      n = n * 10 + static_cast<unsigned>(c - '0');
    }
    bool v6 = version == 6 || n > 0xffffffffu;
    v = Net{v6 ? 6 : 4, n, v6 ? 128 : 32};
    shown = Val::str(net_str(v));
  } else if (auto parsed = parse_net(text)) {
    v = *parsed;
    if (std::count(text.begin(), text.end(), '/') == 1) vtype = VType::network;
  } else {
    return Val::boolean(false);
  }
  // A query that is itself an address or network: is the value inside it?
  static const char* known[] = {"", "6to4", "address", "address/prefix", "bool", "broadcast", "cidr", "first_usable",
                                "gateway", "gw", "host", "host/prefix", "hostmask", "hostnet", "int", "ip",
                                "ip/prefix", "ip_netmask", "ipv4", "ipv6", "last_usable", "link-local", "lo",
                                "loopback", "multicast", "net", "next_usable", "netmask", "network", "network_id",
                                "network/prefix", "network_netmask", "network_wildcard", "peer", "prefix",
                                "previous_usable", "private", "public", "range_usable", "revdns", "router", "size",
                                "size_usable", "subnet", "type", "unicast", "version", "wildcard", "wrap"};
  bool is_known = std::any_of(std::begin(known), std::end(known), [&](const char* k) { return qs == k; });
  if (!qs.empty() && !is_known && !all_digits(qs)) {
    if (auto cidr = parse_net(qs)) {
      if (version && v.version != version) return Val::boolean(false);
      bool inside = cidr->version == v.version && v.network() >= cidr->network() && v.last() <= cidr->last();
      return inside ? shown : Val::none();
    }
  }
  if (version && v.version != version) return Val::boolean(false);
  return query(v, vtype, qs, shown, alias);
}

Val f_ipaddr(Renderer&, const Val& v, CallArgs& a) {
  a.check(2, {"query", "version"});
  const Val* version = a.find(1, "version");
  int ver = version && version->truthy() ? static_cast<int>(py_int(*version).as_int()) : 0;
  return ipaddr(v, a.get(0, "query", Val::str("")), ver, "ipaddr");
}

Val f_ipv4(Renderer&, const Val& v, CallArgs& a) {
  a.check(1, {"query"});
  return ipaddr(v, a.get(0, "query", Val::str("")), 4, "ipv4");
}

Val f_ipv6(Renderer&, const Val& v, CallArgs& a) {
  a.check(1, {"query"});
  return ipaddr(v, a.get(0, "query", Val::str("")), 6, "ipv6");
}

// ipwrap: IPv6 addresses in brackets, anything else as it is.
Val ipwrap_one(const Val& e, const Val& q) {
  try {
    Val r = ipaddr(e, q, 0, "ipwrap");
    return falsy(r) ? e : ipaddr(r, Val::str("wrap"), 0, "ipwrap");
  } catch (const TemplateError&) {
    return e;
  }
}

Val f_ipwrap(Renderer&, const Val& v, CallArgs& a) {
  a.check(1, {"query"});
  Val q = a.get(0, "query", Val::str(""));
  if (!v.is_list()) return ipwrap_one(v, q);
  std::vector<Val> out;
  for (const Val& e : to_list(v)) {
    Val r = ipaddr(e, q, 0, "ipwrap");
    out.push_back(falsy(r) ? e : ipaddr(e, Val::str("wrap"), 0, "ipwrap"));
  }
  return make_list(std::move(out));
}

// nthhost: the nth address of the network.
Val f_nthhost(Renderer&, const Val& v, CallArgs& a) {
  a.check(1, {"query"});
  Val q = a.get(0, "query", Val::str(""));
  Val type = ipaddr(v, Val::str("type"), 0, "nthhost");
  if (falsy(type)) return Val::boolean(false);
  Val cidr = ipaddr(v, Val::str(to_str(type) == "address" ? "cidr" : "subnet"), 0, "nthhost");
  auto net = parse_net(to_str(cidr));
  if (!net || falsy(q)) return Val::boolean(false);
  bool ok = false;
  Val n = py_int(q, 10, &ok);
  if (!ok) return Val::boolean(false);
  long long nth = n.as_int();
  if (nth < 0 ? u128(-nth) > net->size() : u128(nth) >= net->size()) return Val::boolean(false);
  u128 at = nth < 0 ? net->last() + 1 - u128(-nth) : net->network() + u128(nth);
  return Val::str(addr_str(net->version, at));
}

// ipmath: an address plus an integer.
Val f_ipmath(Renderer&, const Val& v, CallArgs& a) {
  a.check(1, {"amount"});
  std::string text = to_str(v);
  std::optional<Net> net;
  if (text.find('/') != std::string::npos) {
    net = parse_net(text);
  } else if (auto v6 = parse_v6(text)) {
    net = Net{6, *v6, 128};
  } else if (in_addr in{}; inet_aton(text.c_str(), &in)) {  // IPAddress(): inet_aton's forms
    net = Net{4, u128(ntohl(in.s_addr)), 32};
  }
  if (!net) fail("You must pass a valid IP address; " + text + " is invalid");
  Val amount = a.need(0, "amount");
  bool ok = false;
  Val n = py_int(amount, 10, &ok);
  if (!ok) fail("You must pass an integer for arithmetic; " + to_str(amount) + " is not a valid integer");
  long long by = n.as_int();
  u128 result = net->ip + static_cast<u128>(by);  // wraps below zero: caught by the bound check
  if ((by < 0 && u128(-by) > net->ip) || result > net->all()) fail("result outside valid IP address boundary!");
  return Val::str(addr_str(net->version, result));
}

// next_nth_usable: the address `offset` after this one, if usable in its network.
Val f_next_nth_usable(Renderer&, const Val& v, CallArgs& a) {
  a.check(1, {"offset"});
  Val type = ipaddr(v, Val::str("type"), 0, "next_nth_usable");
  if (falsy(type)) return Val::boolean(false);
  Val cidr = ipaddr(v, Val::str(to_str(type) == "address" ? "cidr" : "subnet"), 0, "next_nth_usable");
  auto net = parse_net(to_str(cidr));
  if (!net) return Val::boolean(false);
  bool ok = false;
  Val n = py_int(a.need(0, "offset"), 10, &ok);
  if (!ok) fail("Must pass in an integer");
  if (net->size() <= 1) return Val::none();
  auto [first, last] = first_last(*net);
  long long by = n.as_int();
  if (by < 0 && u128(-by) > net->ip) return Val::none();
  u128 nth = net->ip + static_cast<u128>(by);
  return nth >= first && nth <= last ? Val::str(addr_str(net->version, nth)) : Val::none();
}

}  // namespace

void add_ipaddr_filters(FilterTable& t) {
  t["ipmath"] = t["ansible.utils.ipmath"] = f_ipmath;
  t["next_nth_usable"] = t["ansible.utils.next_nth_usable"] = f_next_nth_usable;
  t["ipaddr"] = t["ansible.utils.ipaddr"] = t["ansible.netcommon.ipaddr"] = f_ipaddr;
  t["ipv4"] = t["ansible.utils.ipv4"] = t["ansible.netcommon.ipv4"] = f_ipv4;
  t["ipv6"] = t["ansible.utils.ipv6"] = t["ansible.netcommon.ipv6"] = f_ipv6;
  t["ipwrap"] = t["ansible.utils.ipwrap"] = t["ansible.netcommon.ipwrap"] = f_ipwrap;
  t["nthhost"] = t["ansible.utils.nthhost"] = t["ansible.netcommon.nthhost"] = f_nthhost;
}

}  // namespace drover::tmpl
