#include "output/playbook_output.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>

#include "core/pyjson.hpp"
#include "core/strings.hpp"
#include "output/adhoc_printer.hpp"
#include "output/callback_result.hpp"
#include "output/color.hpp"
#include "output/json_lines_callback.hpp"
#include "output/terminal_display.hpp"

namespace drover {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// The name without its collection: "ansible.posix.timer" -> "timer".
std::string plugin_short_name(const std::string& name) {
  for (const char* prefix : {"ansible.builtin.", "ansible.legacy.", "ansible.posix.", "community.general."})
    if (starts_with(name, prefix)) return name.substr(std::string(prefix).size());
  return name;
}

// ansible.builtin.minimal and ansible.builtin.oneline: a line (or a JSON
// block) per result, as `ansible` prints them, and nothing else: no
// banners, no recap.
class ResultLinesCallback : public PlaybookCallback {
 public:
  ResultLinesCallback(AdhocFormat format, int verbosity, bool color)
      : format_(format), printer_(format, verbosity, color) {}

  void runner_result(const TaskEvent& ev) override {
    HostResult r;
    r.host = ev.host;
    r.module = ev.task ? ev.task->action : "";
    r.status = ev.status;
    r.result = callback_clean_copy(ev.result, r.module, ev.task && ev.task->no_log);
    // minimal cleans debug's result as the default callback does
    // (CallbackBase._clean_results); oneline does not.
    if (format_ == AdhocFormat::minimal) clean_debug_result(r.result, r.module);
    // Loop items as the strategy's clean copy leaves them.
    if (r.result.is_object() && r.result.contains("results") && r.result["results"].is_array())
      for (auto& item : r.result["results"]) {
        if (!item.is_object()) continue;
        for (auto it = item.begin(); it != item.end();) it = starts_with(it.key(), "_ansible_") ? item.erase(it) : std::next(it);
        if (r.module == "debug") item.erase("invocation");
      }
    r.prints_as_command = ev.task && ev.task->prints_as_command;
    printer_.result(r);
  }
  void warning(const std::string& text) override { printer_.warning(text); }
  void interrupted() override { printer_.interrupted(); }
  void display(const std::string& text, int verbosity) override {
    if (verbosity > 0) return;
    std::lock_guard<std::mutex> lock(mu_);
    std::fputs((text + "\n").c_str(), stdout);
    std::fflush(stdout);
  }

 private:
  AdhocFormat format_;
  AdhocPrinter printer_;
  std::mutex mu_;
};

// datetime.utcnow().isoformat() + "Z".
std::string utc_now_iso() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  long long us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lldZ", us);
  return std::string(buf) + frac;
}

// ansible.posix.json: one JSON document at the end of the run, every
// play's tasks with each host's result, and the stats. Tasks are recorded
// as the linear strategy runs them (the callback's lockstep mode).
class JsonDocumentCallback : public PlaybookCallback {
 public:
  JsonDocumentCallback(int indent, bool show_custom_stats) : indent_(indent), show_custom_stats_(show_custom_stats) {}

