#include "core/unsafe.hpp"

namespace drover {

// Strings without template markers need nothing; "endraw" inside needs the
// expression form.
std::string unsafe_text(const std::string& s) {
  if (s.find("{{") == std::string::npos && s.find("{%") == std::string::npos && s.find("{#") == std::string::npos)
    return s;
  if (s.find("endraw") == std::string::npos) return "{% raw %}" + s + "{% endraw %}";
  std::string quoted = "'";
  for (char c : s) quoted += c == '\'' || c == '\\' ? std::string("\\") + c : std::string(1, c);
  return "{{ " + quoted + "' }}";
}

void mark_unsafe_text(Value& v) {
  if (v.is_string()) {
    v.get_ref<ValueString&>().py_type = PyStr::unsafe_text;
  } else if (v.is_array() || v.is_object()) {
    for (auto& e : v) mark_unsafe_text(e);
  }
}

bool holds_unsafe_text(const Value& v) {
  if (v.is_string()) return v.get_ref<const ValueString&>().py_type == PyStr::unsafe_text;
  if (!v.is_array() && !v.is_object()) return false;
  for (const auto& e : v)
    if (holds_unsafe_text(e)) return true;
  return false;
}

Value unsafe_value(const Value& v) {
  if (v.is_string()) return typed_string(unsafe_text(v.get_ref<const ValueString&>()), PyStr::unsafe_text);
  if (!v.is_array() && !v.is_object()) return v;
  Value out = v;
  for (auto& e : out) e = unsafe_value(e);
  return out;
}

}  // namespace drover
