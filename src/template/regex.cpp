#define PCRE2_CODE_UNIT_WIDTH 8
#include "template/regex.hpp"

#include <pcre2.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "template/template_error.hpp"

namespace drover::tmpl {
namespace {

// Python pattern syntax -> PCRE2 pattern syntax.
std::string translate(const std::string& p) {
  std::string out;
  out.reserve(p.size() + 8);
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      char n = p[i + 1];
      if (n == 'Z' && !in_class) {
        out += "\\z";
        ++i;
        continue;
      }
      if ((n == 'u' || n == 'U') && i + 2 < p.size()) {
        size_t len = n == 'u' ? 4 : 8;
        std::string hex = p.substr(i + 2, len);
        out += "\\x{" + hex + "}";
        i += 1 + len;
        continue;
      }
      out += c;
      out += n;
      ++i;
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      if (i + 1 < p.size() && p[i + 1] == ']') out += p[++i];
      continue;
    }
    if (c == '{' && i + 1 < p.size() && p[i + 1] == ',') {
      size_t j = i + 2;
      while (j < p.size() && std::isdigit(static_cast<unsigned char>(p[j]))) ++j;
      if (j < p.size() && p[j] == '}' && j > i + 2) {
        out += "{0," + p.substr(i + 2, j - i - 2) + "}";
        i = j;
        continue;
      }
    }
    out += c;
  }
  return out;
}

std::mutex g_cache_mu;
std::map<std::string, std::shared_ptr<const Regex>> g_cache;

}  // namespace

std::string RegexMatch::group(std::string_view subject, size_t i) const {
  if (!participated(i)) return {};
  return std::string(subject.substr(static_cast<size_t>(groups[i].first),
                                    static_cast<size_t>(groups[i].second - groups[i].first)));
}

Regex::~Regex() {
  if (code_) pcre2_code_free(static_cast<pcre2_code*>(code_));
}

namespace {
// Python's global inline flags: "(?aiLmsux)" groups at the very start.
std::string leading_flags(const std::string& pattern) {
  std::string flags;
  size_t i = 0;
  while (pattern.compare(i, 2, "(?") == 0) {
    size_t j = i + 2;
    while (j < pattern.size() && std::string_view("aiLmsux").find(pattern[j]) != std::string_view::npos) ++j;
    if (j == i + 2 || j >= pattern.size() || pattern[j] != ')') break;
    flags.append(pattern, i + 2, j - i - 2);
    i = j + 1;
  }
  return flags;
}
}  // namespace

std::shared_ptr<const Regex> Regex::compile(const std::string& pattern, bool ignorecase, bool multiline, bool dotall) {
  std::string key = std::string(1, static_cast<char>('0' + ignorecase + 2 * multiline + 4 * dotall)) + pattern;
  {
    std::lock_guard lock(g_cache_mu);
    auto it = g_cache.find(key);
    if (it != g_cache.end()) return it->second;
  }
  std::string translated = translate(pattern);
  uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
  if (ignorecase) opts |= PCRE2_CASELESS;
  if (multiline) opts |= PCRE2_MULTILINE;
  if (dotall) opts |= PCRE2_DOTALL;
  int err = 0;
  PCRE2_SIZE off = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(), opts, &err,
                                   &off, nullptr);
  if (!code) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(err, buf, sizeof buf);
    fail(std::string(reinterpret_cast<char*>(buf)) + " at position " + std::to_string(off));
  }
  std::shared_ptr<Regex> re(new Regex());
  re->code_ = code;
  uint32_t cap = 0;
  pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &cap);
  re->ngroups_ = cap;
  re->multiline_ = multiline || leading_flags(pattern).find('m') != std::string::npos;
  std::lock_guard lock(g_cache_mu);
  if (g_cache.size() > 2000) g_cache.clear();
  g_cache[key] = re;
  return re;
}

std::optional<RegexMatch> Regex::search(std::string_view s, size_t start, bool anchored, bool not_empty_at_start) const {
  auto* code = static_cast<pcre2_code*>(code_);
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(code, nullptr);
  uint32_t opts = 0;
  if (anchored) opts |= PCRE2_ANCHORED;
  if (not_empty_at_start) opts |= PCRE2_NOTEMPTY_ATSTART;
  pcre2_match_context* mc = pcre2_match_context_create(nullptr);
  pcre2_set_match_limit(mc, 10'000'000);
  pcre2_set_depth_limit(mc, 10'000);
  int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), start, opts, md, mc);
  pcre2_match_context_free(mc);
  if (rc < 0) {
    pcre2_match_data_free(md);
    if (rc == PCRE2_ERROR_NOMATCH) return std::nullopt;
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT) fail("regular expression is too expensive to match");
    return std::nullopt;
  }
  PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
  RegexMatch m;
  for (size_t i = 0; i <= ngroups_; ++i) {
    if (ov[2 * i] == PCRE2_UNSET) m.groups.emplace_back(-1, -1);
    else m.groups.emplace_back(static_cast<long>(ov[2 * i]), static_cast<long>(ov[2 * i + 1]));
  }
  pcre2_match_data_free(md);
  return m;
}

