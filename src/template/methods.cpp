#include "template/methods.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/pyrepr.hpp"
#include "template/operators.hpp"
#include "template/str_format.hpp"
#include "template/template_error.hpp"
#include "template/text.hpp"

namespace drover::tmpl {
namespace {

const std::set<std::string_view> kStrMethods = {
    "upper", "lower", "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "replace", "startswith",
    "endswith", "format", "join", "find", "rfind", "index", "rindex", "count", "title", "capitalize",
    "isdigit", "isalpha", "isalnum", "isspace", "islower", "isupper", "isnumeric", "isdecimal", "zfill",
    "ljust", "rjust", "center", "partition", "rpartition", "swapcase", "casefold", "expandtabs", "encode",
    "removeprefix", "removesuffix", "istitle", "isidentifier"};
const std::set<std::string_view> kListMethods = {"append", "index", "count", "extend", "insert", "pop",
                                                 "remove", "reverse", "sort", "copy", "clear"};
const std::set<std::string_view> kDictMethods = {"keys", "values", "items", "get", "update", "pop",
                                                 "copy", "setdefault", "clear", "popitem"};

// The Value behind a list/dict the template changes. Like Python, this
// changes the variable itself for the rest of the render (a variable
// source that must not see it gives the render its own copy).
Value& mutable_data(const Val& obj) {
  if (obj.kind() != Val::Kind::Data) fail("'" + type_name(obj) + "' object does not support item assignment");
  return const_cast<Value&>(obj.as_data());
}

std::string need_str(const Val& v, const char* what) {
  if (v.is_str()) return v.as_str();
  if (v.is_undefined()) raise_undefined(v);
  fail(std::string(what) + " must be str, not " + type_name(v));
}

size_t cp_index(const std::string& s, size_t byte_pos) { return utf8_length(std::string_view(s).substr(0, byte_pos)); }

Val split_impl(const std::string& s, const Val& sep, int64_t maxsplit, bool right) {
  std::vector<std::string> parts;
  if (sep.is_none() || sep.is_undefined()) {
    std::u32string u = utf8_decode(s);
    if (!right) {
      size_t i = 0;
      int64_t splits = 0;
      while (i < u.size()) {
        while (i < u.size() && py_isspace(u[i])) ++i;
        if (i >= u.size()) break;
        if (maxsplit >= 0 && splits >= maxsplit) {
          size_t e = u.size();
          while (e > i && py_isspace(u[e - 1])) --e;
          parts.push_back(utf8_encode(u.substr(i, e - i)));
          break;
        }
        size_t j = i;
        while (j < u.size() && !py_isspace(u[j])) ++j;
        parts.push_back(utf8_encode(u.substr(i, j - i)));
        ++splits;
        i = j;
      }
    } else {
      int64_t i = static_cast<int64_t>(u.size()) - 1;
      int64_t splits = 0;
      while (i >= 0) {
        while (i >= 0 && py_isspace(u[static_cast<size_t>(i)])) --i;
        if (i < 0) break;
        if (maxsplit >= 0 && splits >= maxsplit) {
          size_t b = 0;
          while (b < static_cast<size_t>(i) && py_isspace(u[b])) ++b;
          parts.insert(parts.begin(), utf8_encode(u.substr(b, static_cast<size_t>(i) + 1 - b)));
          break;
        }
        int64_t j = i;
        while (j >= 0 && !py_isspace(u[static_cast<size_t>(j)])) --j;
        parts.insert(parts.begin(), utf8_encode(u.substr(static_cast<size_t>(j + 1), static_cast<size_t>(i - j))));
        ++splits;
        i = j;
      }
    }
  } else {
    std::string d = need_str(sep, "sep");
    if (d.empty()) fail("empty separator");
    if (!right) {
      size_t pos = 0;
      int64_t splits = 0;
      for (;;) {
        size_t f = (maxsplit >= 0 && splits >= maxsplit) ? std::string::npos : s.find(d, pos);
        if (f == std::string::npos) {
          parts.push_back(s.substr(pos));
          break;
        }
        parts.push_back(s.substr(pos, f - pos));
        pos = f + d.size();
        ++splits;
      }
    } else {
      size_t end = s.size();
      int64_t splits = 0;
      for (;;) {
        size_t f = std::string::npos;
        if (!(maxsplit >= 0 && splits >= maxsplit) && end >= d.size()) f = s.rfind(d, end - d.size());
        if (f == std::string::npos) {
          parts.insert(parts.begin(), s.substr(0, end));
          break;
        }
        parts.insert(parts.begin(), s.substr(f + d.size(), end - f - d.size()));
        end = f;
        ++splits;
      }
    }
  }
  Value out = Value::array();
  for (auto& p : parts) out.push_back(std::move(p));
  return Val::data(std::move(out));
}

std::string py_title(const std::string& s) {
  std::string out;
  bool prev_cased = false;
  for (char32_t c : utf8_decode(s)) {
    bool cased = py_isalpha(c);
    utf8_append(out, cased ? (prev_cased ? py_lower(c) : py_upper(c)) : c);
    prev_cased = cased;
  }
  return out;
}

std::string pad(const std::string& s, int64_t width, char32_t fill, int where) {  // -1 left-justify, 0 center, 1 right
  int64_t len = static_cast<int64_t>(utf8_length(s));
  if (width <= len) return s;
  int64_t marg = width - len;
  int64_t left = where < 0 ? 0 : where > 0 ? marg : marg / 2 + (marg & width & 1);
  std::string f;
  utf8_append(f, fill);
  std::string out;
  for (int64_t i = 0; i < left; ++i) out += f;
  out += s;
  for (int64_t i = 0; i < marg - left; ++i) out += f;
  return out;
}

char32_t fill_char(const CallArgs& a, size_t i) {
  const Val* f = a.find(i, "fillchar");
  if (!f) return U' ';
  std::u32string u = utf8_decode(need_str(*f, "fillchar"));
  if (u.size() != 1) fail("The fill character must be exactly one character long");
  return u[0];
}

bool str_pred(const std::string& s, bool (*pred)(char32_t)) {
  if (s.empty()) return false;
  for (char32_t c : utf8_decode(s))
    if (!pred(c)) return false;
  return true;
}

Val str_method(Renderer& r, const std::string& s, std::string_view m, CallArgs& a) {
  if (m == "upper") return Val::str(py_upper_str(s));
  if (m == "lower" || m == "casefold") return Val::str(py_lower_str(s));
  if (m == "strip" || m == "lstrip" || m == "rstrip") {
    bool l = m != "rstrip", rr = m != "lstrip";
    const Val* chars = a.find(0, "chars");
    if (chars && !chars->is_none()) return Val::str(py_strip_chars(s, need_str(*chars, "chars"), l, rr));
    return Val::str(py_strip(s, l, rr));
  }
  if (m == "split" || m == "rsplit")
    return split_impl(s, a.get(0, "sep", Val::none()), a.get(1, "maxsplit", Val::integer(-1)).as_int(), m == "rsplit");
  if (m == "splitlines") {
    bool keep = a.get(0, "keepends", Val::boolean(false)).truthy();
    Value out = Value::array();
    std::u32string u = utf8_decode(s);
    size_t i = 0;
    while (i < u.size()) {
      size_t j = i;
      while (j < u.size() && u[j] != '\n' && u[j] != '\r' && u[j] != 0x0B && u[j] != 0x0C && u[j] != 0x1C &&
             u[j] != 0x1D && u[j] != 0x1E && u[j] != 0x85 && u[j] != 0x2028 && u[j] != 0x2029)
        ++j;
      size_t e = j;
      if (j < u.size()) {
        e = j + 1;
        if (u[j] == '\r' && j + 1 < u.size() && u[j + 1] == '\n') e = j + 2;
      }
      out.push_back(utf8_encode(u.substr(i, (keep ? e : j) - i)));
      i = e;
    }
    return Val::data(std::move(out));
  }
  if (m == "replace") {
    std::string old = need_str(a.need(0, "old"), "replace() argument 1");
    std::string neu = need_str(a.need(1, "new"), "replace() argument 2");
    int64_t count = a.get(2, "count", Val::integer(-1)).as_int();
    std::string out;
    if (old.empty()) {
      std::u32string u = utf8_decode(s);
      int64_t done = 0;
      for (size_t i = 0; i <= u.size(); ++i) {
        if (count < 0 || done < count) {
          out += neu;
          ++done;
        }
        if (i < u.size()) utf8_append(out, u[i]);
      }
      return Val::str(out);
    }
    size_t pos = 0;
    int64_t done = 0;
    for (;;) {
      size_t f = (count >= 0 && done >= count) ? std::string::npos : s.find(old, pos);
      if (f == std::string::npos) break;
      out.append(s, pos, f - pos);
      out += neu;
      pos = f + old.size();
      ++done;
    }
    out.append(s, pos);
    return Val::str(out);
  }
  if (m == "startswith" || m == "endswith") {
    Val arg = a.need(0, "prefix");
    std::vector<std::string> options;
    if (arg.is_tuple()) {
      for (const auto& v : arg.as_seq()) options.push_back(need_str(v, "tuple for startswith"));
    } else if (arg.is_str()) {
      options.push_back(arg.as_str());
    } else {
      fail(std::string(m) + " first arg must be str or a tuple of str, not " + type_name(arg));
    }
    for (const auto& o : options) {
      if (m == "startswith" ? s.compare(0, o.size(), o) == 0
                            : (s.size() >= o.size() && s.compare(s.size() - o.size(), o.size(), o) == 0))
        return Val::boolean(true);
    }
    return Val::boolean(false);
  }
  if (m == "format") return Val::str(str_format(r, s, a));
  if (m == "join") {
    std::string out;
    bool first = true;
    for (const auto& v : iterate(a.need(0, "iterable"))) {
      if (!first) out += s;
      first = false;
      if (!v.is_str()) fail("sequence item: expected str instance, " + type_name(v) + " found");
      out += v.as_str();
    }
    return Val::str(out);
  }
  if (m == "find" || m == "rfind" || m == "index" || m == "rindex") {
    std::string sub = need_str(a.need(0, "sub"), "must be str");
    size_t f = (m == "find" || m == "index") ? s.find(sub) : s.rfind(sub);
    if (f == std::string::npos) {
      if (m == "index" || m == "rindex") fail("substring not found");
      return Val::integer(-1);
    }
    return Val::integer(static_cast<int64_t>(cp_index(s, f)));
  }
  if (m == "count") {
    std::string sub = need_str(a.need(0, "sub"), "must be str");
    if (sub.empty()) return Val::integer(static_cast<int64_t>(utf8_length(s) + 1));
    int64_t n = 0;
    for (size_t p = s.find(sub); p != std::string::npos; p = s.find(sub, p + sub.size())) ++n;
    return Val::integer(n);
  }
  if (m == "title") return Val::str(py_title(s));
  if (m == "capitalize") {
    std::u32string u = utf8_decode(s);
    for (size_t i = 0; i < u.size(); ++i) u[i] = i == 0 ? py_upper(u[i]) : py_lower(u[i]);
    return Val::str(utf8_encode(u));
  }
  if (m == "swapcase") {
    std::u32string u = utf8_decode(s);
    for (auto& c : u) c = py_upper(c) != c ? py_upper(c) : py_lower(c);
    return Val::str(utf8_encode(u));
  }
  if (m == "isdigit" || m == "isnumeric" || m == "isdecimal") return Val::boolean(str_pred(s, py_isdigit));
  if (m == "isalpha") return Val::boolean(str_pred(s, py_isalpha));
  if (m == "isalnum") return Val::boolean(str_pred(s, py_isalnum));
  if (m == "isspace") return Val::boolean(str_pred(s, py_isspace));
  if (m == "islower" || m == "isupper") {
    bool any = false;
    for (char32_t c : utf8_decode(s)) {
      if (py_lower(c) != py_upper(c)) {
        any = true;
        if (m == "islower" ? py_lower(c) != c : py_upper(c) != c) return Val::boolean(false);
      }
    }
    return Val::boolean(any);
  }
  if (m == "istitle") return Val::boolean(!s.empty() && py_title(s) == s && py_lower_str(s) != s);
  if (m == "isidentifier") {
    std::u32string u = utf8_decode(s);
    if (u.empty() || py_isdigit(u[0])) return Val::boolean(false);
    for (char32_t c : u)
      if (!(py_isalnum(c) || c == '_')) return Val::boolean(false);
    return Val::boolean(true);
  }
  if (m == "zfill") {
    int64_t w = a.need(0, "width").as_int();
    int64_t len = static_cast<int64_t>(utf8_length(s));
    if (w <= len) return Val::str(s);
    std::string zeros(static_cast<size_t>(w - len), '0');
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) return Val::str(s.substr(0, 1) + zeros + s.substr(1));
    return Val::str(zeros + s);
  }
  if (m == "ljust" || m == "rjust" || m == "center") {
    int64_t w = a.need(0, "width").as_int();
    if (w > (64 << 20)) fail("width too large");
    return Val::str(pad(s, w, fill_char(a, 1), m == "ljust" ? -1 : m == "rjust" ? 1 : 0));
  }
  if (m == "partition" || m == "rpartition") {
    std::string sep = need_str(a.need(0, "sep"), "sep");
    if (sep.empty()) fail("empty separator");
    size_t f = m == "partition" ? s.find(sep) : s.rfind(sep);
    if (f == std::string::npos) {
      if (m == "partition") return Val::seq({Val::str(s), Val::empty_str(), Val::empty_str()}, true);
      return Val::seq({Val::empty_str(), Val::empty_str(), Val::str(s)}, true);
    }
    return Val::seq({Val::str(s.substr(0, f)), Val::str(sep), Val::str(s.substr(f + sep.size()))}, true);
  }
  if (m == "removeprefix") {
    std::string p = need_str(a.need(0, "prefix"), "prefix");
    return Val::str(s.compare(0, p.size(), p) == 0 ? s.substr(p.size()) : s);
  }
  if (m == "removesuffix") {
    std::string p = need_str(a.need(0, "suffix"), "suffix");
    bool has = !p.empty() && s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
    return Val::str(has ? s.substr(0, s.size() - p.size()) : s);
  }
  if (m == "expandtabs") {
    int64_t ts = a.get(0, "tabsize", Val::integer(8)).as_int();
    std::string out;
    int64_t col = 0;
    for (char32_t c : utf8_decode(s)) {
      if (c == '\t') {
        if (ts > 0) {
          int64_t n = ts - col % ts;
          out.append(static_cast<size_t>(n), ' ');
          col += n;
        }
      } else {
        utf8_append(out, c);
        col = (c == '\n' || c == '\r') ? 0 : col + 1;
      }
    }
    return Val::str(out);
  }
  if (m == "encode") return Val::str(s);
  fail("'str' object has no attribute '" + std::string(m) + "'");
}

Val list_method(const Val& obj, std::string_view m, CallArgs& a) {
  if (m == "index") {
    Val x = a.need(0, "value");
    for (size_t i = 0; i < obj.size(); ++i)
      if (equals(obj.at(i), x)) return Val::integer(static_cast<int64_t>(i));
    fail(repr(x) + " is not in list");
  }
  if (m == "count") {
    Val x = a.need(0, "value");
    int64_t n = 0;
    for (size_t i = 0; i < obj.size(); ++i) n += equals(obj.at(i), x);
    return Val::integer(n);
  }
  if (m == "copy") return Val::data(obj.to_value());
  if (obj.is_tuple()) fail("'tuple' object has no attribute '" + std::string(m) + "'");
  Value& d = mutable_data(obj);
  if (m == "append") {
    d.push_back(a.need(0, "object").to_value());
    return Val::none();
  }
  if (m == "extend") {
    for (const auto& v : iterate(a.need(0, "iterable"))) d.push_back(v.to_value());
    return Val::none();
  }
  if (m == "insert") {
    int64_t i = a.need(0, "index").as_int();
    int64_t n = static_cast<int64_t>(d.size());
    if (i < 0) i = std::max<int64_t>(0, i + n);
    i = std::min(i, n);
    d.insert(d.begin() + i, a.need(1, "object").to_value());
    return Val::none();
  }
  if (m == "pop") {
    if (d.empty()) fail("pop from empty list");
    int64_t n = static_cast<int64_t>(d.size());
    int64_t i = a.get(0, "index", Val::integer(-1)).as_int();
    if (i < 0) i += n;
    if (i < 0 || i >= n) fail("pop index out of range");
    Value v = d[static_cast<size_t>(i)];
    d.erase(d.begin() + i);
    return Val::data(std::move(v));
  }
  if (m == "remove") {
    Val x = a.need(0, "value");
    for (size_t i = 0; i < d.size(); ++i)
      if (equals(Val::data_ref(&d[i]), x)) {
        d.erase(d.begin() + static_cast<int64_t>(i));
        return Val::none();
      }
    fail("list.remove(x): x not in list");
  }
  if (m == "reverse") {
    std::reverse(d.begin(), d.end());
    return Val::none();
  }
  if (m == "sort") {
    bool rev = a.get(99, "reverse", Val::boolean(false)).truthy();
    std::stable_sort(d.begin(), d.end(), [&](const Value& x, const Value& y) {
      int c = compare(Val::data_ref(&x), Val::data_ref(&y));
      return rev ? c > 0 : c < 0;
    });
    return Val::none();
  }
  if (m == "clear") {
    d = Value::array();
    return Val::none();
  }
  fail("'list' object has no attribute '" + std::string(m) + "'");
}

Val dict_method(const Val& obj, std::string_view m, CallArgs& a) {
  if (m == "keys" || m == "values" || m == "items") {
    std::vector<Val> items;
    const Value& d = obj.as_data();
    for (auto it = d.begin(); it != d.end(); ++it) {
      if (m == "keys") items.push_back(Val::str_ref(&it.key(), obj.keeper()));
      else if (m == "values") items.push_back(Val::data_ref(&it.value(), obj.keeper()));
      else items.push_back(Val::seq({Val::str_ref(&it.key(), obj.keeper()), Val::data_ref(&it.value(), obj.keeper())}, true));
    }
    return Val::view(std::move(items), m == "keys" ? Val::View::Keys : m == "values" ? Val::View::Values : Val::View::Items);
  }
  if (m == "get") {
    Val k = a.need(0, "key");
    Val def = a.get(1, "default", Val::none());
    if (!k.is_str()) return def;
    Val v = obj.get(k.as_str());
    return v.is_undefined() ? def : v;
  }
  if (m == "copy") return Val::data(obj.to_value());
  Value& d = mutable_data(obj);
  if (m == "update") {
    for (const auto& p : a.pos) {
      if (!p.is_dict()) fail("dictionary update sequence element is not a mapping");
      for (const auto& k : p.keys()) d[k] = p.get(k).to_value();
    }
    for (const auto& [k, v] : a.kw) d[k] = v.to_value();
    return Val::none();
  }
  if (m == "pop") {
    std::string k = to_str(a.need(0, "key"));
    auto it = d.find(k);
    if (it == d.end()) {
      if (const Val* def = a.find(1, "default")) return *def;
      fail(python_string_repr(k));
    }
    Value v = *it;
    d.erase(k);
    return Val::data(std::move(v));
  }
  if (m == "setdefault") {
    std::string k = to_str(a.need(0, "key"));
    if (!d.contains(k)) d[k] = a.get(1, "default", Val::none()).to_value();
    return Val::data(d[k]);
  }
  if (m == "clear") {
    d = Value::object();
    return Val::none();
  }
  if (m == "popitem") {
    if (d.empty()) fail("'popitem(): dictionary is empty'");
    auto last = std::prev(d.end());
    Val pair = Val::seq({Val::str(last.key()), Val::data(last.value())}, true);
    d.erase(last.key());
    return pair;
  }
  fail("'dict' object has no attribute '" + std::string(m) + "'");
}

}  // namespace

