// The data type of drover: variables, facts, module arguments and results.
//
// Values are nlohmann's ordered basic_json because insertion order is visible
// to users (to_json, debug output, dict iteration in templates) and Ansible
// keeps it (Python dicts are ordered). Integers are int64, floats double,
// strings UTF-8. A string also carries which Python str class Ansible would
// hold there (PyStr: AnsibleUnicode for YAML text, NativeJinjaText...), which
// type_debug and Python's error messages show; it never changes equality.
// Helpers below give the Python/Ansible view of a value where code outside
// the template engine needs it (truthiness, str()).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace drover {

// The Python class of a string as Ansible holds it.
enum class PyStr : uint8_t {
  str,            // text made by code: module results read as JSON, templates' output
  ansible_unicode,  // a YAML scalar of a playbook, role, vars or inventory file
  native_text,    // NativeJinjaText: a string filter's result (|string, |to_json...)
  unsafe_text,    // AnsibleUnsafeText: registered results, lookup results
  type_object,    // a Python type object kept as a value ("<class 'bool'>")
};

// A std::string with its PyStr; converts both ways with std::string.
class ValueString : public std::string {
 public:
  using std::string::string;
  ValueString() = default;
  ValueString(const std::string& s) : std::string(s) {}
  ValueString(std::string&& s) noexcept : std::string(std::move(s)) {}
  ValueString(std::string s, PyStr type) : std::string(std::move(s)), py_type(type) {}
  ValueString(const ValueString&) = default;
  ValueString(ValueString&&) noexcept = default;
  ValueString& operator=(const ValueString&) = default;
  ValueString& operator=(ValueString&&) noexcept = default;
  PyStr py_type = PyStr::str;
};

using Value = nlohmann::basic_json<nlohmann::ordered_map, std::vector, ValueString>;

// A string Value of the given class.
inline Value typed_string(std::string s, PyStr type) { return Value(ValueString(std::move(s), type)); }
// The class of a string Value (str for anything else).
inline PyStr py_str_type(const Value& v) {
  return v.is_string() ? v.get_ref<const ValueString&>().py_type : PyStr::str;
}

// Makes every string inside `v` a plain str: data printed as text and read
// back (Ansible's literal_eval of a templated list or dict) holds new strings.
void forget_str_types(Value& v);

// Python truthiness: None, False, 0, 0.0, "", [] and {} are false.
bool truthy(const Value& v);

// Ansible's boolean conversion of option values (module_utils
// parsing.convert_bool): yes/no, on/off, true/false, 1/0, y/n, t/f; nullopt
// when the value is none of these.
std::optional<bool> to_bool(const Value& v);

// str() of a value the way Python prints it for a string-typed option: a
// string as is, True/False/None, ints, and Python's repr for lists and dicts.
std::string to_display_string(const Value& v);

}  // namespace drover

// A std::string moves into a Value (nlohmann's default would copy it into
// the string class) and reads back as nlohmann reads any string. A json
// whose strings are std::string (nlohmann::json) takes nlohmann's own way.
template <>
struct nlohmann::adl_serializer<std::string, void> {
  template <class Json>
  static void to_json(Json& j, std::string&& s) {
    if constexpr (std::is_same_v<typename Json::string_t, std::string>) nlohmann::to_json(j, std::move(s));
    else j = typename Json::string_t(std::move(s));
  }
  template <class Json>
  static void to_json(Json& j, const std::string& s) {
    if constexpr (std::is_same_v<typename Json::string_t, std::string>) nlohmann::to_json(j, s);
    else j = typename Json::string_t(s);
  }
  template <class Json>
  static void from_json(const Json& j, std::string& s) { nlohmann::from_json(j, s); }
};
