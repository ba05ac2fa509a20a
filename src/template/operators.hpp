// Python's operators on template values: + - * / // % ** with Python's int
// and float rules (true division gives a float, floor division and modulo
// round toward negative infinity, bool counts as int), sequence and string
// concatenation and repetition, and printf-style "%" formatting. Errors use
// CPython's TypeError/ZeroDivisionError wording. Ints are Python's: int64
// while they fit, exact BigInts past that (core/big_int.hpp).
#pragma once

#include <string>
#include <string_view>

#include "template/runtime_value.hpp"

namespace drover::tmpl {

Val binary_op(std::string_view op, const Val& a, const Val& b);
Val negate(const Val& a);
// "%s and %d" % args (args a tuple, a dict for %(name)s, or one value).
std::string percent_format(const std::string& fmt, const Val& args);
// Python's slice of a sequence or string.
Val slice_value(const Val& obj, const Val& start, const Val& stop, const Val& step);
// Python's `x in container`.
bool contains(const Val& container, const Val& item);

}  // namespace drover::tmpl
