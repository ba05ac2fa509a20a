#include "inventory/host_pattern.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "inventory/host_address.hpp"
#include "inventory/inventory.hpp"

namespace drover::inventory {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool has_glob_chars(std::string_view p) { return p.find_first_of("*?[") != std::string_view::npos; }

// Python's `re` spelled for std::regex (ECMAScript): named groups lose their
// names, (?i) becomes the icase flag, \A and \Z become ^ and $.
std::regex compile_python_regex(std::string_view pattern) {
  std::string p(pattern);
  auto flags = std::regex::ECMAScript;
  if (starts_with(p, "(?i)")) {
    p = p.substr(4);
    flags |= std::regex::icase;
  }
  std::string out;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p.compare(i, 4, "(?P<") == 0) {
      size_t close = p.find('>', i);
      if (close != std::string::npos) {
        out += '(';
        i = close;
        continue;
      }
    }
    if (p[i] == '\\' && i + 1 < p.size()) {
      if (p[i + 1] == 'A') out += '^';
      else if (p[i + 1] == 'Z') out += '$';
      else {
        out += p[i];
        out += p[i + 1];
      }
      ++i;
      continue;
    }
    out += p[i];
  }
  return std::regex(out, flags);
}

struct Subscript {
  long start = 0;
  std::optional<long> end;  // nullopt: a single index
};

// PATTERN_WITH_SUBSCRIPT: ^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$
bool split_subscript(const std::string& pattern, std::string& expr, Subscript& sub, bool& dash) {
  if (pattern.empty() || pattern[0] == '~' || pattern.back() != ']') return false;
  size_t open = pattern.rfind('[');
  if (open == std::string::npos || open == 0) return false;
  std::string body = pattern.substr(open + 1, pattern.size() - open - 2);
  auto digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  // Subscripts too big for a long select nothing, as Python's slicing past the end.
  auto number = [](std::string_view s) { return parse_decimal(s, true).value_or(s[0] == '-' ? -(1LL << 62) : 1LL << 62); };
  if (digits(body) || (body.size() > 1 && body[0] == '-' && digits(std::string_view(body).substr(1)))) {
    sub.start = number(body);
    sub.end.reset();
  } else {
    size_t sep = body.find_first_of(":-");
    if (sep == std::string::npos || !digits(std::string_view(body).substr(0, sep))) return false;
    std::string end = body.substr(sep + 1);
    if (!end.empty() && !digits(end)) return false;
    sub.start = number(std::string_view(body).substr(0, sep));
    sub.end = end.empty() ? -1 : number(end);
    dash = body[sep] == '-';
  }
  expr = pattern.substr(0, open);
  return true;
}

}  // namespace

