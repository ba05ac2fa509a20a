#include "output/default_callback.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/strings.hpp"
#include "output/callback_result.hpp"
#include "output/diff_text.hpp"

namespace drover {
namespace {

bool is_include(const std::string& action) {
  std::string a = short_action(action);
  return a == "include_tasks" || a == "include_role" || a == "include";
}

bool has_results(const Value& r) { return r.is_object() && r.contains("results"); }

bool changed_flag(const Value& r) { return r.is_object() && r.contains("changed") && truthy(r["changed"]); }

std::string basename_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Python's "%-Ns": pads by code points.
std::string pad_right(const std::string& s, size_t width) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xc0) != 0x80) ++n;
  return n >= width ? s : s + std::string(width - n, ' ');
}

// Python's "%s" % result.get(key): "None" when missing.
std::string py_get(const Value& r, const char* key) {
  if (!r.is_object() || !r.contains(key) || r[key].is_null()) return "None";
  return to_display_string(r[key]);
}

}  // namespace

DefaultCallback::DefaultCallback(DefaultCallbackOptions options, std::FILE* out, std::FILE* err)
    : opt_(options), display_(out, err, options.color, options.columns) {
  if (opt_.progress_line) {
    progress_ = std::make_unique<ProgressLine>(out, opt_.columns);
    display_.set_progress(progress_.get());
    ticker_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(mu_);
      while (!tick_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stopping_; })) progress_->draw();
    });
  }
}

DefaultCallback::~DefaultCallback() {
  if (!ticker_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    progress_->stop();
    display_.flush();
  }
  tick_.notify_all();
  ticker_.join();
}

void DefaultCallback::done() {
  if (progress_) progress_->draw();
  display_.flush();
}

void DefaultCallback::print_task_path(const TaskInfo& task) {
  if (!task.path.empty()) display_.print("task path: " + task.path, Color::debug);
}

void DefaultCallback::print_task_banner(const TaskInfo& task) {
  std::string args;
  if (!task.no_log && opt_.display_args_to_stdout) args = " " + task.args_text;
  auto prefix = task_prefix_.find(task.id);
  std::string name = last_task_name_ ? *last_task_name_ : trim(task.name);
  std::string check = task.check_mode && opt_.check_mode_markers ? " [CHECK MODE]" : "";
  display_.banner((prefix == task_prefix_.end() ? std::string("TASK") : prefix->second) + " [" + name + args + "]" +
                  check);
  if (opt_.verbosity >= 2) print_task_path(task);
  last_task_banner_ = task.id;
}

void DefaultCallback::banner_once(const TaskInfo& task) {
  if (last_task_banner_ != task.id) print_task_banner(task);
}

void DefaultCallback::handle_exception(Value& r) {
  if (!r.contains("exception")) return;
  std::string exc = to_display_string(r["exception"]);
  std::string msg = "An exception occurred during task execution. ";
  if (opt_.verbosity < 3) {
    auto lines = split(trim(exc), '\n');
    msg += "To see the full traceback, use -vvv. The error was: " + (lines.empty() ? std::string() : lines.back());
  } else {
    msg = "The full traceback is:\n" + exc;
    r.erase("exception");
  }
  display_.print(msg, Color::error, opt_.display_failed_stderr);
}

void DefaultCallback::handle_warnings(Value& r) {
  if (!opt_.action_warnings) return;
  if (r.contains("warnings") && truthy(r["warnings"])) {
    if (r["warnings"].is_array())
      for (const Value& w : r["warnings"]) display_.warning(to_display_string(w));
    r.erase("warnings");
  }
  if (r.contains("deprecations") && truthy(r["deprecations"])) {
    if (r["deprecations"].is_array() && opt_.deprecation_warnings) {
      for (const Value& d : r["deprecations"]) {
        auto field = [&](const char* k) {
          return d.is_object() && d.contains(k) && !d[k].is_null() ? to_display_string(d[k]) : std::string();
        };
        display_.deprecated(d.is_object() ? field("msg") : to_display_string(d), field("version"), field("date"),
                            field("collection_name"));
      }
    }
    r.erase("deprecations");
  }
}

void DefaultCallback::playbook_start(const std::string& file) {
  std::lock_guard<std::mutex> lock(mu_);
  if (opt_.verbosity > 1) display_.banner("PLAYBOOK: " + basename_of(file));
  if (opt_.check && opt_.check_mode_markers) display_.banner("DRY RUN");
  done();
}

void DefaultCallback::play_start(const PlayInfo& play) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string name = trim(play.name);
  std::string check = play.check_mode && opt_.check_mode_markers ? " [CHECK MODE]" : "";
  strategy_ = short_action(play.strategy);
  play_hosts_ = play.host_count;
  if (progress_) progress_->stop();
  display_.banner(name.empty() ? "PLAY" + check : "PLAY [" + name + "]" + check);
  done();
}

