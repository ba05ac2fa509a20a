// The text ansible-playbook prints for a result's "diff" under --diff
// (CallbackBase._get_diff in ansible-core 2.14): binary/size notices, a
// unified diff of before/after with Python difflib's exact hunks
// (SequenceMatcher with its autojunk heuristic, 3 lines of context by
// default) and "\ No newline at end of file" markers, then "prepared" text.
// Dict-valued before/after are shown as indented, key-sorted JSON.
#pragma once

#include <string>
#include <vector>

#include "core/value.hpp"

namespace drover {

// difflib.unified_diff(a, b, fromfile, tofile, n=context) with lineterm
// "\n": the lines it yields, each with its own line ending as given.
std::vector<std::string> unified_diff(const std::vector<std::string>& a, const std::vector<std::string>& b,
                                      const std::string& fromfile, const std::string& tofile, int context = 3);

// Python's str.splitlines(keepends=True) for the ASCII line breaks.
std::vector<std::string> split_lines_keepends(const std::string& s);

// _get_diff: `diff` is one diff dict or a list of them. With `color`, '+'
// lines are green, '-' red and '@@' cyan. Empty when there is nothing to show.
std::string render_diff(const Value& diff, bool color, int context = 3);

}  // namespace drover