  void play_start(const PlayInfo& play) override {
    std::lock_guard<std::mutex> lock(mu_);
    plays_.push_back(Value{{"play", {{"name", play.name}, {"id", uuid()}, {"path", play.path},
                                     {"duration", {{"start", utc_now_iso()}}}}},
                           {"tasks", Value::array()}});
  }
  void task_start(const TaskInfo& task) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (plays_.empty()) return;
    plays_.back()["tasks"].push_back(Value{{"task", {{"name", task.name}, {"id", uuid()}, {"path", task.path},
                                                     {"duration", {{"start", utc_now_iso()}}}}},
                                           {"hosts", Value::object()}});
  }
  void runner_result(const TaskEvent& ev) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (plays_.empty() || plays_.back()["tasks"].empty() || !ev.task) return;
    Value r = callback_clean_copy(ev.result, ev.task->action, ev.task->no_log);
    if (!r.is_object()) r = Value{{"msg", r}};
    // The executor's _ansible_no_log: on each item of a loop, else on the result.
    if (r.contains("results") && r["results"].is_array()) {
      for (auto& item : r["results"])
        if (item.is_object() && !item.contains("_ansible_no_log")) item["_ansible_no_log"] = ev.task->no_log;
    } else if (!r.contains("_ansible_no_log")) {
      r["_ansible_no_log"] = ev.task->no_log;
    }
    if (ev.status == HostStatus::failed) r["failed"] = true;
    if (ev.status == HostStatus::skipped) r["skipped"] = true;
    r["action"] = ev.task->action;
    Value& task = plays_.back()["tasks"].back();
    task["hosts"][ev.host] = std::move(r);
    std::string end = utc_now_iso();
    task["task"]["duration"]["end"] = end;
    plays_.back()["play"]["duration"]["end"] = end;
  }
  void stats(const RunStats& stats) override {
    std::lock_guard<std::mutex> lock(mu_);
    Value summary = Value::object();
    for (const auto& [h, s] : stats.by_host)
      summary[h] = Value{{"changed", s.changed}, {"failures", s.failures}, {"ignored", s.ignored}, {"ok", s.ok},
                         {"rescued", s.rescued}, {"skipped", s.skipped}, {"unreachable", s.unreachable}};
    Value custom = Value::object(), global = Value::object();
    if (show_custom_stats_ && stats.custom.is_object()) {
      custom = stats.custom;
      if (custom.contains("_run")) {
        global = custom["_run"];
        custom.erase("_run");
      }
    }
    Value doc = {{"plays", plays_}, {"stats", summary}, {"custom_stats", custom}, {"global_custom_stats", global}};
    JsonDumpOptions json;
    json.indent = indent_ > 0 ? indent_ : -1;
    json.sort_keys = true;
    std::fputs((python_json_dumps(doc, json) + "\n").c_str(), stdout);
    std::fflush(stdout);
  }
  void warning(const std::string& text) override {
    std::fputs(("[WARNING]: " + text + "\n").c_str(), stderr);
  }
  void display(const std::string& text, int verbosity) override {
    if (verbosity == 0) std::fputs((text + "\n").c_str(), stdout);
  }

 private:
  std::string uuid() {
    char buf[40];
    std::snprintf(buf, sizeof buf, "00000000-0000-0000-0000-%012d", ++next_id_);
    return buf;
  }

  int indent_;
  bool show_custom_stats_;
  std::mutex mu_;
  Value plays_ = Value::array();
  int next_id_ = 0;
};

// Python's time.strftime('%A %d %B %Y  %H:%M:%S %z') of now.
std::string local_timestamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[128];
  std::strftime(buf, sizeof buf, "%A %d %B %Y  %H:%M:%S %z", &tm);
  return buf;
}

// profile_tasks' secondsToStr: "H:MM:SS.mmm".
std::string clock_text(double s) {
  long long ms = static_cast<long long>(s * 1000);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld.%03lld", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
                ms % 1000);
  return buf;
}

// profile_tasks' filled(): the text and a run of `fill` to column 79.
std::string filled(const std::string& text, char fill = '*') {
  std::string msg = text.empty() ? text : text + " ";
  int width = text.empty() ? 79 : 79 - static_cast<int>(msg.size());
  return msg + std::string(static_cast<size_t>(std::max(width, 3)), fill) + " ";
}

// ansible.posix.profile_tasks: a timestamp line under each task's banner
// (the previous task's time, the run's), and the slowest tasks at the end.
class ProfileTasks : public PlaybookCallback {
 public:
  ProfileTasks(std::shared_ptr<PlaybookCallback> out, int verbosity, const std::string& limit, const std::string& sort)
      : out_(std::move(out)), verbosity_(verbosity), sort_(sort) {
    limit_ = limit == "all" ? -1 : std::atoi(limit.c_str());
  }

  void task_start(const TaskInfo& task) override {
    std::lock_guard<std::mutex> lock(mu_);
    out_->display(tasktime(), 0);
    stop_current();
    current_ = task.id;
    auto [it, fresh] = tasks_.try_emplace(task.id);
    if (fresh) {
      order_.push_back(task.id);
      it->second.name = task.name;
    }
    it->second.started = Clock::now();
    if (verbosity_ >= 2) it->second.path = task.path;
  }

  void stats(const RunStats&) override {
    std::lock_guard<std::mutex> lock(mu_);
    out_->display(tasktime(), 0);
    out_->display(filled("", '='), 0);
    stop_current();
    current_ = -1;
    std::vector<int> ids = order_;
    if (sort_ != "none") {
      bool descending = sort_ != "ascending";
      std::stable_sort(ids.begin(), ids.end(), [&](int a, int b) {
        return descending ? tasks_[a].elapsed > tasks_[b].elapsed : tasks_[a].elapsed < tasks_[b].elapsed;
      });
    }
    if (limit_ >= 0 && ids.size() > static_cast<size_t>(limit_)) ids.resize(static_cast<size_t>(limit_));
    const size_t columns = 79;
    for (int id : ids) {
      const Entry& e = tasks_[id];
      char secs[64];
      std::snprintf(secs, sizeof secs, " %.2fs", e.elapsed);
      std::string left = e.name + " ";
      std::string right = secs;
      std::string line = left + std::string(left.size() < columns - 9 ? columns - 9 - left.size() : 0, '-') +
                         std::string(right.size() < 9 ? 9 - right.size() : 0, '-') + right;
      if (!e.path.empty())
        line += "\n" + e.path + " " + std::string(e.path.size() + 1 < columns ? columns - e.path.size() - 1 : 0, '-');
      out_->display(line, 0);
    }
  }

