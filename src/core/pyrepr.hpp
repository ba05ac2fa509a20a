// Python's repr() and str() of a Value, which users see wherever Ansible
// prints a structure without JSON (debug of a templated string, "{{ list }}"
// in a command line, item labels).
//
// Matches CPython 3.11: strings quoted with ' unless they contain ' and no ",
// floats in shortest round-trip form ("1.0", "1e+16", "inf", "nan"),
// True/False/None.
#pragma once

#include <string>

#include "core/value.hpp"

namespace drover {

std::string python_repr(const Value& v);
void python_repr_append(std::string& out, const Value& v);
std::string python_string_repr(const std::string& s);
std::string python_float_repr(double d);

}  // namespace drover
