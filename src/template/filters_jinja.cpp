// Jinja2 3.1's builtin filters, part one: strings, numbers, defaults and
// the list filters that take attributes (map, select...). Ordering and
// grouping filters are in filters_jinja_more.cpp.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/pyrepr.hpp"
#include "core/strings.hpp"
#include "template/filter_support.hpp"
#include "template/methods.hpp"
#include "template/operators.hpp"
#include "template/regex.hpp"
#include "template/template_error.hpp"
#include "template/text.hpp"

namespace drover::tmpl {

namespace {

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

Val f_abs(Renderer&, const Val& v, CallArgs&) {
  if (v.is_undefined()) raise_undefined(v);
  if (v.is_float()) return Val::flt(std::fabs(v.as_float()));
  if (v.is_integral()) {
    if (v.is_big_int() || v.as_int() == INT64_MIN) return Val::big_integer(v.to_big().abs());
    return Val::integer(std::llabs(v.as_int()));
  }
  fail("bad operand type for abs(): '" + type_name(v) + "'");
}

Val f_attr(Renderer& r, const Val& v, CallArgs& a) {
  std::string name = to_str(a.need(0, "name"));
  if (v.is_dict()) {
    if (is_method(v, name)) return bound_method(v, name);
    return Val::undefined(name, "'dict object' has no attribute '" + name + "'");
  }
  return r.getattr(v, name);
}

Val f_batch(Renderer&, const Val& v, CallArgs& a) {
  int64_t n = py_int(a.need(0, "linecount")).as_int();
  if (n <= 0) fail("batch size must be positive");
  const Val* fill = a.find(1, "fill_with");
  std::vector<Val> out, cur;
  for (auto& x : iterate(v)) {
    cur.push_back(x);
    if (static_cast<int64_t>(cur.size()) == n) {
      out.push_back(make_list(std::move(cur)));
      cur.clear();
    }
  }
  if (!cur.empty()) {
    if (fill && !fill->is_none())
      while (static_cast<int64_t>(cur.size()) < n) cur.push_back(*fill);
    out.push_back(make_list(std::move(cur)));
  }
  return make_list(std::move(out));
}

Val f_capitalize(Renderer& r, const Val& v, CallArgs&) {
  CallArgs none;
  return call_method(r, Val::str(to_str(v)), "capitalize", none);
}

Val f_center(Renderer& r, const Val& v, CallArgs& a) {
  CallArgs c;
  c.pos.push_back(a.get(0, "width", Val::integer(80)));
  return call_method(r, Val::str(to_str(v)), "center", c);
}

Val f_length(Renderer&, const Val& v, CallArgs&) {
  if (v.is_undefined()) raise_undefined(v);
  if (v.is_str() || v.is_sequence() || v.is_dict()) return Val::integer(static_cast<int64_t>(v.size()));
  if (v.is_object(Object::Type::Namespace)) fail("object of type 'Namespace' has no len()");
  fail("object of type '" + type_name(v) + "' has no len()");
}

Val f_default(Renderer&, const Val& v, CallArgs& a) {
  const Val* b = a.find(1, "boolean");
  bool boolean = b && b->truthy();
  if (v.is_undefined() || (boolean && !v.truthy())) {
    const Val* def = a.find(0, "default_value");
    return def ? *def : Val::empty_str();
  }
  return v;
}

Val f_escape(Renderer&, const Val& v, CallArgs&) {
  if (v.is_safe()) return v;
  if (v.is_none()) return Val::str("None").mark_safe();
  return Val::str(html_escape(to_str(v))).mark_safe();
}

Val f_forceescape(Renderer&, const Val& v, CallArgs&) { return Val::str(html_escape(to_str(v))).mark_safe(); }

Val f_filesizeformat(Renderer&, const Val& v, CallArgs& a) {
  bool binary = a.get(0, "binary", Val::boolean(false)).truthy();
  bool ok;
  Val f = py_float(v, &ok);
  if (!ok) fail("could not convert string to float: " + repr(v));
  double bytes = f.as_float();
  double base = binary ? 1024 : 1000;
  const char* prefixes[] = {binary ? "KiB" : "kB", binary ? "MiB" : "MB", binary ? "GiB" : "GB",
                            binary ? "TiB" : "TB", binary ? "PiB" : "PB", binary ? "EiB" : "EB",
                            binary ? "ZiB" : "ZB", binary ? "YiB" : "YB"};
  if (bytes == 1) return Val::str("1 Byte");
  if (bytes < base) return Val::str(std::to_string(static_cast<int64_t>(bytes)) + " Bytes");
  char buf[64];
  double unit = base;
  for (int i = 0; i < 8; ++i) {
    unit = std::pow(base, i + 2);
    if (bytes < unit || i == 7) {
      std::snprintf(buf, sizeof buf, "%.1f %s", base * bytes / unit, prefixes[i]);
      return Val::str(buf);
    }
  }
  return Val::str(buf);
}

Val f_first(Renderer&, const Val& v, CallArgs&) {
  if (v.is_undefined()) raise_undefined(v);
  if (v.is_sequence()) return v.size() ? v.at(0) : Val::undefined("", "No first item, sequence was empty.");
  auto items = iterate(v);
  if (items.empty()) return Val::undefined("", "No first item, sequence was empty.");
  return items[0];
}

Val f_last(Renderer&, const Val& v, CallArgs&) {
  if (v.is_undefined()) raise_undefined(v);
  auto items = iterate(v);
  if (items.empty()) return Val::undefined("", "No last item, sequence was empty.");
  return items.back();
}

Val f_float(Renderer&, const Val& v, CallArgs& a) {
  bool ok;
  Val f = py_float(v, &ok);
  if (ok) return f;
  return a.get(0, "default", Val::flt(0.0));
}

Val f_int(Renderer&, const Val& v, CallArgs& a) {
  Val def = a.get(0, "default", Val::integer(0));
  int base = static_cast<int>(a.get(1, "base", Val::integer(10)).as_int());
  if (v.is_str()) {
    bool ok;
    Val i = py_int(v, base, &ok);
    if (ok) return i;
    if (base == 10) {
      Val f = py_float(v, &ok);
      if (ok) {
        Val r = py_int(f, 10, &ok);
        if (ok) return r;
      }
    }
    return def;
  }
  bool ok;
  Val i = py_int(v, 10, &ok);
  return ok ? i : def;
}

Val f_format(Renderer&, const Val& v, CallArgs& a) {
  if (!a.pos.empty() && !a.kw.empty()) fail("can't handle positional and keyword arguments at the same time");
  std::string fmt = to_str(v);
  if (!a.kw.empty()) {
    Value d = Value::object();
    for (const auto& [k, x] : a.kw) d[k] = x.to_value();
    return Val::str(percent_format(fmt, Val::data(std::move(d))));
  }
  return Val::str(percent_format(fmt, Val::seq(a.pos, true)));
}

Val f_indent(Renderer&, const Val& v, CallArgs& a) {
  Val w = a.get(0, "width", Val::integer(4));
  bool first = a.get(1, "first", Val::boolean(false)).truthy();
  bool blank = a.get(2, "blank", Val::boolean(false)).truthy();
  std::string ind = w.is_str() ? w.as_str() : std::string(static_cast<size_t>(std::max<int64_t>(0, py_int(w).as_int())), ' ');
  std::string s = to_str(v) + "\n";
  std::vector<std::string> lines;
  {
    CallArgs none;
    // str.splitlines
    std::u32string u = utf8_decode(s);
    size_t i = 0;
    while (i < u.size()) {
      size_t j = i;
      while (j < u.size() && u[j] != '\n' && u[j] != '\r' && u[j] != 0x0B && u[j] != 0x0C && u[j] != 0x1C &&
             u[j] != 0x1D && u[j] != 0x1E && u[j] != 0x85 && u[j] != 0x2028 && u[j] != 0x2029)
        ++j;
      lines.push_back(utf8_encode(u.substr(i, j - i)));
      size_t e = j + 1;
      if (j < u.size() && u[j] == '\r' && j + 1 < u.size() && u[j + 1] == '\n') e = j + 2;
      i = e;
    }
  }
  std::string rv;
  if (blank) {
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i) rv += "\n" + ind;
      rv += lines[i];
    }
  } else {
    if (!lines.empty()) rv = lines[0];
    if (lines.size() > 1) {
      rv += "\n";
      for (size_t i = 1; i < lines.size(); ++i) {
        if (i > 1) rv += "\n";
        if (!lines[i].empty()) rv += ind + lines[i];
      }
    }
  }
  if (first) rv = ind + rv;
  return Val::str(rv);
}

