// Python's textwrap.wrap(text, width) as Ansible's Display uses it for
// [WARNING] and [DEPRECATION WARNING] messages: whitespace becomes spaces,
// words break after hyphens between letters, words longer than a line are
// cut. Widths count Unicode code points, as Python's len() does.
#pragma once

#include <string>
#include <vector>

namespace drover {

struct WrapOptions {
  int width = 70;
  // False keeps the spaces at line ends (Display.deprecated wraps so).
  bool drop_whitespace = true;
};

std::vector<std::string> text_wrap(const std::string& text, const WrapOptions& opts);

}  // namespace drover
