#include "output/playbook_output.hpp"

#include <cstdio>
#include <mutex>

#include "core/pyjson.hpp"

namespace drover {
namespace {

// Interim terminal output until the ansible-playbook default callback
// lands: banners, one line per host result, the recap.
class InterimOutput : public PlaybookCallback {
 public:
  explicit InterimOutput(int verbosity) : verbosity_(verbosity) {}
  void play_start(const PlayInfo& p) override { banner("PLAY [" + p.name + "]"); }
  void task_start(const TaskInfo& t) override { banner(std::string(t.handler ? "RUNNING HANDLER" : "TASK") + " [" + t.name + "]"); }
  void no_hosts_matched() override { line("skipping: no hosts matched"); }
  void runner_result(const TaskEvent& e) override {
    JsonDumpOptions o;
    o.indent = 4;
    o.sort_keys = true;
    o.ensure_ascii = false;
    Value shown = abridged_result(e.result, verbosity_);
    std::string host = e.host + (e.delegated_to.empty() ? "" : " -> " + e.delegated_to);
    switch (e.status) {
      case HostStatus::ok:
      case HostStatus::changed: {
        std::string s = std::string(e.status == HostStatus::changed ? "changed" : "ok") + ": [" + host + "]";
        if (e.result.contains("_ansible_verbose_always") || verbosity_ > 0) s += " => " + python_json_dumps(shown, o);
        line(s);
        break;
      }
      case HostStatus::skipped: line("skipping: [" + host + "]"); break;
      case HostStatus::failed:
        line("fatal: [" + host + "]: FAILED! => " + python_json_dumps(shown, o));
        if (e.ignore_errors) line("...ignoring");
        break;
      case HostStatus::unreachable: line("fatal: [" + host + "]: UNREACHABLE! => " + python_json_dumps(shown, o)); break;
    }
  }
  void warning(const std::string& w) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::fprintf(stderr, "[WARNING]: %s\n", w.c_str());
  }
  void stats(const RunStats& st) override {
    banner("PLAY RECAP");
    for (const auto& h : st.hosts) {
      const HostStats& s = st.by_host.at(h);
      char buf[512];
      std::snprintf(buf, sizeof buf,
                    "%-26s : ok=%-4d changed=%-4d unreachable=%-4d failed=%-4d skipped=%-4d rescued=%-4d ignored=%-4d",
                    h.c_str(), s.ok, s.changed, s.unreachable, s.failures, s.skipped, s.rescued, s.ignored);
      line(buf);
    }
    line("");
  }
  void display(const std::string& text, int verbosity) override {
    if (verbosity <= verbosity_) line(text);
  }

 private:
  void banner(const std::string& title) {
    std::string t = title + " ";
    if (t.size() < 79) t.append(79 - t.size(), '*');
    line("\n" + t);
  }
  void line(const std::string& s) {
    std::lock_guard<std::mutex> lock(mu_);
    std::fputs(s.c_str(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
  }
  int verbosity_;
  std::mutex mu_;
};

class InterimJson : public PlaybookCallback {
 public:
  void play_start(const PlayInfo& p) override { emit({{"event", "play_start"}, {"name", p.name}}); }
  void task_start(const TaskInfo& t) override { emit({{"event", "task_start"}, {"name", t.name}, {"action", t.action}}); }
  void runner_result(const TaskEvent& e) override {
    emit({{"event", "runner_result"}, {"host", e.host}, {"status", host_status_name(e.status)}, {"result", abridged_result(e.result, 3)}});
  }
  void stats(const RunStats& st) override {
    Value s = Value::object();
    for (const auto& h : st.hosts) {
      const HostStats& x = st.by_host.at(h);
      s[h] = {{"ok", x.ok}, {"changed", x.changed}, {"unreachable", x.unreachable}, {"failures", x.failures},
              {"skipped", x.skipped}, {"rescued", x.rescued}, {"ignored", x.ignored}};
    }
    emit({{"event", "stats"}, {"stats", s}});
  }
  void warning(const std::string& w) override { emit({{"event", "warning"}, {"msg", w}}); }

 private:
  void emit(const Value& v) {
    std::lock_guard<std::mutex> lock(mu_);
    std::fputs((v.dump(-1, ' ', false, Value::error_handler_t::replace) + "\n").c_str(), stdout);
    std::fflush(stdout);
  }
  std::mutex mu_;
};

}  // namespace

std::shared_ptr<PlaybookCallback> make_playbook_output(bool json, int verbosity) {
  if (json) return std::make_shared<InterimJson>();
  return std::make_shared<InterimOutput>(verbosity);
}

}  // namespace drover