Val f_items(Renderer&, const Val& v, CallArgs&) {
  if (v.is_undefined()) return Val::seq({});
  if (!v.is_dict()) fail("Can only get item pairs from a mapping.");
  std::vector<Val> items;
  for (const auto& k : v.keys()) items.push_back(Val::seq({Val::str(k), v.get(k)}, true));
  return Val::seq(std::move(items));
}

Val f_join(Renderer& r, const Val& v, CallArgs& a) {
  std::string sep = to_str(a.get(0, "d", Val::empty_str()));
  const Val* attr = a.find(1, "attribute");
  std::string out;
  bool first = true;
  for (const auto& x : iterate(v)) {
    if (!first) out += sep;
    first = false;
    if (attr && !attr->is_none()) str_append(out, attr_path(r, x, to_str(*attr)));
    else str_append(out, x);
  }
  return Val::str(std::move(out));
}

Val f_list(Renderer&, const Val& v, CallArgs&) {
  if (v.is_list() && v.kind() == Val::Kind::Data) return v;
  return make_list(iterate(v));
}

Val f_lower(Renderer&, const Val& v, CallArgs&) { return Val::str(py_lower_str(to_str(v))); }
Val f_upper(Renderer&, const Val& v, CallArgs&) { return Val::str(py_upper_str(to_str(v))); }

