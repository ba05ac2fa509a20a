#include "output/json_lines_callback.hpp"

#include <chrono>
#include <ctime>

#include "core/pyjson.hpp"
#include "output/callback_result.hpp"

namespace drover {

JsonLinesCallback::JsonLinesCallback(std::FILE* out, std::function<std::string()> clock)
    : out_(out), clock_(std::move(clock)) {}

JsonLinesCallback::JsonLinesCallback(JsonEventSink sink, std::function<std::string()> clock)
    : sink_(std::move(sink)), clock_(std::move(clock)) {}

void JsonLinesCallback::emit(const char* event, Value fields) {
  JsonDumpOptions opts;
  opts.ensure_ascii = false;
  std::lock_guard<std::mutex> lock(mu_);
  Value ev = Value::object();
  ev["seq"] = ++seq_;
  ev["time"] = clock_();
  ev["event"] = event;
  for (auto it = fields.begin(); it != fields.end(); ++it) ev[it.key()] = std::move(it.value());
  std::string line = python_json_dumps(ev, opts);
  if (sink_) {
    sink_(ev, std::move(line));
    return;
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

Value JsonLinesCallback::host_event(const TaskEvent& ev) const {
  Value r = ev.task ? callback_clean_copy(ev.result, ev.task->action, ev.task->no_log) : ev.result;
  return {{"task_id", ev.task ? ev.task->id : 0},
          {"host", ev.host},
          {"delegated_to", ev.delegated_to},
          {"status", host_status_name(ev.status)},
          {"ignore_errors", ev.ignore_errors},
          {"result", std::move(r)}};
}

void JsonLinesCallback::playbook_start(const std::string& file) { emit("playbook_start", {{"playbook", file}}); }

void JsonLinesCallback::play_start(const PlayInfo& p) {
  emit("play_start", {{"play",
                       {{"name", p.name},
                        {"hosts", p.hosts},
                        {"strategy", p.strategy},
                        {"check_mode", p.check_mode},
                        {"host_count", p.host_count}}}});
}

void JsonLinesCallback::task_start(const TaskInfo& t) {
  emit("task_start", {{"task",
                       {{"id", t.id},
                        {"name", t.name},
                        {"action", t.action},
                        {"path", t.path},
                        {"handler", t.handler},
                        {"check_mode", t.check_mode},
                        {"no_log", t.no_log},
                        {"loop", t.loop},
                        {"args_text", t.no_log ? std::string() : t.args_text}}}});
}

void JsonLinesCallback::runner_start(const TaskInfo& t, const std::string& host) {
  emit("runner_start", {{"task_id", t.id}, {"host", host}});
}

void JsonLinesCallback::runner_result(const TaskEvent& ev) { emit("runner_result", host_event(ev)); }
void JsonLinesCallback::item_result(const TaskEvent& ev) { emit("item_result", host_event(ev)); }
void JsonLinesCallback::file_diff(const TaskEvent& ev) { emit("file_diff", host_event(ev)); }

void JsonLinesCallback::retry(const TaskEvent& ev, int attempt, int retries) {
  Value v = host_event(ev);
  v["attempt"] = attempt;
  v["retries"] = retries;
  emit("retry", std::move(v));
}

void JsonLinesCallback::async_poll(const TaskEvent& ev, int elapsed_s) {
  Value v = host_event(ev);
  v["elapsed"] = elapsed_s;
  emit("async_poll", std::move(v));
}

void JsonLinesCallback::async_finished(const TaskEvent& ev) { emit("async_finished", host_event(ev)); }

void JsonLinesCallback::include(const std::string& file, const std::vector<std::string>& hosts, const Value& item) {
  emit("include", {{"file", file}, {"hosts", hosts}, {"item", item}});
}

void JsonLinesCallback::notify(const std::string& handler, const std::string& host) {
  emit("notify", {{"handler", handler}, {"host", host}});
}

void JsonLinesCallback::no_hosts_matched() { emit("no_hosts_matched", Value::object()); }
void JsonLinesCallback::no_hosts_remaining() { emit("no_hosts_remaining", Value::object()); }

void JsonLinesCallback::interrupted() { emit("interrupted", Value::object()); }

void JsonLinesCallback::stats(const RunStats& st) {
  Value hosts = Value::object();
  for (const auto& [h, s] : st.by_host)
    hosts[h] = {{"ok", s.ok},           {"changed", s.changed}, {"unreachable", s.unreachable},
                {"failures", s.failures}, {"skipped", s.skipped}, {"rescued", s.rescued},
                {"ignored", s.ignored}};
  emit("stats", {{"hosts", std::move(hosts)}, {"custom", st.custom}});
}

void JsonLinesCallback::warning(const std::string& msg) { emit("warning", {{"msg", msg}}); }
void JsonLinesCallback::deprecation(const std::string& msg, const std::string& version, const std::string& date,
                                    const std::string& collection) {
  Value fields = {{"msg", msg}};
  if (!version.empty()) fields["version"] = version;
  if (!date.empty()) fields["date"] = date;
  if (!collection.empty()) fields["collection"] = collection;
  emit("deprecation", std::move(fields));
}

void JsonLinesCallback::display(const std::string& text, int verbosity) {
  emit("display", {{"msg", text}, {"verbosity", verbosity}});
}

}  // namespace drover
