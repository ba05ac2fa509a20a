#include "output/color.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace drover {

bool color_enabled(int fd, bool force_color, bool no_color) {
  if (force_color) return true;
  if (no_color) return false;
  if (isatty(fd) == 0) return false;
  // Ansible asks curses for the terminal's colours: no TERM (setupterm
  // fails) or TERM=dumb (no "colors" capability) means none.
  const char* term = std::getenv("TERM");
  return term != nullptr && *term != '\0' && std::strcmp(term, "dumb") != 0;
}

std::string colorize(const std::string& text, Color color, bool enabled) {
  if (!enabled || color == Color::none) return text;
  const char* code = "0";
  switch (color) {
    case Color::ok: code = "0;32"; break;           // green
    case Color::changed: code = "0;33"; break;      // yellow
    case Color::error: code = "0;31"; break;        // red
    case Color::unreachable: code = "1;31"; break;  // bright red
    case Color::skip: code = "0;36"; break;         // cyan
    case Color::warn: code = "1;35"; break;         // bright purple
    case Color::debug: code = "1;30"; break;        // dark gray
    case Color::highlight: code = "1;37"; break;    // white
    case Color::verbose: code = "0;34"; break;      // blue
    case Color::deprecate: code = "0;35"; break;    // purple
    case Color::none: break;
  }
  std::string out;
  size_t start = 0;
  while (true) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    out += "\033[" + std::string(code) + "m" + line + "\033[0m";
    if (nl == std::string::npos) break;
    out += '\n';
    start = nl + 1;
  }
  return out;
}

}  // namespace drover