// map(attribute=...) or map('filter', *args)
Val f_map(Renderer& r, const Val& v, CallArgs& a) {
  std::vector<Val> out;
  const Val* attr = nullptr;
  for (const auto& [k, x] : a.kw)
    if (k == "attribute") attr = &x;
  if (v.is_undefined()) return make_list({});
  auto items = iterate(v);
  if (attr) {
    const Val* def = nullptr;
    for (const auto& [k, x] : a.kw)
      if (k == "default") def = &x;
    for (const auto& x : items) {
      Val got = attr_path(r, x, to_str(*attr));
      if (got.is_undefined() && def) got = *def;
      out.push_back(got);
    }
    return make_list(std::move(out));
  }
  if (a.pos.empty()) fail("map requires a filter argument");
  std::string name = to_str(a.pos[0]);
  for (const auto& x : items) {
    CallArgs sub;
    sub.pos.assign(a.pos.begin() + 1, a.pos.end());
    sub.kw = a.kw;
    out.push_back(r.apply_filter(name, x, sub));
  }
  return make_list(std::move(out));
}

// pprint.pformat: like repr, with dict keys sorted.
void sorted_repr(std::string& out, const Value& v) {
  if (v.is_object()) {
    std::vector<std::string> keys;
    for (auto it = v.begin(); it != v.end(); ++it) keys.push_back(it.key());
    std::sort(keys.begin(), keys.end());
    out += '{';
    for (size_t i = 0; i < keys.size(); ++i) {
      if (i) out += ", ";
      out += python_string_repr(keys[i]) + ": ";
      sorted_repr(out, v[keys[i]]);
    }
    out += '}';
  } else if (v.is_array()) {
    out += '[';
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out += ", ";
      sorted_repr(out, v[i]);
    }
    out += ']';
  } else {
    python_repr_append(out, v);
  }
}

