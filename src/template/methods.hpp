// The Python methods templates call on strings, lists and dicts
// ("a,b".split(','), items.append(x), d.get('k', 1), '{:>5}'.format(x)...),
// with CPython's results and error wording. Mutating methods (append,
// update, pop...) work on lists and dicts the template built itself;
// variables given to the render are read-only.
#pragma once

#include <string_view>

#include "template/renderer.hpp"

namespace drover::tmpl {

bool is_method(const Val& obj, std::string_view name);
// The name of a dict method (get, keys, items...): `d.keys` is the method,
// not the key. The parser records it so that `d.host` skips the check.
bool is_dict_method_name(std::string_view name);
Val bound_method(const Val& obj, std::string_view name);
Val call_method(Renderer& r, const Val& obj, std::string_view name, CallArgs& args);

}  // namespace drover::tmpl
