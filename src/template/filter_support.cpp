// The conversions every filter file shares (declared in
// filter_support.hpp): attribute paths, lists out of iterables, and
// Python's int(), float() and Ansible's boolean().
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "core/strings.hpp"
#include "template/filter_support.hpp"
#include "template/template_error.hpp"
#include "template/text.hpp"

namespace drover::tmpl {

Val attr_path(Renderer& r, const Val& obj, const std::string& path) {
  Val cur = obj;
  size_t start = 0;
  for (;;) {
    size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    bool digits = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    // The name is borrowed: getitem copies what it keeps of it.
    cur = r.getitem(cur, digits ? Val::integer(std::stoll(part)) : Val::str_ref(&part));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return cur;
}

std::vector<Val> to_list(const Val& v) { return iterate(v); }

Val make_list(std::vector<Val> items) {
  // Containers stay borrowed (no deep copy of e.g. every upstream dict).
  for (const auto& v : items)
    if (v.is_obj() || v.is_undefined() || v.kind() == Val::Kind::Seq || v.kind() == Val::Kind::Data)
      return Val::seq(std::move(items));
  Value out = Value::array();
  for (const auto& v : items) out.push_back(v.to_value());
  return Val::data(std::move(out));
}

bool is_string_like(const Val& v) { return v.is_str(); }

namespace {

std::string strip_ws(const std::string& s) { return py_strip(s, true, true); }

// Python's int(text, base): any size.
std::optional<Val> parse_py_int(std::string s, int base) {
  s = strip_ws(s);
  std::string t;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i > 0 && i + 1 < s.size() && std::isalnum(static_cast<unsigned char>(s[i - 1])) &&
        std::isalnum(static_cast<unsigned char>(s[i + 1])))
      continue;
    t += s[i];
  }
  if (t.empty()) return std::nullopt;
  bool neg = false;
  size_t i = 0;
  if (t[0] == '+' || t[0] == '-') {
    neg = t[0] == '-';
    i = 1;
  }
  if (base == 0) {
    base = 10;
    if (t.size() > i + 1 && t[i] == '0') {
      char x = static_cast<char>(std::tolower(static_cast<unsigned char>(t[i + 1])));
      if (x == 'x') base = 16;
      else if (x == 'o') base = 8;
      else if (x == 'b') base = 2;
      if (base != 10) i += 2;
    }
  } else if (t.size() > i + 1 && t[i] == '0') {
    char x = static_cast<char>(std::tolower(static_cast<unsigned char>(t[i + 1])));
    if ((base == 16 && x == 'x') || (base == 8 && x == 'o') || (base == 2 && x == 'b')) i += 2;
  }
  if (i >= t.size()) return std::nullopt;
  std::string_view digits(t);
  digits.remove_prefix(i);
  unsigned long long v = 0;
  bool small = true;
  for (char ch : digits) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (c >= 'a' && c <= 'z') ? c - 'a' + 10 : 99;
    if (d >= base) return std::nullopt;
    if (v > (static_cast<unsigned long long>(INT64_MAX) - static_cast<unsigned long long>(d)) / static_cast<unsigned long long>(base))
      small = false;
    if (small) v = v * static_cast<unsigned long long>(base) + static_cast<unsigned long long>(d);
  }
  if (small) return Val::integer(neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v));
  // Bases that are powers of two have no limit in CPython.
  if ((base & (base - 1)) != 0 && digits.size() > kMaxIntStrDigits)
    fail_python("ValueError", "Exceeds the limit (4300 digits) for integer string conversion: value has " +
                                  std::to_string(digits.size()) + " digits; use sys.set_int_max_str_digits() to increase the limit");
  auto big = BigInt::parse(digits, base);
  if (!big) return std::nullopt;
  return Val::big_integer(neg ? -*big : *big);
}

bool parse_py_float(const std::string& in, double& out) {
  std::string s = strip_ws(in);
  std::string t;
  for (char c : s)
    if (c != '_') t += c;
  std::string low = py_lower_str(t);
  if (low == "inf" || low == "+inf" || low == "infinity" || low == "+infinity") {
    out = INFINITY;
    return true;
  }
  if (low == "-inf" || low == "-infinity") {
    out = -INFINITY;
    return true;
  }
  if (low == "nan" || low == "+nan" || low == "-nan") {
    out = NAN;
    return true;
  }
  if (t.empty()) return false;
  for (char c : t)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) return false;
  char* end = nullptr;
  out = std::strtod(t.c_str(), &end);
  return end && *end == '\0';
}

}  // namespace

Val py_int(const Val& v, int base, bool* ok) {
  if (ok) *ok = true;
  if (v.is_int() || v.is_big_int()) return v;
  if (v.is_bool()) return Val::integer(v.as_int());
  if (v.is_float()) {
    double d = v.as_float();
    if (std::isnan(d) || std::isinf(d)) {
      if (ok) *ok = false;
      return Val();
    }
    return Val::big_integer(BigInt::from_double(d));
  }
  if (v.is_str())
    if (auto out = parse_py_int(v.as_str(), base)) return *out;
  if (ok) *ok = false;
  return Val();
}

Val py_float(const Val& v, bool* ok) {
  if (ok) *ok = true;
  if (v.is_number()) return Val::flt(v.as_float());
  if (v.is_str()) {
    double d;
    if (parse_py_float(v.as_str(), d)) return Val::flt(d);
  }
  if (ok) *ok = false;
  return Val();
}

bool ansible_bool(const Val& v) {
  if (v.is_bool()) return v.as_bool();
  if (v.is_none()) return false;
  auto b = to_bool(v.to_value());
  return b.value_or(false);
}

}  // namespace drover::tmpl