Val f_pprint(Renderer&, const Val& v, CallArgs&) {
  if (v.kind() != Val::Kind::Data) return Val::str(repr(v));
  std::string out;
  sorted_repr(out, v.as_data());
  return Val::str(out);
}

// select/reject/selectattr/rejectattr
Val select_impl(Renderer& r, const Val& v, CallArgs& a, bool keep, bool by_attr) {
  std::vector<Val> out;
  size_t i = 0;
  std::string attr;
  if (by_attr) {
    if (a.pos.empty()) fail("Missing parameter for attribute name");
    attr = to_str(a.pos[0]);
    i = 1;
  }
  std::string test = i < a.pos.size() ? to_str(a.pos[i]) : "";
  for (const auto& x : iterate(v)) {
    Val subject = by_attr ? attr_path(r, x, attr) : x;
    bool ok;
    if (test.empty()) {
      ok = subject.truthy();
    } else {
      CallArgs sub;
      sub.pos.assign(a.pos.begin() + static_cast<long>(i) + 1, a.pos.end());
      sub.kw = a.kw;
      ok = r.apply_test(test, subject, sub);
    }
    if (ok == keep) out.push_back(x);
  }
  return make_list(std::move(out));
}
Val f_select(Renderer& r, const Val& v, CallArgs& a) { return select_impl(r, v, a, true, false); }
Val f_reject(Renderer& r, const Val& v, CallArgs& a) { return select_impl(r, v, a, false, false); }
Val f_selectattr(Renderer& r, const Val& v, CallArgs& a) { return select_impl(r, v, a, true, true); }
Val f_rejectattr(Renderer& r, const Val& v, CallArgs& a) { return select_impl(r, v, a, false, true); }

Val f_replace(Renderer& r, const Val& v, CallArgs& a) {
  const Val* old = a.find(0, "old");
  const Val* neu = a.find(1, "new");
  if (v.is_str() && !v.is_safe() && !v.is_native_text() && old && neu && old->is_str() && neu->is_str() &&
      !old->as_str().empty() && a.pos.size() <= 2 && a.kw.empty()) {
    // The common `x | replace('-', '_')`: no method dispatch, and the input
    // itself when nothing matches.
    const std::string& s = v.as_str();
    const std::string& o = old->as_str();
    size_t f = s.find(o);
    if (f == std::string::npos) return v;
    std::string out;
    out.reserve(s.size() + 16);
    size_t pos = 0;
    for (; f != std::string::npos; f = s.find(o, pos)) {
      out.append(s, pos, f - pos);
      out += neu->as_str();
      pos = f + o.size();
    }
    out.append(s, pos);
    return Val::str(std::move(out));
  }
  CallArgs c;
  c.pos.push_back(Val::str(to_str(a.need(0, "old"))));
  c.pos.push_back(Val::str(to_str(a.need(1, "new"))));
  Val count = a.get(2, "count", Val::none());
  if (!count.is_none()) c.pos.push_back(count);
  return call_method(r, Val::str(to_str(v)), "replace", c);
}

Val f_reverse(Renderer&, const Val& v, CallArgs&) {
  if (v.is_str()) {
    std::u32string u = utf8_decode(v.as_str());
    std::reverse(u.begin(), u.end());
    return Val::str(utf8_encode(u));
  }
  auto items = iterate(v);
  std::reverse(items.begin(), items.end());
  return make_list(std::move(items));
}