void DefaultCallback::task_start(const TaskInfo& task) {
  std::lock_guard<std::mutex> lock(mu_);
  task_prefix_[task.id] = task.handler ? "RUNNING HANDLER" : "TASK";
  if (strategy_ == "free" || strategy_ == "host_pinned") {
    // Each host runs its own task: the name cached at start would lie.
    last_task_name_.reset();
  } else {
    last_task_name_ = trim(task.name);
    if (opt_.display_skipped_hosts && opt_.display_ok_hosts) print_task_banner(task);
  }
  if (progress_) progress_->start_task((task.handler ? "RUNNING HANDLER [" : "TASK [") + trim(task.name) + "]",
                                       play_hosts_);
  done();
}

void DefaultCallback::runner_start(const TaskInfo& task, const std::string& host) {
  if (!opt_.show_per_host_start) return;
  std::lock_guard<std::mutex> lock(mu_);
  display_.print(" [started TASK: " + trim(task.name) + " on " + host + "]", Color::ok);
  done();
}

void DefaultCallback::on_failed(const TaskEvent& ev, Value& r) {
  const TaskInfo& task = *ev.task;
  std::string label = host_label(ev.host, ev.delegated_to, r);
  clean_debug_result(r, task.action);
  banner_once(task);
  handle_exception(r);
  handle_warnings(r);
  if (task.loop && has_results(r)) {
    r.erase("results");
  } else {
    if (opt_.verbosity < 2 && opt_.show_task_path_on_failure) print_task_path(task);
    display_.print("fatal: [" + label + "]: FAILED! => " + dump_results(r, opt_.verbosity, -1, opt_.result_format), Color::error,
                   opt_.display_failed_stderr);
  }
  if (ev.ignore_errors) display_.print("...ignoring", Color::skip);
}

void DefaultCallback::on_ok(const TaskEvent& ev, Value& r) {
  const TaskInfo& task = *ev.task;
  std::string label = host_label(ev.host, ev.delegated_to, r);
  if (is_include(task.action)) {
    banner_once(task);
    return;
  }
  std::string msg;
  Color color;
  if (changed_flag(r)) {
    banner_once(task);
    msg = "changed: [" + label + "]";
    color = Color::changed;
  } else {
    if (!opt_.display_ok_hosts) return;
    banner_once(task);
    msg = "ok: [" + label + "]";
    color = Color::ok;
  }
  handle_warnings(r);
  if (task.loop && has_results(r)) {
    r.erase("results");
    return;
  }
  clean_debug_result(r, task.action);
  if (run_is_verbose(r, opt_.verbosity)) msg += " => " + dump_results(r, opt_.verbosity, -1, opt_.result_format);
  display_.print(msg, color);
}

void DefaultCallback::on_skipped(const TaskEvent& ev, Value& r) {
  if (!opt_.display_skipped_hosts) return;
  const TaskInfo& task = *ev.task;
  clean_debug_result(r, task.action);
  banner_once(task);
  if (task.loop && has_results(r)) r.erase("results");
  std::string msg = "skipping: [" + ev.host + "]";
  if (run_is_verbose(r, opt_.verbosity)) msg += " => " + dump_results(r, opt_.verbosity, -1, opt_.result_format);
  display_.print(msg, Color::skip);
}

void DefaultCallback::on_unreachable(const TaskEvent& ev, Value& r) {
  banner_once(*ev.task);
  std::string label = host_label(ev.host, ev.delegated_to, r);
  display_.print("fatal: [" + label + "]: UNREACHABLE! => " + dump_results(r, opt_.verbosity, -1, opt_.result_format), Color::unreachable,
                 opt_.display_failed_stderr);
  if (ev.ignore_errors) display_.print("...ignoring", Color::skip);
}

void DefaultCallback::runner_result(const TaskEvent& ev) {
  if (!ev.task) return;
  Value r = callback_clean_copy(ev.result, ev.task->action, ev.task->no_log);
  std::lock_guard<std::mutex> lock(mu_);
  switch (ev.status) {
    case HostStatus::failed: on_failed(ev, r); break;
    case HostStatus::unreachable: on_unreachable(ev, r); break;
    case HostStatus::skipped: on_skipped(ev, r); break;
    case HostStatus::ok:
    case HostStatus::changed: on_ok(ev, r); break;
  }
  if (progress_)
    progress_->host_done(ev.status == HostStatus::changed || changed_flag(r),
                         (ev.status == HostStatus::failed && !ev.ignore_errors) || ev.status == HostStatus::unreachable);
  done();
}

