#include "inventory/host_address.hpp"

#include <regex>
#include <string>

#include "core/error.hpp"
#include "core/strings.hpp"

namespace drover::inventory {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// Python's \w with re.UNICODE: non-ASCII bytes count as word characters.
bool is_word(char c) { return is_digit(c) || is_alpha(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80; }

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

// A range as addresses.py allows it in a name: [0-9]+:[0-9]+ or (alpha)
// [a-z]:[a-z], then an optional :step. Returns its length at s[i], or 0.
size_t range_at(std::string_view s, size_t i, bool alpha_ok) {
  if (i >= s.size() || s[i] != '[') return 0;
  size_t close = s.find(']', i);
  if (close == std::string_view::npos) return 0;
  std::string_view body = s.substr(i + 1, close - i - 1);
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t c = body.find(':', start);
    parts.push_back(body.substr(start, c == std::string_view::npos ? std::string_view::npos : c - start));
    if (c == std::string_view::npos) break;
    start = c + 1;
  }
  if (parts.size() != 2 && parts.size() != 3) return 0;
  if (parts.size() == 3 && !all_digits(parts[2])) return 0;
  bool numeric = all_digits(parts[0]) && all_digits(parts[1]);
  bool alpha = alpha_ok && parts[0].size() == 1 && parts[1].size() == 1 && is_alpha(parts[0][0]) &&
               is_alpha(parts[1][0]);
  return (numeric || alpha) ? close - i + 1 : 0;
}

bool valid_label(std::string_view s) {
  size_t i = 0;
  char last = 0;
  bool any = false;
  while (i < s.size()) {
    if (size_t n = range_at(s, i, true)) {
      i += n;
      last = ']';
    } else if (is_word(s[i]) || (any && s[i] == '-')) {
      last = s[i++];
    } else {
      return false;
    }
    any = true;
  }
  return any && last != '_' && last != '-';
}

bool valid_hostname(std::string_view s) {
  // Split on dots outside brackets.
  size_t start = 0;
  int depth = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] == '[') ++depth;
    if (i < s.size() && s[i] == ']') --depth;
    if (i == s.size() || (s[i] == '.' && depth == 0)) {
      if (!valid_label(s.substr(start, i - start))) return false;
      start = i + 1;
    }
  }
  return true;
}

bool valid_ipv4_component(std::string_view c) {
  if (!c.empty() && c[0] == '[') {
    if (range_at(c, 0, false) != c.size()) return false;
    return true;
  }
  if (!all_digits(c) || c.size() > 3) return false;
  if (c.size() < 3) return true;
  if (c[0] == '0' || c[0] == '1') return true;
  return c[0] == '2' && (c[1] < '5' || (c[1] == '5' && c[2] <= '5'));
}

bool valid_ipv4(std::string_view s) {
  int parts = 0;
  size_t start = 0;
  int depth = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] == '[') ++depth;
    if (i < s.size() && s[i] == ']') --depth;
    if (i == s.size() || (s[i] == '.' && depth == 0)) {
      if (!valid_ipv4_component(s.substr(start, i - start))) return false;
      ++parts;
      start = i + 1;
    }
  }
  return parts == 4;
}

bool valid_ipv6(const std::string& s) {
  // The expression of addresses.py, with its hexadecimal ranges.
  static const std::regex re([] {
    std::string c = R"((?:[0-9a-f]{1,4}|\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]))";
    std::string i4 = R"((?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]))";
    std::string alts[] = {
        "(?:" + c + ":){7}" + c,
        "(?:" + c + ":){1,6}:",
        "(?:" + c + ":)(?::" + c + "){1,6}",
        "(?:" + c + ":){2}(?::" + c + "){1,5}",
        "(?:" + c + ":){3}(?::" + c + "){1,4}",
        "(?:" + c + ":){4}(?::" + c + "){1,3}",
        "(?:" + c + ":){5}(?::" + c + "){1,2}",
        "(?:" + c + ":){6}(?::" + c + ")",
        ":(?::" + c + "){1,6}",
        c + "?::",
        "(?:0:){6}(?:" + c + "\\.){3}" + c,
        "::(?:ffff:)?(?:" + c + "\\.){3}" + c,
        "(?:0:){5}ffff:(?:" + c + "\\.){3}" + c,
    };
    (void)i4;
    std::string all;
    for (const auto& a : alts) all += (all.empty() ? "" : "|") + a;
    return "^(?:" + all + ")$";
  }(), std::regex::icase | std::regex::optimize);
  return std::regex_match(s, re);
}

// "[host]:port" (anything in the brackets).
bool match_bracketed_hostport(std::string_view s, std::string& host, int& port) {
  if (s.empty() || s[0] != '[') return false;
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon < 2 || s[colon - 1] != ']') return false;
  if (!all_digits(s.substr(colon + 1))) return false;
  if (colon - 2 < 1) return false;
  auto n = parse_decimal(s.substr(colon + 1));
  if (!n || *n > 65535) return false;  // no port at all: the caller refuses the address
  host = std::string(s.substr(1, colon - 2));
  port = static_cast<int>(*n);
  return true;
}

