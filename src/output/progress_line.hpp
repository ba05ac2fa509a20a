// The live status line under the output of ansible-playbook's format on a
// terminal: "[12s] TASK [name]  hosts done 812/2000  changed 40  failed 2",
// rewritten in place with "\r" at most 10 times a second and erased before
// any other line is printed, so output never interleaves with it. Only
// for terminals: a pipe or a file gets Ansible's bytes and nothing else.
// Not thread-safe: its owner (DefaultCallback) serializes calls.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace drover {

class ProgressLine {
 public:
  ProgressLine(std::FILE* out, int columns);

  void start_task(const std::string& name, int total_hosts);
  // One host finished the task.
  void host_done(bool changed, bool failed);
  // The task is over: nothing is drawn until the next start_task.
  void stop();
  // Erases the line if it is shown.
  void clear();
  // Draws the line if a task runs and (unless forced) 100 ms have passed.
  void draw(bool force = false);

  std::string text() const;  // what draw() shows (for tests)

 private:
  std::FILE* out_;
  int columns_;
  bool active_ = false;
  bool shown_ = false;
  std::string task_;
  int total_ = 0, done_ = 0, changed_ = 0, failed_ = 0;
  std::chrono::steady_clock::time_point started_{}, last_draw_{};
};

}  // namespace drover
