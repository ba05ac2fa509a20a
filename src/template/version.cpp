#include "template/version.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>
#include <variant>
#include <vector>

#include "core/strings.hpp"
#include "template/regex.hpp"
#include "template/template_error.hpp"

namespace drover::tmpl {
namespace {

using Part = std::variant<long long, std::string>;

std::vector<Part> loose_parts(const std::string& v) {
  // distutils LooseVersion: component_re = r'(\d+ | [a-z]+ | \.)'
  std::vector<Part> out;
  size_t i = 0;
  while (i < v.size()) {
    char c = v[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < v.size() && std::isdigit(static_cast<unsigned char>(v[j]))) ++j;
      out.emplace_back(std::stoll(v.substr(i, j - i)));
      i = j;
    } else if (c == '.') {
      ++i;
    } else {
      // re.split keeps runs of [a-z] and the text between matches
      auto lower = [](char ch) { return ch >= 'a' && ch <= 'z'; };
      auto other = [&](char ch) { return !lower(ch) && !std::isdigit(static_cast<unsigned char>(ch)) && ch != '.'; };
      size_t j = i;
      if (lower(c))
        while (j < v.size() && lower(v[j])) ++j;
      else
        while (j < v.size() && other(v[j])) ++j;
      out.emplace_back(v.substr(i, j - i));
      i = j;
    }
  }
  return out;
}

int cmp_parts(const std::vector<Part>& a, const std::vector<Part>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i].index() != b[i].index())
      fail(std::string("Version comparison failed: '<' not supported between instances of '") +
           (a[i].index() == 0 ? "int" : "str") + "' and '" + (b[i].index() == 0 ? "int" : "str") + "'");
    if (a[i] < b[i]) return -1;
    if (b[i] < a[i]) return 1;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

struct Strict {
  long long v[3] = {0, 0, 0};
  bool pre = false;
  char pre_kind = 0;
  long long pre_num = 0;
};

Strict parse_strict(const std::string& s) {
  auto re = Regex::compile(R"(^(\d+)\.(\d+)(\.(\d+))?([ab](\d+))?$)");
  auto m = re->match(s);
  if (!m || !re->fullmatch(s)) fail("Version comparison failed: invalid version number '" + s + "'");
  Strict out;
  out.v[0] = std::stoll(m->group(s, 1));
  out.v[1] = std::stoll(m->group(s, 2));
  if (m->participated(4)) out.v[2] = std::stoll(m->group(s, 4));
  if (m->participated(5)) {
    out.pre = true;
    out.pre_kind = m->group(s, 5)[0];
    out.pre_num = std::stoll(m->group(s, 6));
  }
  return out;
}

int cmp_strict(const std::string& a, const std::string& b) {
  Strict x = parse_strict(a), y = parse_strict(b);
  for (int i = 0; i < 3; ++i)
    if (x.v[i] != y.v[i]) return x.v[i] < y.v[i] ? -1 : 1;
  if (!x.pre && !y.pre) return 0;
  if (x.pre && !y.pre) return -1;
  if (!x.pre && y.pre) return 1;
  if (x.pre_kind != y.pre_kind) return x.pre_kind < y.pre_kind ? -1 : 1;
  return x.pre_num < y.pre_num ? -1 : (x.pre_num > y.pre_num ? 1 : 0);
}

int cmp_semver(const std::string& a, const std::string& b) {
  auto re = Regex::compile(
      R"(^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$)");
  auto ma = re->match(a), mb = re->match(b);
  if (!ma) fail("Version comparison failed: invalid semantic version '" + a + "'");
  if (!mb) fail("Version comparison failed: invalid semantic version '" + b + "'");
  for (int i = 1; i <= 3; ++i) {
    long long x = std::stoll(ma->group(a, static_cast<size_t>(i))), y = std::stoll(mb->group(b, static_cast<size_t>(i)));
    if (x != y) return x < y ? -1 : 1;
  }
  std::string pa = ma->group(a, 4), pb = mb->group(b, 4);
  if (pa.empty() && pb.empty()) return 0;
  if (pa.empty()) return 1;
  if (pb.empty()) return -1;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    size_t st = 0;
    for (size_t i = 0; i <= s.size(); ++i)
      if (i == s.size() || s[i] == '.') {
        out.push_back(s.substr(st, i - st));
        st = i + 1;
      }
    return out;
  };
  auto xa = split(pa), xb = split(pb);
  for (size_t i = 0; i < xa.size() && i < xb.size(); ++i) {
    bool na = std::all_of(xa[i].begin(), xa[i].end(), ::isdigit), nb = std::all_of(xb[i].begin(), xb[i].end(), ::isdigit);
    if (na && nb) {
      long long x = std::stoll(xa[i]), y = std::stoll(xb[i]);
      if (x != y) return x < y ? -1 : 1;
    } else if (na != nb) {
      return na ? -1 : 1;
    } else if (xa[i] != xb[i]) {
      return xa[i] < xb[i] ? -1 : 1;
    }
  }
  return xa.size() < xb.size() ? -1 : (xa.size() > xb.size() ? 1 : 0);
}