Val f_round(Renderer&, const Val& v, CallArgs& a) {
  int64_t prec = a.get(0, "precision", Val::integer(0)).as_int();
  std::string method = to_str(a.get(1, "method", Val::str("common")));
  if (method != "common" && method != "ceil" && method != "floor") fail("method must be common, ceil or floor");
  if (v.is_undefined()) raise_undefined(v);
  if (!v.is_number()) fail("type " + type_name(v) + " doesn't define __round__ method");
  double d = v.as_float();
  if (method == "common") {
    if (v.is_big_int()) return v;
    if ((v.is_int() || v.is_bool())) return Val::integer(v.as_int());
    if (std::isnan(d) || std::isinf(d)) return Val::flt(d);
    if (prec > 300) return Val::flt(d);
    char buf[512];
    if (prec >= 0) {
      std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(prec), d);
      return Val::flt(std::strtod(buf, nullptr));
    }
    double p = std::pow(10.0, static_cast<double>(-prec));
    return Val::flt(std::nearbyint(d / p) * p);
  }
  double p = std::pow(10.0, static_cast<double>(prec));
  double r = method == "ceil" ? std::ceil(d * p) / p : std::floor(d * p) / p;
  return Val::flt(r);
}

Val f_safe(Renderer&, const Val& v, CallArgs&) { return Val::str(to_str(v)).mark_safe(); }

Val f_slice(Renderer&, const Val& v, CallArgs& a) {
  int64_t slices = py_int(a.need(0, "slices")).as_int();
  if (slices <= 0) fail("slices must be positive");
  const Val* fill = a.find(1, "fill_with");
  auto seq = iterate(v);
  int64_t length = static_cast<int64_t>(seq.size());
  int64_t per = length / slices, extra = length % slices;
  int64_t offset = 0;
  std::vector<Val> out;
  for (int64_t i = 0; i < slices; ++i) {
    int64_t start = offset + i * per;
    if (i < extra) ++offset;
    int64_t end = offset + (i + 1) * per;
    std::vector<Val> part(seq.begin() + start, seq.begin() + end);
    if (fill && !fill->is_none() && i >= extra) part.push_back(*fill);
    out.push_back(make_list(std::move(part)));
  }
  return make_list(std::move(out));
}

Val f_string(Renderer&, const Val& v, CallArgs&) {
  if (v.is_str()) return v;
  return Val::str(to_str(v));
}

std::string html_unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string::npos || semi - i > 10) {
      out += s[i];
      continue;
    }
    std::string ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp") out += '&';
    else if (ent == "lt") out += '<';
    else if (ent == "gt") out += '>';
    else if (ent == "quot") out += '"';
    else if (ent == "apos") out += '\'';
    else if (ent == "nbsp") utf8_append(out, 0xA0);
    else if (!ent.empty() && ent[0] == '#') {
      char32_t cp = static_cast<char32_t>(ent.size() > 1 && (ent[1] == 'x' || ent[1] == 'X') ? std::strtoul(ent.c_str() + 2, nullptr, 16)
                                                                                   : std::strtoul(ent.c_str() + 1, nullptr, 10));
      utf8_append(out, cp);
    } else {
      out += s.substr(i, semi - i + 1);
    }
    i = semi;
  }
  return out;
}

Val f_striptags(Renderer&, const Val& v, CallArgs&) {
  std::string s = to_str(v);
  static auto comments = Regex::compile(R"(<!--.*?-->)", false, false, true);
  static auto tags = Regex::compile(R"(<.*?>)", false, false, true);
  s = comments->sub(s, "");
  s = tags->sub(s, "");
  std::string out;
  for (const auto& w : split_whitespace(s)) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return Val::str(html_unescape(out));
}

Val f_sum(Renderer& r, const Val& v, CallArgs& a) {
  const Val* attr = a.find(0, "attribute");
  Val total = a.get(1, "start", Val::integer(0));
  for (const auto& x : iterate(v)) {
    Val item = attr && !attr->is_none() ? attr_path(r, x, to_str(*attr)) : x;
    total = binary_op("+", total, item);
  }
  return total;
}

