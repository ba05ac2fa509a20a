#include "cli/prompt.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>

namespace drover::cli {

std::string prompt_secret(const std::string& prompt) {
  int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
  bool own = fd >= 0;
  if (!own) fd = STDIN_FILENO;
  if (own) (void)!write(fd, prompt.data(), prompt.size());
  else std::fputs(prompt.c_str(), stderr);
  termios old{};
  bool tty = tcgetattr(fd, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::string line;
  char c;
  while (read(fd, &c, 1) == 1 && c != '\n') line += c;
  if (tty) tcsetattr(fd, TCSAFLUSH, &old);
  if (own) {
    (void)!write(fd, "\n", 1);
    close(fd);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace drover::cli
