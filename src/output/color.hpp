// Terminal colours as Ansible uses them (constants COLOR_*): each line of a
// message wrapped in its own escape so that pagers and logs stay readable.
#pragma once

#include <string>

namespace drover {

enum class Color { none, ok, changed, error, unreachable, skip, warn, debug, highlight, deprecate };

// Whether stdout/stderr get colours: ANSIBLE_FORCE_COLOR wins, then
// ANSIBLE_NOCOLOR / NO_COLOR, then "is a terminal".
bool color_enabled(int fd, bool force_color, bool no_color);

std::string colorize(const std::string& text, Color color, bool enabled);

}  // namespace drover