Val f_title(Renderer&, const Val& v, CallArgs&) {
  // Jinja: split on runs of [-\s({\[<], capitalize each piece.
  std::u32string u = utf8_decode(to_str(v));
  std::string out;
  bool at_start = true;
  for (char32_t c : u) {
    bool delim = c == '-' || py_isspace(c) || c == '(' || c == '{' || c == '[' || c == '<';
    if (delim) {
      utf8_append(out, c);
      at_start = true;
      continue;
    }
    utf8_append(out, at_start ? py_upper(c) : py_lower(c));
    at_start = false;
  }
  return Val::str(out);
}

Val f_trim(Renderer&, const Val& v, CallArgs& a) {
  Val chars = a.get(0, "chars", Val::none());
  if (!chars.is_none()) return Val::str(py_strip_chars(to_str(v), to_str(chars), true, true));
  return Val::str(py_strip(to_str(v), true, true));
}

Val f_truncate(Renderer&, const Val& v, CallArgs& a) {
  std::u32string s = utf8_decode(to_str(v));
  int64_t length = a.get(0, "length", Val::integer(255)).as_int();
  bool killwords = a.get(1, "killwords", Val::boolean(false)).truthy();
  std::u32string end = utf8_decode(to_str(a.get(2, "end", Val::str("..."))));
  Val lw = a.get(3, "leeway", Val::none());
  int64_t leeway = lw.is_none() ? 5 : lw.as_int();
  if (length < static_cast<int64_t>(end.size())) fail("expected length >= " + std::to_string(end.size()) + ", got " + std::to_string(length));
  if (leeway < 0) fail("expected leeway >= 0, got " + std::to_string(leeway));
  if (static_cast<int64_t>(s.size()) <= length + leeway) return Val::str(utf8_encode(s));
  std::u32string head = s.substr(0, static_cast<size_t>(length) - end.size());
  if (killwords) return Val::str(utf8_encode(head + end));
  size_t sp = head.rfind(U' ');
  if (sp != std::u32string::npos) head = head.substr(0, sp);
  return Val::str(utf8_encode(head + end));
}

Val f_wordcount(Renderer&, const Val& v, CallArgs&) {
  static auto words = Regex::compile(R"(\w+)");
  return Val::integer(static_cast<int64_t>(words->find_all(to_str(v)).size()));
}

}  // namespace

void add_jinja_filters(FilterTable& t) {
  t["abs"] = f_abs;
  t["attr"] = f_attr;
  t["batch"] = f_batch;
  t["capitalize"] = f_capitalize;
  t["center"] = f_center;
  t["count"] = t["length"] = f_length;
  t["d"] = t["default"] = f_default;
  t["e"] = t["escape"] = f_escape;
  t["forceescape"] = f_forceescape;
  t["filesizeformat"] = f_filesizeformat;
  t["first"] = f_first;
  t["last"] = f_last;
  t["float"] = f_float;
  t["int"] = f_int;
  t["format"] = f_format;
  t["indent"] = f_indent;
  t["items"] = f_items;
  t["join"] = f_join;
  t["list"] = f_list;
  t["lower"] = f_lower;
  t["upper"] = f_upper;
  t["map"] = f_map;
  t["pprint"] = f_pprint;
  t["select"] = f_select;
  t["reject"] = f_reject;
  t["selectattr"] = f_selectattr;
  t["rejectattr"] = f_rejectattr;
  t["replace"] = f_replace;
  t["reverse"] = f_reverse;
  t["round"] = f_round;
  t["safe"] = f_safe;
  t["slice"] = f_slice;
  t["string"] = f_string;
  t["striptags"] = f_striptags;
  t["sum"] = f_sum;
  t["title"] = f_title;
  t["trim"] = f_trim;
  t["truncate"] = f_truncate;
  t["wordcount"] = f_wordcount;
}

}  // namespace drover::tmpl