// "host:port" where host holds no ':' outside complete [...] groups.
bool match_hostport(std::string_view s, std::string& host, int& port) {
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || !all_digits(s.substr(colon + 1))) return false;
  std::string_view head = s.substr(0, colon);
  for (size_t i = 0; i < head.size();) {
    if (head[i] == '[') {
      size_t close = head.find(']', i);
      if (close == std::string_view::npos) return false;
      i = close + 1;
    } else if (head[i] == ':' || head[i] == ']') {
      return false;
    } else {
      ++i;
    }
  }
  auto n = parse_decimal(s.substr(colon + 1));
  if (!n || *n > 65535) return false;
  host = std::string(head);
  port = static_cast<int>(*n);
  return true;
}

}  // namespace

std::optional<ParsedAddress> parse_address(std::string_view address, bool allow_ranges) {
  ParsedAddress out;
  out.host = std::string(address);
  std::string h;
  int p = 0;
  // addresses.py tries both forms in turn, the second on what the first left.
  if (match_bracketed_hostport(out.host, h, p)) {
    out.host = h;
    out.port = p;
  }
  if (match_hostport(out.host, h, p)) {
    out.host = h;
    out.port = p;
  }
  bool ok = valid_ipv4(out.host) || (out.host.find(':') != std::string::npos && valid_ipv6(out.host)) ||
            valid_hostname(out.host);
  if (!ok) return std::nullopt;
  if (!allow_ranges && out.host.find('[') != std::string::npos) return std::nullopt;
  return out;
}

std::vector<std::string> expand_host_range(std::string_view name) {
  std::vector<std::string> out;
  size_t open = name.find('[');
  if (open == std::string_view::npos) {
    out.emplace_back(name);
    return out;
  }
  size_t close = name.find(']');
  // Ansible swaps the first '[' and the first ']' for '|' and splits in
  // three; anything else is a malformed name.
  if (close == std::string_view::npos || close < open || name.find('|') != std::string_view::npos)
    throw Error("host range must be enclosed in [] and hold begin:end: " + std::string(name));
  std::string head(name.substr(0, open));
  std::string range(name.substr(open + 1, close - open - 1));
  std::string tail(name.substr(close + 1));
  std::vector<std::string> bounds;
  size_t start = 0;
  while (true) {
    size_t c = range.find(':', start);
    bounds.push_back(range.substr(start, c == std::string::npos ? std::string::npos : c - start));
    if (c == std::string::npos) break;
    start = c + 1;
  }
  if (bounds.size() != 2 && bounds.size() != 3) throw Error("host range must be begin:end or begin:end:step");
  std::string beg = bounds[0].empty() ? "0" : bounds[0];
  const std::string& end = bounds[1];
  auto to_int = [&](const std::string& s) -> long {
    auto n = all_digits(s) ? parse_decimal(s) : std::nullopt;
    if (!n) throw Error("invalid literal for int() with base 10: '" + s + "'");
    return static_cast<long>(*n);
  };
  long step = bounds.size() == 3 ? to_int(bounds[2]) : 1;
  if (end.empty()) throw Error("host range must specify end value");
  size_t width = 0;
  if (beg[0] == '0' && beg.size() > 1) {
    if (beg.size() != end.size()) throw Error("host range must specify equal-length begin and end formats");
    width = beg.size();
  }
  if (step == 0) throw Error("range() arg 3 must not be zero");
  std::vector<std::string> seq;
  static const std::string letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  size_t ib = letters.find(beg), ie = letters.find(end);
  if (ib != std::string::npos && ie != std::string::npos) {
    if (ib > ie) throw Error("host range must have begin <= end");
    for (size_t i = ib; i <= ie; i += step) seq.push_back(letters.substr(i, 1));
  } else {
    long b = to_int(beg), e = to_int(end);
    for (long i = b; i <= e; i += step) seq.push_back(std::to_string(i));
  }
  for (auto& s : seq) {
    if (width && s.size() < width) s.insert(0, width - s.size(), '0');
    std::string host = head + s + tail;
    if (host.find('[') != std::string::npos) {
      auto more = expand_host_range(host);
      out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    } else {
      out.push_back(std::move(host));
    }
  }
  return out;
}

HostEntry expand_host_entry(std::string_view pattern) {
  HostEntry out;
  std::string name(pattern);
  if (auto a = parse_address(pattern, true)) {
    name = a->host;
    out.port = a->port;
  }
  if (name.find('[') != std::string::npos) {
    out.names = expand_host_range(name);
  } else {
    out.names.push_back(std::move(name));
  }
  return out;
}

}  // namespace drover::inventory
