// Jinja's runtime helper objects: the `loop` variable of for loops
// (index, revindex, first, last, length, previtem/nextitem, cycle(),
// changed(), depth and recursive loop()), cycler, joiner, namespace, and the
// builtin global functions (range, dict, lipsum, cycler, joiner, namespace).
#pragma once

#include <string>
#include <string_view>

#include "template/renderer.hpp"

namespace drover::tmpl {

// Runs a for statement over `iterable` at recursion depth `depth` (0 for
// the outermost loop; recursive loop() calls go deeper).
void exec_loop(Renderer& r, const Stmt& s, const Val& iterable, int depth, std::string& out);
// Runs a for statement: its iterable evaluated, then exec_loop (or the
// same without dictsort's tuples for `for k, v in d | dictsort`).
void exec_for_statement(Renderer& r, const Stmt& s, std::string& out);

// Attribute of a loop/cycler/joiner/macro object; Undefined when none.
Val special_attr(Renderer& r, const Val& obj, std::string_view name);
// Calling a loop (recursive loops) or a joiner.
Val call_special(Renderer& r, const Val& obj, CallArgs& args);
// range, dict, lipsum, cycler, joiner, namespace, omit; Undefined otherwise.
Val builtin_global(Renderer& r, const std::string& name);

}  // namespace drover::tmpl
