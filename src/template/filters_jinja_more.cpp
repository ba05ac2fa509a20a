// Jinja2 3.1's builtin filters, part two: ordering and grouping (sort,
// dictsort, min, max, groupby), tojson, urlencode, urlize, wordwrap,
// xmlattr.
#include <algorithm>

#include "core/pyjson.hpp"
#include "core/strings.hpp"
#include "template/filter_support.hpp"
#include "template/regex.hpp"
#include "template/template_error.hpp"
#include "template/text.hpp"

namespace drover::tmpl {
namespace {

Val f_dictsort(Renderer&, const Val& v, CallArgs& a) {
  const Val* cs_arg = a.find(0, "case_sensitive");
  bool cs = cs_arg && cs_arg->truthy();
  const Val* by_arg = a.find(1, "by");
  std::string by = by_arg ? to_str(*by_arg) : "key";
  const Val* rev_arg = a.find(2, "reverse");
  bool rev = rev_arg && rev_arg->truthy();
  if (!v.is_dict()) fail("You can only sort by either \"key\" or \"value\"");
  int pos = by == "key" ? 0 : by == "value" ? 1 : -1;
  if (pos < 0) fail("You can only sort by either \"key\" or \"value\"");
  // Sort (key, value) pairs borrowed from the dict, then make the tuples.
  std::vector<std::pair<Val, Val>> pairs;
  const Value& d = v.as_data();
  pairs.reserve(d.size());
  for (auto it = d.begin(); it != d.end(); ++it)
    pairs.emplace_back(Val::str_ref(&it.key(), v.keeper()), Val::data_ref(&it.value(), v.keeper()));
  auto before = [&](const auto& x, const auto& y) {
    int c = pos == 0 ? compare(x.first, y.first, cs) : compare(x.second, y.second, cs);
    return rev ? c > 0 : c < 0;
  };
  if (pairs.size() <= 16) {
    // Small dicts (headers, options): a stable insertion sort, without the
    // buffer std::stable_sort allocates.
    for (size_t i = 1; i < pairs.size(); ++i)
      for (size_t j = i; j > 0 && before(pairs[j], pairs[j - 1]); --j) std::swap(pairs[j], pairs[j - 1]);
  } else {
    std::stable_sort(pairs.begin(), pairs.end(), before);
  }
  std::vector<Val> items;
  items.reserve(pairs.size());
  for (auto& [k, val] : pairs) items.push_back(Val::seq({std::move(k), std::move(val)}, true));
  return Val::seq(std::move(items));
}

Val minmax(Renderer& r, const Val& v, CallArgs& a, bool want_max) {
  bool cs = a.get(0, "case_sensitive", Val::boolean(false)).truthy();
  const Val* attr = a.find(1, "attribute");
  auto items = iterate(v);
  if (items.empty()) return Val::undefined("", std::string("No aggregated item, sequence was empty."));
  size_t best = 0;
  auto key = [&](const Val& x) { return attr && !attr->is_none() ? attr_path(r, x, to_str(*attr)) : x; };
  for (size_t i = 1; i < items.size(); ++i) {
    int c = compare(key(items[i]), key(items[best]), cs);
    if (want_max ? c > 0 : c < 0) best = i;
  }
  return items[best];
}
Val f_max(Renderer& r, const Val& v, CallArgs& a) { return minmax(r, v, a, true); }
Val f_min(Renderer& r, const Val& v, CallArgs& a) { return minmax(r, v, a, false); }

Val f_sort(Renderer& r, const Val& v, CallArgs& a) {
  bool rev = a.get(0, "reverse", Val::boolean(false)).truthy();
  bool cs = a.get(1, "case_sensitive", Val::boolean(false)).truthy();
  const Val* attr = a.find(2, "attribute");
  auto items = iterate(v);
  std::vector<std::string> attrs;
  if (attr && !attr->is_none()) {
    std::string s = to_str(*attr);
    size_t st = 0;
    for (size_t i = 0; i <= s.size(); ++i)
      if (i == s.size() || s[i] == ',') {
        attrs.push_back(py_strip(s.substr(st, i - st), true, true));
        st = i + 1;
      }
  }
  auto key = [&](const Val& x) -> Val {
    if (attrs.empty()) return x;
    if (attrs.size() == 1) return attr_path(r, x, attrs[0]);
    std::vector<Val> k;
    for (const auto& p : attrs) k.push_back(attr_path(r, x, p));
    return Val::seq(std::move(k), true);
  };
  std::vector<std::pair<Val, Val>> keyed;
  for (auto& x : items) keyed.emplace_back(key(x), x);
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
    return rev ? compare(y.first, x.first, cs) < 0 : compare(x.first, y.first, cs) < 0;
  });
  std::vector<Val> out;
  for (auto& p : keyed) out.push_back(std::move(p.second));
  return make_list(std::move(out));
}