bool is_dict_method_name(std::string_view name) {
  switch (name.size()) {
    case 3: return name == "get" || name == "pop";
    case 4: return name == "keys" || name == "copy";
    case 5: return name == "items" || name == "clear";
    case 6: return name == "values" || name == "update";
    case 7: return name == "popitem";
    case 10: return name == "setdefault";
    default: return false;
  }
}

bool is_method(const Val& obj, std::string_view name) {
  if (obj.is_dict()) return is_dict_method_name(name);
  if (obj.is_str()) return kStrMethods.count(name) > 0;
  if (obj.is_sequence()) return kListMethods.count(name) > 0;
  return false;
}

Val bound_method(const Val& obj, std::string_view name) {
  std::string n(name);
  return Val::object(std::make_shared<Callable>(n, [obj, n](Renderer& r, CallArgs& a) {
    return call_method(r, obj, n, a);
  }));
}

Val call_method(Renderer& r, const Val& obj, std::string_view name, CallArgs& args) {
  if (obj.is_str()) return str_method(r, obj.as_str(), name, args);
  if (obj.is_dict()) return dict_method(obj, name, args);
  if (obj.is_sequence()) return list_method(obj, name, args);
  fail("'" + type_name(obj) + "' object has no attribute '" + std::string(name) + "'");
}

}  // namespace drover::tmpl
