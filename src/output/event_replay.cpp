#include "output/event_replay.hpp"

namespace drover {
namespace {

std::string str(const Value& v, const char* key) {
  return v.contains(key) && v[key].is_string() ? v[key].get<std::string>() : std::string();
}
bool flag(const Value& v, const char* key) { return v.contains(key) && v[key].is_boolean() && v[key].get<bool>(); }
int num(const Value& v, const char* key) { return v.contains(key) && v[key].is_number() ? v[key].get<int>() : 0; }

HostStatus status_named(const std::string& s) {
  if (s == "changed") return HostStatus::changed;
  if (s == "failed") return HostStatus::failed;
  if (s == "unreachable") return HostStatus::unreachable;
  if (s == "skipped") return HostStatus::skipped;
  return HostStatus::ok;
}

}  // namespace

TaskEvent EventReplay::host_event(const Value& ev) const {
  TaskEvent te;
  auto it = tasks_.find(num(ev, "task_id"));
  te.task = it == tasks_.end() ? nullptr : it->second.get();
  te.host = str(ev, "host");
  te.delegated_to = str(ev, "delegated_to");
  te.status = status_named(str(ev, "status"));
  te.ignore_errors = flag(ev, "ignore_errors");
  te.result = ev.contains("result") ? ev["result"] : Value::object();
  return te;
}

void EventReplay::feed(const Value& ev) {
  if (!ev.is_object()) return;
  const std::string name = str(ev, "event");
  if (name == "playbook_start") {
    sink_.playbook_start(str(ev, "playbook"));
  } else if (name == "play_start") {
    const Value& p = ev.contains("play") ? ev["play"] : ev;
    PlayInfo info;
    info.name = str(p, "name");
    info.hosts = str(p, "hosts");
    info.strategy = p.contains("strategy") ? str(p, "strategy") : "linear";
    info.check_mode = flag(p, "check_mode");
    info.host_count = num(p, "host_count");
    sink_.play_start(info);
  } else if (name == "task_start") {
    const Value& t = ev["task"];
    auto info = std::make_unique<TaskInfo>();
    info->id = num(t, "id");
    info->name = str(t, "name");
    info->action = str(t, "action");
    info->path = str(t, "path");
    info->handler = flag(t, "handler");
    info->check_mode = flag(t, "check_mode");
    info->no_log = flag(t, "no_log");
    info->loop = flag(t, "loop");
    info->args_text = str(t, "args_text");
    TaskInfo& ref = *info;
    tasks_[info->id] = std::move(info);
    sink_.task_start(ref);
  } else if (name == "runner_start") {
    auto it = tasks_.find(num(ev, "task_id"));
    if (it != tasks_.end()) sink_.runner_start(*it->second, str(ev, "host"));
  } else if (name == "runner_result") {
    sink_.runner_result(host_event(ev));
  } else if (name == "item_result") {
    TaskEvent te = host_event(ev);
    te.is_item = true;
    sink_.item_result(te);
  } else if (name == "retry") {
    sink_.retry(host_event(ev), num(ev, "attempt"), num(ev, "retries"));
  } else if (name == "file_diff") {
    sink_.file_diff(host_event(ev));
  } else if (name == "async_poll") {
    sink_.async_poll(host_event(ev), num(ev, "elapsed"));
  } else if (name == "async_finished") {
    sink_.async_finished(host_event(ev));
  } else if (name == "include") {
    std::vector<std::string> hosts;
    if (ev.contains("hosts"))
      for (const Value& h : ev["hosts"]) hosts.push_back(h.is_string() ? h.get<std::string>() : h.dump());
    sink_.include(str(ev, "file"), hosts, ev.contains("item") ? ev["item"] : Value());
  } else if (name == "notify") {
    sink_.notify(str(ev, "handler"), str(ev, "host"));
  } else if (name == "no_hosts_matched") {
    sink_.no_hosts_matched();
  } else if (name == "no_hosts_remaining") {
    sink_.no_hosts_remaining();
  } else if (name == "stats") {
    RunStats st;
    if (ev.contains("hosts"))
      for (auto it = ev["hosts"].begin(); it != ev["hosts"].end(); ++it) {
        const Value& s = it.value();
        HostStats hs;
        hs.ok = num(s, "ok");
        hs.changed = num(s, "changed");
        hs.unreachable = num(s, "unreachable");
        hs.failures = num(s, "failures");
        hs.skipped = num(s, "skipped");
        hs.rescued = num(s, "rescued");
        hs.ignored = num(s, "ignored");
        st.hosts.push_back(it.key());
        st.by_host[it.key()] = hs;
      }
    if (ev.contains("custom") && ev["custom"].is_object()) st.custom = ev["custom"];
    sink_.stats(st);
  } else if (name == "warning") {
    sink_.warning(str(ev, "msg"));
  } else if (name == "deprecation") {
    sink_.deprecation(str(ev, "msg"), str(ev, "version"), str(ev, "date"), str(ev, "collection"));
  } else if (name == "display") {
    sink_.display(str(ev, "msg"), num(ev, "verbosity"));
  }
}

void EventReplay::feed_lines(std::istream& in) {
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    feed(Value::parse(line));
  }
}

}  // namespace drover
