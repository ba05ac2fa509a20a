#include "template/str_format.hpp"

#include <cmath>
#include <cstdio>

#include "core/pyrepr.hpp"
#include "template/operators.hpp"
#include "template/template_error.hpp"
#include "template/text.hpp"

namespace drover::tmpl {

std::string format_with_spec(const Val& v, std::string_view spec) {
  // [[fill]align][sign][#][0][width][,|_][.precision][type]
  size_t i = 0;
  std::string fill = " ";
  char align = 0;
  auto is_align = [](char c) { return c == '<' || c == '>' || c == '^' || c == '='; };
  std::u32string us = utf8_decode(spec);
  std::string sp(spec);
  if (us.size() >= 2 && is_align(static_cast<char>(us[1])) && us[1] < 0x80) {
    fill.clear();
    utf8_append(fill, us[0]);
    align = static_cast<char>(us[1]);
    std::string first;
    utf8_append(first, us[0]);
    sp = sp.substr(first.size() + 1);
  } else if (!sp.empty() && is_align(sp[0])) {
    align = sp[0];
    sp = sp.substr(1);
  }
  char sign = '-';
  if (i < sp.size() && (sp[i] == '+' || sp[i] == '-' || sp[i] == ' ')) sign = sp[i++];
  bool alt = false;
  if (i < sp.size() && sp[i] == '#') {
    alt = true;
    ++i;
  }
  if (i < sp.size() && sp[i] == '0') {
    if (!align) {
      fill = "0";
      align = '=';
    }
    ++i;
  }
  int64_t width = 0;
  while (i < sp.size() && std::isdigit(static_cast<unsigned char>(sp[i]))) width = width * 10 + (sp[i++] - '0');
  char grouping = 0;
  if (i < sp.size() && (sp[i] == ',' || sp[i] == '_')) grouping = sp[i++];
  int prec = -1;
  if (i < sp.size() && sp[i] == '.') {
    ++i;
    prec = 0;
    while (i < sp.size() && std::isdigit(static_cast<unsigned char>(sp[i]))) prec = prec * 10 + (sp[i++] - '0');
  }
  char type = i < sp.size() ? sp[i++] : 0;
  if (i != sp.size()) fail("Invalid format specifier");
  if (width > (16 << 20)) fail("width too large");
  std::string body;
  std::string prefix;
  bool numeric = v.is_number() && !(v.is_bool() && type == 0);
  if (v.is_str() || (!numeric && type == 0) || type == 's') {
    if (type && type != 's') fail("Unknown format code '" + std::string(1, type) + "' for object of type '" + type_name(v) + "'");
    body = to_str(v);
    if (prec >= 0) {
      std::u32string u = utf8_decode(body);
      if (u.size() > static_cast<size_t>(prec)) body = utf8_encode(u.substr(0, static_cast<size_t>(prec)));
    }
    if (!align) align = '<';
  } else {
    if (!v.is_number()) fail("Unknown format code '" + std::string(1, type) + "' for object of type '" + type_name(v) + "'");
    if (!align) align = '>';
    bool neg = false;
    char buf[512];
    if (type == 0 && !v.is_float()) type = 'd';
    if (v.is_big_int() && (type == 'd' || type == 'x' || type == 'X' || type == 'o' || type == 'b')) {
      // Past int64: the digits of the magnitude in the format's base.
      const BigInt& n = v.as_big();
      neg = n.negative();
      body = n.digits(type == 'd' ? 10 : type == 'o' ? 8 : type == 'b' ? 2 : 16);
      if (type == 'X') body = py_upper_str(body);
      if (alt && type != 'd') prefix = std::string("0") + type;
    } else if (type == 'd' || type == 'x' || type == 'X' || type == 'o' || type == 'b' || type == 'c') {
      if (v.is_float()) fail("Unknown format code '" + std::string(1, type) + "' for object of type 'float'");
      if (type == 'c' && v.is_big_int()) fail_python("OverflowError", "%c arg not in range(0x110000)");
      int64_t n = v.as_int();
      neg = n < 0;
      uint64_t u = neg ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
      if (type == 'd') body = std::to_string(u);
      else if (type == 'x' || type == 'X') {
        std::snprintf(buf, sizeof buf, type == 'x' ? "%llx" : "%llX", static_cast<unsigned long long>(u));
        body = buf;
        if (alt) prefix = type == 'x' ? "0x" : "0X";
      } else if (type == 'o') {
        std::snprintf(buf, sizeof buf, "%llo", static_cast<unsigned long long>(u));
        body = buf;
        if (alt) prefix = "0o";
      } else if (type == 'b') {
        body.clear();
        do {
          body.insert(body.begin(), static_cast<char>('0' + (u & 1)));
          u >>= 1;
        } while (u);
        if (alt) prefix = "0b";
      } else {
        body.clear();
        utf8_append(body, static_cast<char32_t>(n));
      }
    } else {
      double d = v.as_float();
      neg = std::signbit(d);
      double a = std::fabs(d);
      if (type == 0) {
        if (prec < 0) body = python_float_repr(a);
        else {
          std::snprintf(buf, sizeof buf, "%.*g", prec == 0 ? 1 : prec, a);
          body = buf;
        }
      } else if (type == '%') {
        std::snprintf(buf, sizeof buf, "%.*f", prec < 0 ? 6 : prec, a * 100);
        body = std::string(buf) + "%";
      } else if (std::string("eEfFgG").find(type) != std::string::npos) {
        std::string f = std::string("%.*") + type;
        std::snprintf(buf, sizeof buf, f.c_str(), prec < 0 ? 6 : prec, a);
        body = buf;
      } else {
        fail("Unknown format code '" + std::string(1, type) + "' for object of type '" + type_name(v) + "'");
      }
    }
    if (grouping) {
      size_t dot = body.find_first_of(".e%");
      std::string ip = body.substr(0, dot), rest = dot == std::string::npos ? "" : body.substr(dot);
      std::string g;
      for (size_t k = 0; k < ip.size(); ++k) {
        if (k && (ip.size() - k) % 3 == 0) g += grouping;
        g += ip[k];
      }
      body = g + rest;
    }
    if (neg) prefix = "-" + prefix;
    else if (sign == '+') prefix = "+" + prefix;
    else if (sign == ' ') prefix = " " + prefix;
  }
  int64_t len = static_cast<int64_t>(utf8_length(prefix) + utf8_length(body));
  if (len >= width) return prefix + body;
  int64_t padn = width - len;
  auto rep = [&](int64_t n) {
    std::string o;
    for (int64_t k = 0; k < n; ++k) o += fill;
    return o;
  };
  switch (align) {
    case '<': return prefix + body + rep(padn);
    case '^': return rep(padn / 2) + prefix + body + rep(padn - padn / 2);
    case '=': return prefix + rep(padn) + body;
    default: return rep(padn) + prefix + body;
  }
}

std::string str_format(Renderer& r, const std::string& fmt, const CallArgs& args) {
  std::string out;
  size_t auto_idx = 0;
  for (size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c == '}') {
      if (i + 1 < fmt.size() && fmt[i + 1] == '}') {
        out += '}';
        ++i;
        continue;
      }
      fail("Single '}' encountered in format string");
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (i + 1 < fmt.size() && fmt[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    size_t close = fmt.find('}', i);
    if (close == std::string::npos) fail("Single '{' encountered in format string");
    std::string field = fmt.substr(i + 1, close - i - 1);
    i = close;
    std::string spec, conv;
    size_t colon = field.find(':');
    if (colon != std::string::npos) {
      spec = field.substr(colon + 1);
      field = field.substr(0, colon);
    }
    size_t bang = field.find('!');
    if (bang != std::string::npos) {
      conv = field.substr(bang + 1);
      field = field.substr(0, bang);
    }
    // field name: arg_name ("." attr | "[" key "]")*
    size_t end = field.find_first_of(".[");
    std::string head = field.substr(0, end);
    Val v;
    if (head.empty()) {
      if (auto_idx >= args.pos.size()) fail("Replacement index " + std::to_string(auto_idx) + " out of range for positional args tuple");
      v = args.pos[auto_idx++];
    } else if (std::all_of(head.begin(), head.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); })) {
      size_t idx = std::stoul(head);
      if (idx >= args.pos.size()) fail("Replacement index " + head + " out of range for positional args tuple");
      v = args.pos[idx];
    } else {
      const Val* kv = nullptr;
      for (const auto& [k, val] : args.kw)
        if (k == head) kv = &val;
      if (!kv) fail("'" + head + "'");
      v = *kv;
    }
    while (end != std::string::npos && end < field.size()) {
      if (field[end] == '.') {
        size_t nx = field.find_first_of(".[", end + 1);
        v = r.getattr(v, field.substr(end + 1, nx == std::string::npos ? std::string::npos : nx - end - 1));
        end = nx;
      } else {
        size_t cb = field.find(']', end);
        if (cb == std::string::npos) fail("Missing ']' in format string");
        std::string key = field.substr(end + 1, cb - end - 1);
        bool num = !key.empty() && std::all_of(key.begin(), key.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
        v = r.getitem(v, num ? Val::integer(std::stoll(key)) : Val::str(key));
        end = cb + 1 < field.size() ? cb + 1 : std::string::npos;
      }
    }
    if (v.is_undefined()) raise_undefined(v);
    if (conv == "r") v = Val::str(repr(v));
    else if (conv == "s") v = Val::str(to_str(v));
    out += format_with_spec(v, spec);
  }
  return out;
}

}  // namespace drover::tmpl
