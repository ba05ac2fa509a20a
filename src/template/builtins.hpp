// The registries of filters, tests and global functions the evaluator finds
// by name: Jinja2 3.1's builtins and Ansible 2.14's plugins, each group in
// its own filters_*.cpp / tests_*.cpp file.
#pragma once

#include <string_view>

#include "template/ast.hpp"

namespace drover::tmpl {

FilterFn find_filter(std::string_view name);
TestFn find_test(std::string_view name);

}  // namespace drover::tmpl