 private:
  struct Entry {
    std::string name, path;
    Clock::time_point started;
    double elapsed = 0;
  };

  std::string tasktime() {
    auto now = Clock::now();
    std::string line = local_timestamp() + " (" + clock_text(seconds_between(last_, now)) + ")" + std::string(7, ' ') +
                       clock_text(seconds_between(start_, now));
    last_ = now;
    return filled(line);
  }

  void stop_current() {
    if (current_ < 0) return;
    Entry& e = tasks_[current_];
    e.elapsed += seconds_between(e.started, Clock::now());
  }

  std::shared_ptr<PlaybookCallback> out_;
  int verbosity_;
  std::string sort_;
  int limit_ = 20;
  std::mutex mu_;
  Clock::time_point start_ = Clock::now(), last_ = start_;
  int current_ = -1;
  std::map<int, Entry> tasks_;
  std::vector<int> order_;
};

// ansible.posix.timer: how long the run took.
class Timer : public PlaybookCallback {
 public:
  explicit Timer(std::shared_ptr<PlaybookCallback> out) : out_(std::move(out)) {}

  void stats(const RunStats&) override {
    long long s = static_cast<long long>(seconds_between(start_, Clock::now()));
    out_->display("Playbook run took " + std::to_string(s / 86400) + " days, " + std::to_string(s % 86400 / 3600) +
                      " hours, " + std::to_string(s % 3600 / 60) + " minutes, " + std::to_string(s % 60) + " seconds",
                  0);
  }

 private:
  std::shared_ptr<PlaybookCallback> out_;
  Clock::time_point start_ = Clock::now();
};

}  // namespace

std::shared_ptr<PlaybookCallback> make_playbook_output(bool json, const PlaybookOutputOptions& o,
                                                       std::vector<std::string>* warnings) {
  if (json) return std::make_shared<JsonLinesCallback>();
  auto warn = [&](const std::string& text) {
    if (warnings) warnings->push_back(text);
  };
  bool color = color_enabled(STDOUT_FILENO, o.force_color, o.no_color);
  std::shared_ptr<PlaybookCallback> out;
  std::string stdout_name = plugin_short_name(o.stdout_callback);
  if (stdout_name == "json") {
    out = std::make_shared<JsonDocumentCallback>(o.json_indent, o.display.show_custom_stats);
  } else if (stdout_name == "minimal" || stdout_name == "oneline") {
    out = std::make_shared<ResultLinesCallback>(stdout_name == "minimal" ? AdhocFormat::minimal : AdhocFormat::oneline,
                                                o.display.verbosity, color);
  } else {
    DefaultCallbackOptions d = o.display;
    if (stdout_name == "yaml") d.result_format = ResultFormat::community_yaml;
    else if (o.result_format == "yaml") d.result_format = ResultFormat::yaml;
    if (stdout_name != "default" && stdout_name != "yaml")
      warn("drover does not implement the stdout callback '" + o.stdout_callback + "': using the default output");
    d.color = color;
    d.columns = display_columns(STDOUT_FILENO);
    d.progress_line = isatty(STDOUT_FILENO) != 0;
    out = std::make_shared<DefaultCallback>(d);
  }
  std::vector<std::shared_ptr<PlaybookCallback>> aggregates;
  for (const auto& name : o.callbacks_enabled) {
    std::string n = plugin_short_name(trim(name));
    if (n.empty()) continue;
    if (n == "profile_tasks")
      aggregates.push_back(
          std::make_shared<ProfileTasks>(out, o.display.verbosity, o.profile_tasks_limit, o.profile_tasks_sort));
    else if (n == "timer")
      aggregates.push_back(std::make_shared<Timer>(out));
    else
      warn("Skipping callback plugin '" + trim(name) + "', unable to load (drover implements profile_tasks and timer)");
  }
  if (aggregates.empty()) return out;
  auto fanout = std::make_shared<CallbackFanout>();
  fanout->add(out);
  for (auto& a : aggregates) fanout->add(a);
  return fanout;
}

}  // namespace drover
