// The data type of drover: variables, facts, module arguments and results.
//
// Values are nlohmann::ordered_json because insertion order is visible to
// users (to_json, debug output, dict iteration in templates) and Ansible keeps
// it (Python dicts are ordered). Integers are int64, floats double, strings
// UTF-8. Helpers below give the Python/Ansible view of a value where code
// outside the template engine needs it (truthiness, str()).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace drover {

using Value = nlohmann::ordered_json;

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
