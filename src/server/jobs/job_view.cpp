#include "server/jobs/job_view.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "output/default_callback.hpp"
#include "output/event_replay.hpp"
#include "server/jobs/job_spec.hpp"

namespace drover::server {
namespace {

Value optional_value(const std::optional<std::string>& v) { return v ? Value(*v) : Value(nullptr); }
Value optional_value(const std::optional<int64_t>& v) { return v ? Value(*v) : Value(nullptr); }

Value parse_or(const std::string& text, Value fallback) {
  if (text.empty()) return fallback;
  try {
    return Value::parse(text);
  } catch (const std::exception&) {
    return fallback;
  }
}

}  // namespace

Value job_json(const store::JobRecord& job) {
  Value spec = parse_or(job.spec, Value::object());
  if (spec.contains("sealed_vars") && spec["sealed_vars"].is_object())  // launch-form passwords: never shown
    for (auto it = spec["sealed_vars"].begin(); it != spec["sealed_vars"].end(); ++it) *it = "$encrypted$";
  std::string name;
  try {
    name = parse_job_spec(spec, true).label();
  } catch (const std::exception&) {
  }
  return {{"id", job.id},
          {"kind", job.kind},
          {"name", name},
          {"state", job.state},
          {"template_id", optional_value(job.template_id)},
          {"created_by", optional_value(job.created_by)},
          {"created", job.created},
          {"started", optional_value(job.started)},
          {"finished", optional_value(job.finished)},
          {"exit_code", optional_value(job.exit_code)},
          {"error", job.error.empty() ? Value(nullptr) : Value(job.error)},
          {"cancel_requested", job.cancel_requested},
          {"last_event", job.last_seq},
          {"spec", std::move(spec)},
          {"recap", parse_or(job.recap, nullptr)}};
}

Value event_json(const store::JobEventRow& event) { return parse_or(event.data, Value{{"seq", event.seq}}); }

std::string job_stdout(const store::JobRecord& job, const std::vector<store::JobEventRow>& events) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* out = ::open_memstream(&buf, &len);
  if (!out) throw Error("cannot make a memory stream for the job's stdout");
  {
    DefaultCallbackOptions opt;
    Value spec = parse_or(job.spec, Value::object());
    opt.verbosity = spec.value("verbosity", 0);
    opt.check = spec.value("check", false);
    // Warnings go to stderr in the CLI; a job has one text, so they go
    // into it where they happened.
    DefaultCallback text(opt, out, out);
    EventReplay replay(text);
    for (const auto& e : events) replay.feed(event_json(e));
    if (job.state == "error" && !job.error.empty()) {
      std::fflush(out);
      std::fprintf(out, "ERROR! %s\n", job.error.c_str());
    }
  }
  std::fclose(out);
  std::string text(buf, len);
  std::free(buf);
  return text;
}

}  // namespace drover::server