bool fnmatch_case(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0;
  size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    bool advanced = false;
    if (pi < p.size()) {
      char c = p[pi];
      if (c == '*') {
        star_p = ++pi;
        star_s = si;
        continue;
      }
      if (c == '?') {
        ++pi;
        ++si;
        advanced = true;
      } else if (c == '[') {
        // A set; without a closing ] the [ is literal (fnmatch.translate).
        size_t j = pi + 1;
        if (j < p.size() && p[j] == '!') ++j;
        if (j < p.size() && p[j] == ']') ++j;
        while (j < p.size() && p[j] != ']') ++j;
        if (j >= p.size()) {
          if (s[si] == '[') {
            ++pi;
            ++si;
            advanced = true;
          }
        } else {
          size_t k = pi + 1;
          bool negate = false;
          if (p[k] == '!') {
            negate = true;
            ++k;
          }
          bool match = false;
          unsigned char ch = s[si];
          while (k < j) {
            unsigned char lo = p[k];
            if (k + 2 < j && p[k + 1] == '-') {
              unsigned char hi = p[k + 2];
              if (lo <= ch && ch <= hi) match = true;
              k += 3;
            } else {
              if (lo == ch) match = true;
              ++k;
            }
          }
          if (match != negate) {
            pi = j + 1;
            ++si;
            advanced = true;
          }
        }
      } else if (c == s[si]) {
        ++pi;
        ++si;
        advanced = true;
      }
    }
    if (advanced) continue;
    if (star_p == std::string_view::npos) return false;
    pi = star_p;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

std::vector<std::string> split_host_pattern(std::string_view pattern) {
  std::vector<std::string> parts;
  if (pattern.find(',') != std::string_view::npos) {
    parts = split(pattern, ',');
  } else if (parse_address(pattern, true)) {
    parts.emplace_back(pattern);
  } else {
    // re.findall(r'(?:[^\s:\[\]]|\[[^\]]*\])+')
    std::string cur;
    size_t i = 0;
    while (i < pattern.size()) {
      char c = pattern[i];
      if (c == '[') {
        size_t close = pattern.find(']', i + 1);
        if (close != std::string_view::npos) {
          cur.append(pattern.substr(i, close - i + 1));
          i = close + 1;
          continue;
        }
      }
      if (is_space(c) || c == ':' || c == '[' || c == ']') {
        if (!cur.empty()) parts.push_back(std::move(cur));
        cur.clear();
      } else {
        cur += c;
      }
      ++i;
    }
    if (!cur.empty()) parts.push_back(std::move(cur));
  }
  std::vector<std::string> out;
  for (auto& p : parts) {
    std::string t = trim(p);
    if (!t.empty()) out.push_back(std::move(t));
  }
  return out;
}

std::vector<std::string> expand_limit(std::string_view limit) {
  std::vector<std::string> out;
  for (const auto& x : split_host_pattern(limit)) {
    if (x[0] != '@') {
      out.push_back(x);
      continue;
    }
    std::string file = x.substr(1);
    struct stat st;
    // Ansible formats the bytes path: "b'hosts.txt'".
    if (stat(file.c_str(), &st) != 0) throw Error("Unable to find limit file b'" + file + "'");
    if (!S_ISREG(st.st_mode))
      throw Error("Limit starting with \"@\" must be a file, not a directory: b'" + file + "'");
    std::ifstream in(file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    for (const auto& line : split(ss.str(), '\n')) out.push_back(trim(line));
  }
  return out;
}

namespace {

// One evaluation of a pattern list against an inventory: the pieces of
// InventoryManager that get_hosts uses, without its caches.
class PatternEvaluator {
 public:
  PatternEvaluator(const Inventory& inv, std::vector<std::string>* warnings) : inv_(inv), warnings_(warnings) {}

  std::vector<const Host*> evaluate(const std::vector<std::string>& raw) {
    // order_patterns: unions, then intersections, then exclusions.
    std::vector<std::string> regular, inter, excl;
    for (const auto& p : raw) {
      if (p.empty()) continue;
      if (p[0] == '!') excl.push_back(p);
      else if (p[0] == '&') inter.push_back(p);
      else regular.push_back(p);
    }
    if (regular.empty()) regular.push_back("all");
    std::vector<const Host*> hosts;
    std::vector<char> present(inv_.hosts().size() + 8, 0);
    auto apply = [&](const std::string& p) {
      if (const Host* h = inv_.find_host(p)) {
        hosts.push_back(h);
        if (!h->implicit) present[h->id] = 1;
        return;
      }
      std::vector<const Host*> that = match_one(p);
      if (p[0] == '!' || p[0] == '&') {
        std::vector<char> in(present.size(), 0);
        bool implicit_in = false;
        const Host* implicit = nullptr;
        for (const Host* h : that) {
          if (h->implicit) {
            implicit_in = true;
            implicit = h;
          } else {
            in[h->id] = 1;
          }
        }
        bool keep_if_in = p[0] == '&';
        std::vector<const Host*> kept;
        std::fill(present.begin(), present.end(), 0);
        for (const Host* h : hosts) {
          bool member = h->implicit ? (implicit_in && implicit == h) : in[h->id];
          if (member == keep_if_in) {
            kept.push_back(h);
            if (!h->implicit) present[h->id] = 1;
          }
        }
        hosts.swap(kept);
      } else {
        for (const Host* h : that) {
          if (h->implicit) {
            if (std::find(hosts.begin(), hosts.end(), h) == hosts.end()) hosts.push_back(h);
          } else if (!present[h->id]) {
            present[h->id] = 1;
            hosts.push_back(h);
          }
        }
      }
    };
    for (const auto& p : regular) apply(p);
    for (const auto& p : inter) apply(p);
    for (const auto& p : excl) apply(p);
    return hosts;
  }

 private:
  std::vector<const Host*> match_one(std::string pattern) {
    if (pattern[0] == '&' || pattern[0] == '!') pattern = pattern.substr(1);
    std::string expr = pattern;
    Subscript sub;
    bool dash = false;
    bool has_sub = split_subscript(pattern, expr, sub, dash);
    if (has_sub && dash) warn("Use [x:y] inclusive subscripts instead of [x-y] which has been removed");
    std::vector<const Host*> hosts = enumerate(expr);
    if (!has_sub || hosts.empty()) return hosts;
    long n = static_cast<long>(hosts.size());
    if (sub.end && *sub.end != 0) {
      long end = *sub.end == -1 ? n - 1 : *sub.end;
      long start = std::min(sub.start, n);
      long stop = std::min(end + 1, n);
      if (stop <= start) return {};
      return std::vector<const Host*>(hosts.begin() + start, hosts.begin() + stop);
    }
    long i = sub.start < 0 ? n + sub.start : sub.start;
    if (i < 0 || i >= n) throw Error("No hosts matched the subscripted pattern '" + pattern + "'");
    return {hosts[i]};
  }

  std::vector<const Host*> enumerate(const std::string& pattern) {
    std::vector<const Host*> results;
    bool is_regex = pattern[0] == '~';
    bool literal = !is_regex && !has_glob_chars(pattern);
    std::optional<std::regex> re;
    if (is_regex) {
      try {
        re = compile_python_regex(std::string_view(pattern).substr(1));
      } catch (const std::regex_error&) {
        throw Error("Invalid host list pattern: " + pattern);
      }
    }
    auto matches = [&](const std::string& name) {
      if (is_regex) return std::regex_search(name, *re, std::regex_constants::match_continuous);
      if (literal) return name == pattern;
      return fnmatch_case(pattern, name);
    };
    bool matched_group = false;
    if (literal) {
      if (const Group* g = inv_.find_group(pattern)) {
        matched_group = true;
        auto hs = inv_.hosts_of(*g);
        results.insert(results.end(), hs.begin(), hs.end());
      }
    } else {
      for (const Group& g : inv_.groups())
        if (matches(g.name)) {
          matched_group = true;
          auto hs = inv_.hosts_of(g);
          results.insert(results.end(), hs.begin(), hs.end());
        }
    }
    if (!matched_group || is_regex || pattern.find_first_of(".?*[") != std::string::npos) {
      if (literal) {
        if (const Host* h = inv_.find_host(pattern)) results.push_back(h);
      } else {
        for (const Host& h : inv_.hosts())
          if (matches(h.name)) results.push_back(&h);
      }
    }
    if (results.empty() && (pattern == "localhost" || pattern == "127.0.0.1" || pattern == "::1"))
      if (const Host* h = inv_.get_host(pattern)) results.push_back(h);
    if (results.empty() && !matched_group && pattern != "all") warn(unmatched_pattern_warning(pattern));
    return results;
  }

  void warn(const std::string& w) {
    if (warnings_ && std::find(warnings_->begin(), warnings_->end(), w) == warnings_->end())
      warnings_->push_back(w);
  }

  const Inventory& inv_;
  std::vector<std::string>* warnings_;
};

}  // namespace

std::vector<const Host*> Inventory::select(std::string_view pattern, std::string_view limit,
                                           std::vector<std::string>* warnings) const {
  PatternEvaluator eval(*this, warnings);
  std::vector<const Host*> hosts = eval.evaluate(split_host_pattern(pattern));
  if (!limit.empty()) {
    std::vector<const Host*> allowed = eval.evaluate(expand_limit(limit));
    std::vector<char> in(hosts_.size(), 0);
    std::vector<const Host*> implicit_ok;
    for (const Host* h : allowed) {
      if (h->implicit) implicit_ok.push_back(h);
      else in[h->id] = 1;
    }
    std::vector<const Host*> kept;
    for (const Host* h : hosts)
      if (h->implicit ? std::find(implicit_ok.begin(), implicit_ok.end(), h) != implicit_ok.end() : in[h->id])
        kept.push_back(h);
    hosts.swap(kept);
  }
  // deduplicate_list keeps the first of each.
  std::vector<char> seen(hosts_.size(), 0);
  std::vector<const Host*> out;
  for (const Host* h : hosts) {
    if (h->implicit) {
      if (std::find(out.begin(), out.end(), h) == out.end()) out.push_back(h);
    } else if (!seen[h->id]) {
      seen[h->id] = 1;
      out.push_back(h);
    }
  }
  return out;
}

}  // namespace drover::inventory
