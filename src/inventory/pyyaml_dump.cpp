// PyYAML's block-style dump (yaml.dump(default_flow_style=False,
// allow_unicode=True), keys sorted) for `drover inventory --list --yaml`.
// Scalars are quoted exactly when PyYAML would have to: when plain text
// would read back as another type or breaks YAML syntax.
#include <algorithm>
#include <map>
#include <regex>

#include "core/pyrepr.hpp"
#include "core/yaml.hpp"
#include "inventory/inventory_dump.hpp"

namespace drover::inventory {
namespace {

bool plain_ok(const std::string& s) {
  if (s.empty()) return false;
  if (s.front() == ' ' || s.back() == ' ') return false;
  if (s.find_first_of("\n\r\t") != std::string::npos) return false;
  static const std::string indicators = "#,[]{}&*!|>'\"%@`";
  if (indicators.find(s[0]) != std::string::npos) return false;
  if ((s[0] == '-' || s[0] == '?' || s[0] == ':') && (s.size() == 1 || s[1] == ' ')) return false;
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos) return false;
  if (s.back() == ':') return false;
  if (s == "---" || s == "...") return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  // Plain text that would resolve to a bool, number or null must be quoted.
  Value back = resolve_plain_scalar(s);
  return back.is_string();
}

std::string scalar(const Value& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (d != d) return ".nan";
    if (d == 1.0 / 0.0) return ".inf";
    if (d == -1.0 / 0.0) return "-.inf";
    std::string r = python_float_repr(d);
    if (r.find('.') == std::string::npos && r.find('e') != std::string::npos) r.insert(r.find('e'), ".0");
    return r;
  }
  if (v.is_number()) return v.dump();
  const std::string& s = v.get_ref<const ValueString&>();
  if (plain_ok(s)) return s;
  bool printable = std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= 0x20 && c != 0x7f; });
  if (printable) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02X", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

void emit(std::string& out, const Value& v, int indent, bool in_seq_item);

void emit_mapping(std::string& out, const Value& v, int indent, bool first_inline) {
  std::map<std::string, const Value*> sorted;
  for (auto it = v.begin(); it != v.end(); ++it) sorted[it.key()] = &it.value();
  bool first = true;
  for (const auto& [k, val] : sorted) {
    if (!(first && first_inline)) out += std::string(indent, ' ');
    first = false;
    out += scalar(Value(k)) + ":";
    const Value& x = *val;
    if (x.is_object() && !x.empty()) {
      out += "\n";
      emit_mapping(out, x, indent + 2, false);
    } else if (x.is_array() && !x.empty()) {
      out += "\n";
      emit(out, x, indent, false);
    } else {
      out += " ";
      emit(out, x, indent, false);
    }
  }
}

void emit(std::string& out, const Value& v, int indent, bool) {
  if (v.is_object()) {
    if (v.empty()) {
      out += "{}\n";
      return;
    }
    emit_mapping(out, v, indent, false);
  } else if (v.is_array()) {
    if (v.empty()) {
      out += "[]\n";
      return;
    }
    for (const auto& item : v) {
      out += std::string(indent, ' ') + "- ";
      if (item.is_object() && !item.empty()) {
        emit_mapping(out, item, indent + 2, true);
      } else if (item.is_array() && !item.empty()) {
        out += "\n";
        emit(out, item, indent + 2, true);
      } else {
        emit(out, item, indent + 2, true);
      }
    }
  } else {
    out += scalar(v) + "\n";
  }
}

}  // namespace

std::string yaml_dump(const Value& v) {
  std::string out;
  if (!v.is_object() && !v.is_array()) {
    out = scalar(v) + "\n...\n";
    return out;
  }
  emit(out, v, 0, false);
  return out;
}

}  // namespace drover::inventory
