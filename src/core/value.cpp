#include "core/value.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "core/pyrepr.hpp"

namespace drover {

bool truthy(const Value& v) {
  switch (v.type()) {
    case Value::value_t::null: return false;
    case Value::value_t::boolean: return v.get<bool>();
    case Value::value_t::number_integer: return v.get<int64_t>() != 0;
    case Value::value_t::number_unsigned: return v.get<uint64_t>() != 0;
    case Value::value_t::number_float: return v.get<double>() != 0.0;
    case Value::value_t::binary: return !v.get_binary().empty();  // a big int is never 0
    case Value::value_t::string: return !v.get_ref<const ValueString&>().empty();
    case Value::value_t::array:
    case Value::value_t::object: return !v.empty();
    default: return true;
  }
}

std::optional<bool> to_bool(const Value& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) {
    auto n = v.get<int64_t>();
    if (n == 1) return true;
    if (n == 0) return false;
    return std::nullopt;
  }
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (d == 1.0) return true;
    if (d == 0.0) return false;
    return std::nullopt;
  }
  if (!v.is_string()) return std::nullopt;
  std::string s = v.get<std::string>();
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  if (s == "y" || s == "yes" || s == "on" || s == "1" || s == "true" || s == "t" || s == "1.0")
    return true;
  if (s == "n" || s == "no" || s == "off" || s == "0" || s == "false" || s == "f" || s == "0.0")
    return false;
  return std::nullopt;
}

void forget_str_types(Value& v) {
  if (v.is_string()) {
    v.get_ref<ValueString&>().py_type = PyStr::str;
  } else if (v.is_array() || v.is_object()) {
    for (auto& e : v) forget_str_types(e);
  }
}

std::string to_display_string(const Value& v) {
  if (v.is_string()) return v.get<std::string>();
  return python_repr(v);
}

}  // namespace drover