void DefaultCallback::item_result(const TaskEvent& ev) {
  if (!ev.task) return;
  const TaskInfo& task = *ev.task;
  Value r = callback_clean_copy(ev.result, task.action, task.no_log);
  std::lock_guard<std::mutex> lock(mu_);
  std::string label = host_label(ev.host, ev.delegated_to, r);
  // Ansible picks the item callback by the "failed" and "skipped" flags
  // only: an unreachable item goes down the ok path.
  if (ev.status == HostStatus::failed) {
    banner_once(task);
    clean_debug_result(r, task.action);
    handle_exception(r);
    std::string msg = "failed: [" + label + "]";
    handle_warnings(r);
    display_.print(msg + " (item=" + item_label(r) + ") => " + dump_results(r, opt_.verbosity, -1, opt_.result_format), Color::error,
                   opt_.display_failed_stderr);
  } else if (ev.status == HostStatus::skipped) {
    if (opt_.display_skipped_hosts) {
      banner_once(task);
      clean_debug_result(r, task.action);
      std::string msg = "skipping: [" + ev.host + "] => (item=" + item_label(r) + ") ";
      if (run_is_verbose(r, opt_.verbosity)) msg += " => " + dump_results(r, opt_.verbosity, -1, opt_.result_format);
      display_.print(msg, Color::skip);
    }
  } else if (!is_include(task.action)) {
    std::string msg;
    Color color = Color::ok;
    bool show = true;
    if (changed_flag(r)) {
      banner_once(task);
      msg = "changed";
      color = Color::changed;
    } else if (opt_.display_ok_hosts) {
      banner_once(task);
      msg = "ok";
    } else {
      show = false;
    }
    if (show) {
      msg += ": [" + label + "] => (item=" + item_label(r) + ")";
      clean_debug_result(r, task.action);
      if (run_is_verbose(r, opt_.verbosity)) msg += " => " + dump_results(r, opt_.verbosity, -1, opt_.result_format);
      display_.print(msg, color);
    }
  }
  done();
}

void DefaultCallback::retry(const TaskEvent& ev, int attempt, int retries) {
  if (!ev.task) return;
  Value r = callback_clean_copy(ev.result, ev.task->action, ev.task->no_log);
  std::lock_guard<std::mutex> lock(mu_);
  std::string msg = "FAILED - RETRYING: [" + host_label(ev.host, ev.delegated_to, r) + "]: " + ev.task->name + " (" +
                    std::to_string(retries - attempt) + " retries left).";
  if (run_is_verbose(r, opt_.verbosity, 2)) msg += "Result was: " + dump_results(r, opt_.verbosity, -1, opt_.result_format);
  display_.print(msg, Color::debug);
  done();
}

void DefaultCallback::file_diff(const TaskEvent& ev) {
  if (!ev.task) return;
  Value r = callback_clean_copy(ev.result, ev.task->action, ev.task->no_log);
  std::lock_guard<std::mutex> lock(mu_);
  auto show = [&](const Value& res) {
    if (!res.is_object() || !res.contains("diff") || !truthy(res["diff"]) || !changed_flag(res)) return;
    std::string text = render_diff(res["diff"], opt_.color, opt_.diff_context);
    if (text.empty()) return;
    banner_once(*ev.task);
    display_.print(text);
  };
  if (ev.task->loop && has_results(r)) {
    if (r["results"].is_array())
      for (const Value& res : r["results"]) show(res);
  } else {
    show(r);
  }
  done();
}

void DefaultCallback::async_poll(const TaskEvent& ev, int /*elapsed_s*/) {
  // Ansible sends these with its internal async_status task: only the host
  // and the job's result matter.
  Value r = callback_clean_copy(ev.result, ev.task ? ev.task->action : "", ev.task && ev.task->no_log);
  std::lock_guard<std::mutex> lock(mu_);
  display_.print("ASYNC POLL on " + ev.host + ": jid=" + py_get(r, "ansible_job_id") + " started=" +
                     py_get(r, "started") + " finished=" + py_get(r, "finished"),
                 Color::debug);
  done();
}

void DefaultCallback::async_finished(const TaskEvent& ev) {
  // Ansible sends these with its internal async_status task: only the host
  // and the job's result matter.
  Value r = callback_clean_copy(ev.result, ev.task ? ev.task->action : "", ev.task && ev.task->no_log);
  std::lock_guard<std::mutex> lock(mu_);
  if (ev.status == HostStatus::failed || ev.status == HostStatus::unreachable) {
    // The job id may be only in async_result when the job timed out.
    std::string jid = py_get(r, "ansible_job_id");
    if ((jid == "None" || jid.empty()) && r.contains("async_result")) jid = py_get(r["async_result"], "ansible_job_id");
    display_.print("ASYNC FAILED on " + ev.host + ": jid=" + jid, Color::debug);
  } else {
    display_.print("ASYNC OK on " + ev.host + ": jid=" + py_get(r, "ansible_job_id"), Color::debug);
  }
  done();
}

