// Python's str.format() and format() mini-language for templates:
// "{} {name} {0[1]} {x.attr}" fields, conversions (!r !s) and format specs
// ([[fill]align][sign][#][0][width][,|_][.precision][type]) with CPython's
// results and error wording.
#pragma once

#include <string>
#include <string_view>

#include "template/renderer.hpp"

namespace drover::tmpl {

// format(v, spec): "{:>10}", "{:.2f}", "{:,}".
std::string format_with_spec(const Val& v, std::string_view spec);
// fmt.format(*args, **kwargs).
std::string str_format(Renderer& r, const std::string& fmt, const CallArgs& args);

}  // namespace drover::tmpl