std::optional<RegexMatch> Regex::fullmatch(std::string_view s) const {
  auto m = search(s, 0, true);
  if (m && static_cast<size_t>(m->groups[0].second) == s.size()) return m;
  return std::nullopt;
}

std::vector<RegexMatch> Regex::find_all(std::string_view s) const {
  std::vector<RegexMatch> out;
  size_t pos = 0;
  long prev_empty_at = -1;
  while (pos <= s.size()) {
    auto m = search(s, pos, false, static_cast<long>(pos) == prev_empty_at);
    if (!m) break;
    long b = m->groups[0].first, e = m->groups[0].second;
    out.push_back(*m);
    if (b == e) prev_empty_at = e;
    else prev_empty_at = -1;
    pos = static_cast<size_t>(e);
    if (out.size() > 10'000'000) fail("too many regular expression matches");
  }
  return out;
}

int Regex::group_index(const std::string& name) const {
  int n = pcre2_substring_number_from_name(static_cast<pcre2_code*>(code_), reinterpret_cast<PCRE2_SPTR>(name.c_str()));
  return n < 0 ? -1 : n;
}

std::string Regex::expand(std::string_view s, const RegexMatch& m, const std::string& repl) const {
  std::string out;
  for (size_t i = 0; i < repl.size(); ++i) {
    char c = repl[i];
    if (c != '\\' || i + 1 >= repl.size()) {
      out += c;
      continue;
    }
    char n = repl[++i];
    if (n == 'g' && i + 1 < repl.size() && repl[i + 1] == '<') {
      size_t close = repl.find('>', i);
      if (close == std::string::npos) fail("missing >, unterminated name");
      std::string name = repl.substr(i + 2, close - i - 2);
      int idx;
      if (!name.empty() && std::all_of(name.begin(), name.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); })) {
        idx = std::stoi(name);
        if (static_cast<size_t>(idx) > ngroups_) fail("invalid group reference " + name);
      } else {
        idx = group_index(name);
        if (idx < 0) fail("unknown group name '" + name + "'");
      }
      out += m.group(s, static_cast<size_t>(idx));
      i = close;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(n))) {
      if (n == '0') {  // octal escape
        int v = 0, k = 0;
        while (k < 3 && i < repl.size() && repl[i] >= '0' && repl[i] <= '7') v = v * 8 + (repl[i++] - '0'), ++k;
        --i;
        out += static_cast<char>(v);
        continue;
      }
      int idx = n - '0';
      if (i + 1 < repl.size() && std::isdigit(static_cast<unsigned char>(repl[i + 1]))) {
        int two = idx * 10 + (repl[i + 1] - '0');
        if (static_cast<size_t>(two) <= ngroups_) {
          idx = two;
          ++i;
        }
      }
      if (static_cast<size_t>(idx) > ngroups_) fail("invalid group reference " + std::to_string(idx));
      out += m.group(s, static_cast<size_t>(idx));
      continue;
    }
    switch (n) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case '\\': out += '\\'; break;
      default:
        if (std::isalpha(static_cast<unsigned char>(n))) fail(std::string("bad escape \\") + n);
        out += '\\';
        out += n;
    }
  }
  return out;
}

std::string Regex::sub(std::string_view s, const std::string& repl, long count) const {
  std::string out;
  size_t last = 0;
  long done = 0;
  for (const auto& m : find_all(s)) {
    if (count > 0 && done >= count) break;
    out.append(s.substr(last, static_cast<size_t>(m.groups[0].first) - last));
    out += expand(s, m, repl);
    last = static_cast<size_t>(m.groups[0].second);
    ++done;
  }
  out.append(s.substr(last));
  return out;
}

std::string regex_escape(std::string_view s) {
  // Python 3.7+: escapes only regex-special characters.
  static const std::string kSpecial = "()[]{}?*+-|^$\\.&~# \t\n\r\v\f";
  std::string out;
  for (char c : s) {
    if (kSpecial.find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace drover::tmpl
