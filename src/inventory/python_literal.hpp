// Python literal values as Ansible's INI inventory reads them.
//
// ansible-core 2.14's INI plugin passes every variable value through
// ast.literal_eval and keeps the original text when that fails. This is a
// parser for exactly that subset of Python 3.11 expressions: numbers
// (ints with _ separators, 0x/0o/0b, floats), strings (quotes, triple
// quotes, r/b/u prefixes, escapes, implicit concatenation), True/False/None,
// lists, tuples, sets and dicts, unary +/-, and # comments. Tuples and sets
// become lists and non-string dict keys become their JSON spelling, as they
// come out of ansible-inventory's JSON. Complex numbers and calls are not
// literals here: the caller keeps the text as a string.
#pragma once

#include <optional>
#include <string_view>

#include "core/value.hpp"

namespace drover::inventory {

// The value of `text` as ast.literal_eval would give it, or nullopt when
// literal_eval would raise (ValueError or SyntaxError).
std::optional<Value> parse_python_literal(std::string_view text);

// What the INI plugin stores for a value: the literal when there is one,
// otherwise the text itself.
Value ini_value(std::string_view text);

}  // namespace drover::inventory