Val f_groupby(Renderer& r, const Val& v, CallArgs& a) {
  std::string attr = to_str(a.need(0, "attribute"));
  const Val* def = a.find(1, "default");
  bool cs = a.get(2, "case_sensitive", Val::boolean(false)).truthy();
  std::vector<std::pair<Val, Val>> keyed;
  for (auto& x : iterate(v)) {
    Val k = attr_path(r, x, attr);
    if (k.is_undefined() && def) k = *def;
    if (k.is_undefined()) raise_undefined(k);
    keyed.emplace_back(k, x);
  }
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) { return compare(x.first, y.first, cs) < 0; });
  std::vector<Val> groups;
  size_t i = 0;
  while (i < keyed.size()) {
    size_t j = i;
    std::vector<Val> members;
    while (j < keyed.size() && compare(keyed[j].first, keyed[i].first, cs) == 0) members.push_back(keyed[j++].second);
    Val key = keyed[i].first;
    if (!cs && key.is_str()) key = Val::str(py_lower_str(key.as_str()));
    groups.push_back(Val::seq({key, make_list(std::move(members))}, true));
    i = j;
  }
  return Val::seq(std::move(groups));
}

Val f_tojson(Renderer&, const Val& v, CallArgs& a) {
  JsonDumpOptions o;
  o.sort_keys = true;
  Val indent = a.get(0, "indent", Val::none());
  if (!indent.is_none()) o.indent = static_cast<int>(indent.as_int());
  std::string s = python_json_dumps(v.to_value(), o);
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      case '\'': out += "\\u0027"; break;
      default: out += c;
    }
  }
  return Val::str(out).mark_safe();
}