void DefaultCallback::include(const std::string& file, const std::vector<std::string>& hosts, const Value& item) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string msg = "included: " + file + " for " + join(hosts, ", ");
  if (truthy(item)) msg += " => (item=" + to_display_string(item) + ")";
  display_.print(msg, Color::skip);
  done();
}

void DefaultCallback::notify(const std::string& handler, const std::string& host) {
  if (opt_.verbosity <= 1) return;
  std::lock_guard<std::mutex> lock(mu_);
  display_.print("NOTIFIED HANDLER " + handler + " for " + host, Color::verbose);
  done();
}

void DefaultCallback::no_hosts_matched() {
  std::lock_guard<std::mutex> lock(mu_);
  display_.print("skipping: no hosts matched", Color::skip);
  done();
}

void DefaultCallback::no_hosts_remaining() {
  std::lock_guard<std::mutex> lock(mu_);
  display_.banner("NO MORE HOSTS LEFT");
  done();
}

void DefaultCallback::recap_line(const std::string& host, const HostStats& s) {
  bool color = opt_.color;
  auto counter = [&](const char* lead, int n, Color c) {
    std::string text = pad_right(std::string(lead) + "=" + std::to_string(n), std::string(lead).size() + 5);
    return n != 0 ? colorize(text, c, color) : text;
  };
  std::string name;
  if (color) {
    Color hc = s.failures || s.unreachable ? Color::error : s.changed ? Color::changed : Color::ok;
    name = pad_right(colorize(host, hc, true), 37);
  } else {
    name = pad_right(host, 26);
  }
  display_.print(name + " : " + counter("ok", s.ok, Color::ok) + " " + counter("changed", s.changed, Color::changed) +
                 " " + counter("unreachable", s.unreachable, Color::unreachable) + " " +
                 counter("failed", s.failures, Color::error) + " " + counter("skipped", s.skipped, Color::skip) + " " +
                 counter("rescued", s.rescued, Color::ok) + " " + counter("ignored", s.ignored, Color::warn));
}

void DefaultCallback::stats(const RunStats& stats) {
  std::lock_guard<std::mutex> lock(mu_);
  if (progress_) progress_->stop();
  display_.banner("PLAY RECAP");
  std::vector<std::string> hosts;
  for (const auto& [h, _] : stats.by_host) hosts.push_back(h);
  std::sort(hosts.begin(), hosts.end());
  for (const auto& h : hosts) recap_line(h, stats.by_host.at(h));
  display_.print("");
  if (opt_.show_custom_stats && stats.custom.is_object() && !stats.custom.empty()) {
    display_.banner("CUSTOM STATS: ");
    auto one_line = [&](const Value& v) {
      std::string s = dump_results(v, opt_.verbosity, 1, opt_.result_format);
      s.erase(std::remove(s.begin(), s.end(), '\n'), s.end());
      return s;
    };
    std::vector<std::string> keys;
    for (auto it = stats.custom.begin(); it != stats.custom.end(); ++it) keys.push_back(it.key());
    std::sort(keys.begin(), keys.end());
    for (const auto& k : keys)
      if (k != "_run") display_.print("\t" + k + ": " + one_line(stats.custom[k]));
    if (stats.custom.contains("_run")) {
      display_.print("");
      display_.print("\tRUN: " + one_line(stats.custom["_run"]));
    }
    display_.print("");
  }
  if (opt_.check && opt_.check_mode_markers) display_.banner("DRY RUN");
  done();
}

void DefaultCallback::warning(const std::string& msg) {
  std::lock_guard<std::mutex> lock(mu_);
  display_.warning(msg);
  done();
}

// ansible-playbook's words on ^C.
void DefaultCallback::interrupted() {
  std::lock_guard<std::mutex> lock(mu_);
  display_.print("[ERROR]: User interrupted execution", Color::error, true);
  done();
}

void DefaultCallback::deprecation(const std::string& msg, const std::string& version, const std::string& date,
                                  const std::string& collection) {
  if (!opt_.deprecation_warnings) return;
  std::lock_guard<std::mutex> lock(mu_);
  display_.deprecated(msg, version, date, collection);
  done();
}

void DefaultCallback::display(const std::string& text, int verbosity) {
  if (opt_.verbosity < verbosity) return;
  std::lock_guard<std::mutex> lock(mu_);
  display_.print(text, verbosity > 0 ? Color::verbose : Color::none);
  done();
}

}  // namespace drover
