// Ansible's unsafe text (AnsibleUnsafeText: `!unsafe` YAML, module results):
// a string with template markers becomes a template that renders to exactly
// its text, so that the lazy templating of variables leaves it as it is.
#pragma once

#include <string>

#include "core/value.hpp"

namespace drover {

std::string unsafe_text(const std::string& s);
// Every string inside `v` made unsafe (wrap_var), of class AnsibleUnsafeText.
Value unsafe_value(const Value& v);
// Every string inside `v` of class AnsibleUnsafeText, its text unchanged: a
// lookup's result inside a template, which is not templated again there.
void mark_unsafe_text(Value& v);
// Whether `v` is or holds an AnsibleUnsafeText (AnsibleContext._is_unsafe).
bool holds_unsafe_text(const Value& v);

}  // namespace drover
