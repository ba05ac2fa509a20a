#include "output/terminal_display.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include "core/strings.hpp"
#include "output/progress_line.hpp"
#include "output/text_width.hpp"
#include "output/text_wrap.hpp"

namespace drover {
namespace {

std::string join_lines(const std::vector<std::string>& lines) { return join(lines, "\n"); }

}  // namespace

int display_columns(int fd) {
  int tty = 0;
  if (isatty(fd)) {
    winsize ws{};
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0) tty = ws.ws_col;
  }
  return std::max(79, tty - 1);
}

TerminalDisplay::TerminalDisplay(std::FILE* out, std::FILE* err, bool color, int columns)
    : out_(out), err_(err), color_(color), columns_(columns) {}

void TerminalDisplay::print(const std::string& msg, Color color, bool to_stderr) {
  if (progress_) progress_->clear();
  std::string text = msg;
  if (!text.empty() && text.back() == '\n') text.pop_back();
  text = colorize(text, color, color_) + "\n";
  std::fputs(text.c_str(), to_stderr ? err_ : out_);
}

void TerminalDisplay::banner(const std::string& msg, Color color) {
  std::string m = trim(msg);
  int stars = columns_ - text_width(m);
  if (stars <= 3) stars = 3;
  print("\n" + m + " " + std::string(static_cast<size_t>(stars), '*'), color);
}

void TerminalDisplay::warning(const std::string& msg) {
  WrapOptions wrap;
  wrap.width = columns_;
  std::string text = join_lines(text_wrap("[WARNING]: " + msg, wrap)) + "\n";
  if (!warned_.insert(text).second) return;
  std::fflush(out_);
  print(text, Color::warn, true);
}

void TerminalDisplay::deprecated(const std::string& msg, const std::string& version, const std::string& date,
                                 const std::string& collection_name) {
  std::string m = trim(msg);
  if (!m.empty() && m.back() != '!' && m.back() != '?' && m.back() != '.') m += '.';
  std::string collection = collection_name == "ansible.builtin" ? "ansible-core" : collection_name;
  std::string text = "[DEPRECATION WARNING]: " + m + " This feature will be removed";
  if (!collection.empty()) text += " from " + collection;
  if (!date.empty()) text += " in a release after " + date + ".";
  else if (!version.empty()) text += " in version " + version + ".";
  else text += " in a future release.";
  text += " Deprecation warnings can be disabled by setting deprecation_warnings=False in ansible.cfg.";
  WrapOptions wrap;
  wrap.width = columns_;
  wrap.drop_whitespace = false;
  std::string wrapped = join_lines(text_wrap(text, wrap)) + "\n";
  if (!deprecated_.insert(wrapped).second) return;
  std::fflush(out_);
  print(trim(wrapped), Color::deprecate, true);
}

void TerminalDisplay::flush() {
  std::fflush(out_);
  std::fflush(err_);
}

}  // namespace drover
