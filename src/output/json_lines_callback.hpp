// drover's --json output: one JSON object per line for every playbook
// event, flushed line by line, in the schema of docs/JSON_EVENTS.md (seq,
// time, event, then the event's fields). Results are Ansible's
// callback-visible copy (TaskResult.clean_copy: no_log censored), so the
// stream holds what the terminal could show and EventReplay can rebuild
// the terminal output from it. Thread-safe: lines never interleave, and
// seq increases by one per line in output order.
#pragma once

#include <cstdio>
#include <functional>
#include <mutex>
#include <string>

#include "core/clock.hpp"
#include "output/playbook_events.hpp"

namespace drover {

// Receives every event instead of a FILE: the event object and its line
// (no trailing newline). Called under the callback's lock, so in seq order
// and never concurrently; the server's job store is such a sink.
using JsonEventSink = std::function<void(const Value& event, std::string line)>;

class JsonLinesCallback : public PlaybookCallback {
 public:
  explicit JsonLinesCallback(std::FILE* out = stdout, std::function<std::string()> clock = iso8601_utc_now);
  explicit JsonLinesCallback(JsonEventSink sink, std::function<std::string()> clock = iso8601_utc_now);

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
  void emit(const char* event, Value fields);
  Value host_event(const TaskEvent& ev) const;

  std::FILE* out_ = nullptr;
  JsonEventSink sink_;
  std::function<std::string()> clock_;
  std::mutex mu_;
  long long seq_ = 0;
};

}  // namespace drover
