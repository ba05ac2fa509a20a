// ansible-playbook's terminal output: the `default` stdout callback of
// ansible-core 2.14, byte for byte (banners, ok/changed/skipping/fatal
// lines, item lines, "...ignoring", diffs, retries, includes, warnings on
// stderr, PLAY RECAP with Ansible's padding and colours, -v to -vvvv).
// Thread-safe: every event is printed whole under one lock. On a terminal
// it can also keep a live progress line (ProgressLine) under the output.
#pragma once

#include <condition_variable>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "output/callback_result.hpp"
#include "output/playbook_events.hpp"
#include "output/progress_line.hpp"
#include "output/terminal_display.hpp"

namespace drover {

// The default callback's options (ansible.cfg [defaults] and its
// ANSIBLE_* variables) plus the CLI settings it looks at.
struct DefaultCallbackOptions {
  int verbosity = 0;                     // -v count
  bool color = false;                    // see color_enabled()
  int columns = 79;                      // see display_columns()
  bool check = false;                    // --check: DRY RUN banners with check_mode_markers
  bool display_skipped_hosts = true;
  bool display_ok_hosts = true;
  bool display_failed_stderr = false;
  bool show_custom_stats = false;
  bool show_per_host_start = false;
  bool check_mode_markers = false;
  bool show_task_path_on_failure = false;
  bool display_args_to_stdout = false;   // [defaults] display_args_to_stdout
  bool action_warnings = true;           // [defaults] action_warnings
  bool deprecation_warnings = true;      // [defaults] deprecation_warnings
  int diff_context = 3;                  // [diff] context
  bool progress_line = false;            // only when stdout is a terminal
  ResultFormat result_format = ResultFormat::json;  // [defaults] callback_result_format; yaml stdout_callback
};

class DefaultCallback : public PlaybookCallback {
 public:
  explicit DefaultCallback(DefaultCallbackOptions options, std::FILE* out = stdout, std::FILE* err = stderr);
  ~DefaultCallback() override;
  DefaultCallback(const DefaultCallback&) = delete;
  DefaultCallback& operator=(const DefaultCallback&) = delete;

  void playbook_start(const std::string& file) override;
  void play_start(const PlayInfo& play) override;
  void task_start(const TaskInfo& task) override;
  void runner_start(const TaskInfo& task, const std::string& host) override;
  void runner_result(const TaskEvent& ev) override;
  void item_result(const TaskEvent& ev) override;
  void retry(const TaskEvent& ev, int attempt, int retries) override;
  void file_diff(const TaskEvent& ev) override;
  void async_poll(const TaskEvent& ev, int elapsed_s) override;
  void async_finished(const TaskEvent& ev) override;
  void include(const std::string& file, const std::vector<std::string>& hosts, const Value& item) override;
  void notify(const std::string& handler, const std::string& host) override;
  void no_hosts_matched() override;
  void no_hosts_remaining() override;
  void stats(const RunStats& stats) override;
  void warning(const std::string& msg) override;
  void interrupted() override;
  void deprecation(const std::string& msg, const std::string& version = "", const std::string& date = "",
                   const std::string& collection = "") override;
  void display(const std::string& text, int verbosity) override;

 private:
  void print_task_banner(const TaskInfo& task);
  void banner_once(const TaskInfo& task);
  void print_task_path(const TaskInfo& task);
  void handle_exception(Value& result);
  void handle_warnings(Value& result);
  void on_ok(const TaskEvent& ev, Value& r);
  void on_failed(const TaskEvent& ev, Value& r);
  void on_skipped(const TaskEvent& ev, Value& r);
  void on_unreachable(const TaskEvent& ev, Value& r);
  void recap_line(const std::string& host, const HostStats& s);
  void done();  // end of an event: redraw the progress line, flush

  DefaultCallbackOptions opt_;
  std::mutex mu_;
  TerminalDisplay display_;
  std::unique_ptr<ProgressLine> progress_;
  std::string strategy_ = "linear";
  int play_hosts_ = 0;
  std::optional<int> last_task_banner_;
  std::optional<std::string> last_task_name_;
  std::map<int, std::string> task_prefix_;
  // With the progress line: redraws it twice a second so that its clock
  // moves while every host is still busy.
  std::condition_variable tick_;
  bool stopping_ = false;
  std::thread ticker_;
};

}  // namespace drover
