// What ansible's Display does for the playbook callbacks: lines to stdout
// or stderr, each line in its own colour escape, banners padded with stars
// to the terminal width ("\nTASK [x] ****" up to Display.columns: 79 when
// stdout is not a terminal, else its width - 1), [WARNING] and
// [DEPRECATION WARNING] messages wrapped like Python's textwrap and each
// shown once per run. Not thread-safe: its owner serializes calls.
#pragma once

#include <cstdio>
#include <set>
#include <string>

#include "output/color.hpp"

namespace drover {

// Display.columns for this file descriptor: max(79, width - 1) on a
// terminal, 79 otherwise.
int display_columns(int fd);

class ProgressLine;

class TerminalDisplay {
 public:
  TerminalDisplay(std::FILE* out, std::FILE* err, bool color, int columns);

  // Display.display(): a trailing newline is added unless present.
  void print(const std::string& msg, Color color = Color::none, bool to_stderr = false);
  // Display.banner(): "\n" + msg + " " + stars (at least 3).
  void banner(const std::string& msg, Color color = Color::none);
  void warning(const std::string& msg);
  void deprecated(const std::string& msg, const std::string& version, const std::string& date,
                  const std::string& collection_name);
  void flush();

  bool color() const { return color_; }
  // Cleared before anything is printed, redrawn by its owner afterwards.
  void set_progress(ProgressLine* progress) { progress_ = progress; }

 private:
  std::FILE* out_;
  std::FILE* err_;
  bool color_;
  int columns_;
  ProgressLine* progress_ = nullptr;
  std::set<std::string> warned_;
  std::set<std::string> deprecated_;
};

}  // namespace drover
