#include "core/pyjson.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "core/big_int.hpp"
#include "core/pyrepr.hpp"

namespace drover {
namespace {

void dump_string(std::string& out, const std::string& s, bool ensure_ascii) {
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    char buf[16];
    switch (c) {
      case '"': out += "\\\""; ++i; continue;
      case '\\': out += "\\\\"; ++i; continue;
      case '\n': out += "\\n"; ++i; continue;
      case '\r': out += "\\r"; ++i; continue;
      case '\t': out += "\\t"; ++i; continue;
      case '\b': out += "\\b"; ++i; continue;
      case '\f': out += "\\f"; ++i; continue;
      default: break;
    }
    if (c < 0x20) {
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      ++i;
      continue;
    }
    if (c < 0x80 || !ensure_ascii) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    // Decode one UTF-8 sequence and write \uXXXX (with a surrogate pair
    // above the BMP), as Python does with ensure_ascii.
    int len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    uint32_t cp = len == 1 ? c : (c & (0x7F >> len));
    if (i + len > s.size()) len = 1;
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
    } else {
      std::snprintf(buf, sizeof buf, "\\u%04x", cp);
    }
    out += buf;
  }
  out += '"';
}

void newline_indent(std::string& out, const JsonDumpOptions& o, int level) {
  if (o.indent < 0) return;
  out += '\n';
  out.append(static_cast<size_t>(o.indent * level), ' ');
}

void dump(std::string& out, const Value& v, const JsonDumpOptions& o, const char* item_sep, int level) {
  switch (v.type()) {
    case Value::value_t::null: out += "null"; return;
    case Value::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return;
    case Value::value_t::number_integer: out += std::to_string(v.get<int64_t>()); return;
    case Value::value_t::number_unsigned: out += std::to_string(v.get<uint64_t>()); return;
    case Value::value_t::binary:
      if (is_big_int(v)) {
        out += big_int_text(v);
        return;
      }
      break;
    case Value::value_t::number_float: {
      double d = v.get<double>();
      if (std::isnan(d)) out += "NaN";
      else if (std::isinf(d)) out += d > 0 ? "Infinity" : "-Infinity";
      else out += python_float_repr(d);
      return;
    }
    case Value::value_t::string: dump_string(out, v.get_ref<const ValueString&>(), o.ensure_ascii); return;
    case Value::value_t::array: {
      if (v.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      bool first = true;
      for (const auto& e : v) {
        if (!first) out += item_sep;
        first = false;
        newline_indent(out, o, level + 1);
        dump(out, e, o, item_sep, level + 1);
      }
      newline_indent(out, o, level);
      out += ']';
      return;
    }
    case Value::value_t::object: {
      if (v.empty()) {
        out += "{}";
        return;
      }
      std::vector<Value::const_iterator> items;
      for (auto it = v.begin(); it != v.end(); ++it) items.push_back(it);
      if (o.sort_keys)
        std::stable_sort(items.begin(), items.end(), [](auto& a, auto& b) { return a.key() < b.key(); });
      out += '{';
      bool first = true;
      for (auto& it : items) {
        if (!first) out += item_sep;
        first = false;
        newline_indent(out, o, level + 1);
        dump_string(out, it.key(), o.ensure_ascii);
        out += o.key_separator;
        dump(out, it.value(), o, item_sep, level + 1);
      }
      newline_indent(out, o, level);
      out += '}';
      return;
    }
    default: out += "null"; return;
  }
}

}  // namespace

std::string python_json_dumps(const Value& v, const JsonDumpOptions& opts) {
  const char* item_sep = opts.item_separator ? opts.item_separator : (opts.indent >= 0 ? "," : ", ");
  std::string out;
  dump(out, v, opts, item_sep, 0);
  return out;
}

}  // namespace drover