// packaging.version.Version's sort key (PEP 440), as tuples of numbers:
// the epoch, the release without trailing zeros, then the pre-, post- and
// dev-release and the local label, each with its rank (a missing one sorts
// before or after a present one as PEP 440 says).
struct Pep440Key {
  long long epoch = 0;
  std::vector<long long> release;
  std::vector<long long> pre, post, dev;  // {rank, ...}
  std::vector<std::tuple<int, long long, std::string>> local;  // numbers above words
  bool has_local = false;
  auto tie() const { return std::tie(epoch, release, pre, post, dev, has_local, local); }
};

Pep440Key pep440_key(const std::string& v) {
  static const auto re = Regex::compile(
      R"(^\s*v?(?:(?:([0-9]+)!)?([0-9]+(?:\.[0-9]+)*)([-_\.]?(a|b|c|rc|alpha|beta|pre|preview)[-_\.]?([0-9]+)?)?)"
      R"(((?:-([0-9]+))|(?:[-_\.]?(post|rev|r)[-_\.]?([0-9]+)?))?([-_\.]?(dev)[-_\.]?([0-9]+)?)?)"
      R"()(?:\+([a-z0-9]+(?:[-_\.][a-z0-9]+)*))?\s*$)",
      true);
  auto m = re->match(v);
  if (!m) fail("Version comparison failed: Invalid version: '" + v + "'");
  auto group = [&](size_t i) { return m->group(v, i); };
  auto number = [&](size_t i) { return m->participated(i) ? std::stoll(group(i)) : 0LL; };
  Pep440Key k;
  k.epoch = number(1);
  std::string release = group(2);
  for (size_t st = 0, i = 0; i <= release.size(); ++i)
    if (i == release.size() || release[i] == '.') {
      k.release.push_back(std::stoll(release.substr(st, i - st)));
      st = i + 1;
    }
  while (!k.release.empty() && k.release.back() == 0) k.release.pop_back();
  bool pre = m->participated(3), post = m->participated(6), dev = m->participated(10);
  if (pre) {
    std::string l = to_lower(group(4));
    long long letter = l[0] == 'a' ? 0 : (l[0] == 'b' ? 1 : 2);  // alpha, beta, c/rc/pre/preview
    k.pre = {0, letter, number(5)};
  } else {
    k.pre = {post || !dev ? 1LL : -1LL};  // 1.0.dev0 < 1.0a0 < 1.0
  }
  k.post = post ? std::vector<long long>{0, m->participated(7) ? number(7) : number(9)} : std::vector<long long>{-1};
  k.dev = dev ? std::vector<long long>{0, number(12)} : std::vector<long long>{1};
  if (m->participated(13)) {
    k.has_local = true;
    std::string local = to_lower(group(13)), part;
    for (size_t i = 0; i <= local.size(); ++i) {
      if (i < local.size() && local[i] != '-' && local[i] != '_' && local[i] != '.') {
        part += local[i];
        continue;
      }
      if (std::all_of(part.begin(), part.end(), ::isdigit))
        k.local.emplace_back(1, std::stoll(part), "");
      else
        k.local.emplace_back(0, 0, part);
      part.clear();
    }
  }
  return k;
}

int cmp_pep440(const std::string& a, const std::string& b) {
  Pep440Key x = pep440_key(a), y = pep440_key(b);
  if (x.tie() == y.tie()) return 0;
  return x.tie() < y.tie() ? -1 : 1;
}

}  // namespace

int compare_versions(const std::string& a, const std::string& b, const std::string& type) {
  if (type == "strict") return cmp_strict(a, b);
  if (type == "semver" || type == "semantic") return cmp_semver(a, b);
  if (type == "pep440") return cmp_pep440(a, b);
  return cmp_parts(loose_parts(a), loose_parts(b));
}

}  // namespace drover::tmpl
