// Terminal colours as Ansible uses them (constants COLOR_*): each line of a
// message wrapped in its own escape so that pagers and logs stay readable.
#pragma once

#include <string>

namespace drover {

// Ansible 2.14's defaults: ok green, changed yellow, error red, unreachable
// bright red, skip cyan, warn bright purple, debug dark gray, highlight
// white, deprecate purple, verbose blue; diff lines: add green, remove red,
// @@ cyan.
enum class Color { none, ok, changed, error, unreachable, skip, warn, debug, highlight, deprecate, verbose };

// Whether stdout/stderr get colours: ANSIBLE_FORCE_COLOR wins, then
// ANSIBLE_NOCOLOR / NO_COLOR, then "is a terminal whose TERM has colours"
// (unset or dumb: none).
bool color_enabled(int fd, bool force_color, bool no_color);

std::string colorize(const std::string& text, Color color, bool enabled);

}  // namespace drover