std::string url_quote(const std::string& s, const std::string& safe, bool plus = false) {
  std::string out;
  char buf[4];
  for (unsigned char c : s) {
    if (plus && c == ' ') {
      out += '+';
    } else if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~' || safe.find(static_cast<char>(c)) != std::string::npos) {
      out += static_cast<char>(c);
    } else {
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

Val f_urlencode(Renderer&, const Val& v, CallArgs&) {
  if (v.is_str()) return Val::str(url_quote(v.as_str(), "/"));
  std::vector<std::pair<std::string, std::string>> items;
  if (v.is_dict()) {
    for (const auto& k : v.keys()) items.emplace_back(k, to_str(v.get(k)));
  } else if (v.is_sequence()) {
    for (auto& p : iterate(v)) {
      auto kv = iterate(p);
      if (kv.size() != 2) fail("too many values to unpack (expected 2)");
      items.emplace_back(to_str(kv[0]), to_str(kv[1]));
    }
  } else {
    return Val::str(url_quote(to_str(v), "/"));
  }
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += "&";
    out += url_quote(items[i].first, "", true) + "=" + url_quote(items[i].second, "", true);
  }
  return Val::str(out);
}

Val f_wordwrap(Renderer&, const Val& v, CallArgs& a) {
  int64_t width = a.get(0, "width", Val::integer(79)).as_int();
  bool break_long = a.get(1, "break_long_words", Val::boolean(true)).truthy();
  Val ws = a.get(2, "wrapstring", Val::none());
  std::string wrap = ws.is_none() ? "\n" : to_str(ws);
  if (width <= 0) fail("invalid width " + std::to_string(width) + " (must be > 0)");
  // textwrap.wrap per paragraph line (Jinja splits on newlines first).
  std::string text = to_str(v);
  std::vector<std::string> out_lines;
  size_t pos = 0;
  for (;;) {
    size_t nl = text.find('\n', pos);
    std::string para = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    std::u32string u = utf8_decode(para);
    for (auto& c : u)
      if (c == '\t' || c == '\v' || c == '\f' || c == '\r') c = ' ';
    std::vector<std::u32string> chunks;
    size_t i = 0;
    while (i < u.size()) {
      size_t j = i;
      bool space = u[i] == ' ';
      while (j < u.size() && (u[j] == ' ') == space) ++j;
      chunks.push_back(u.substr(i, j - i));
      i = j;
    }
    std::vector<std::u32string> lines;
    std::u32string cur;
    size_t k = 0;
    std::reverse(chunks.begin(), chunks.end());
    while (!chunks.empty()) {
      cur.clear();
      size_t w = static_cast<size_t>(width);
      if (!lines.empty() && !chunks.empty() && chunks.back()[0] == ' ') chunks.pop_back();
      while (!chunks.empty()) {
        const auto& c = chunks.back();
        if (cur.size() + c.size() <= w) {
          cur += c;
          chunks.pop_back();
        } else {
          break;
        }
      }
      if (!chunks.empty() && chunks.back().size() > w) {
        if (break_long) {
          size_t space_left = w > cur.size() ? w - cur.size() : 1;
          if (cur.empty() || space_left > 0) {
            cur += chunks.back().substr(0, space_left);
            chunks.back() = chunks.back().substr(space_left);
          }
        } else if (cur.empty()) {
          cur = chunks.back();
          chunks.pop_back();
        }
      }
      while (!cur.empty() && cur.back() == ' ') cur.pop_back();
      if (!cur.empty()) lines.push_back(cur);
      if (++k > 1'000'000) break;
    }
    for (auto& l : lines) out_lines.push_back(utf8_encode(l));
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  std::string out;
  for (size_t i = 0; i < out_lines.size(); ++i) {
    if (i) out += wrap;
    out += out_lines[i];
  }
  return Val::str(out);
}

std::string attr_escape(const std::string& s) {
  std::string out;
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

Val f_xmlattr(Renderer&, const Val& v, CallArgs& a) {
  bool autospace = a.get(0, "autospace", Val::boolean(true)).truthy();
  if (!v.is_dict()) fail("'" + type_name(v) + "' object has no attribute 'items'");
  std::string out;
  for (const auto& k : v.keys()) {
    Val x = v.get(k);
    if (x.is_none() || x.is_undefined()) continue;
    for (char c : k)
      if (c == ' ' || c == '/' || c == '>' || c == '=') fail("Invalid character in attribute name: '" + k + "'");
    if (!out.empty()) out += ' ';
    out += attr_escape(k) + "=\"" + attr_escape(to_str(x)) + "\"";
  }
  if (autospace && !out.empty()) out = " " + out;
  return Val::str(out).mark_safe();
}

Val f_urlize(Renderer&, const Val& v, CallArgs& a) {
  Val trim = a.get(0, "trim_url_limit", Val::none());
  bool nofollow = a.get(1, "nofollow", Val::boolean(false)).truthy();
  Val target = a.get(2, "target", Val::none());
  std::string rel = nofollow ? "nofollow noopener" : "noopener";
  std::string text = to_str(v);
  static auto word_re = Regex::compile(R"((\s+))");
  std::string out;
  size_t pos = 0;
  auto escape = [](const std::string& s) { return attr_escape(s); };
  auto emit = [&](const std::string& w) {
    bool is_url = w.rfind("http://", 0) == 0 || w.rfind("https://", 0) == 0 || w.rfind("www.", 0) == 0;
    if (!is_url) {
      out += escape(w);
      return;
    }
    std::string href = w.rfind("www.", 0) == 0 ? "https://" + w : w;
    std::string shown = w;
    if (!trim.is_none() && static_cast<int64_t>(shown.size()) > trim.as_int())
      shown = shown.substr(0, static_cast<size_t>(trim.as_int())) + "...";
    out += "<a href=\"" + escape(href) + "\" rel=\"" + rel + "\"";
    if (!target.is_none()) out += " target=\"" + escape(to_str(target)) + "\"";
    out += ">" + escape(shown) + "</a>";
  };
  for (const auto& m : word_re->find_all(text)) {
    emit(text.substr(pos, static_cast<size_t>(m.groups[0].first) - pos));
    out += m.group(text, 0);
    pos = static_cast<size_t>(m.groups[0].second);
  }
  emit(text.substr(pos));
  return Val::str(out).mark_safe();
}

}  // namespace

void add_jinja_more_filters(FilterTable& t) {
  t["dictsort"] = f_dictsort;
  t["sort"] = f_sort;
  t["max"] = f_max;
  t["min"] = f_min;
  t["groupby"] = f_groupby;
  t["tojson"] = f_tojson;
  t["urlencode"] = f_urlencode;
  t["wordwrap"] = f_wordwrap;
  t["xmlattr"] = f_xmlattr;
  t["urlize"] = f_urlize;
}

}  // namespace drover::tmpl
