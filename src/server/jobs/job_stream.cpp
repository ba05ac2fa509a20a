#include "server/jobs/job_stream.hpp"

#include <httplib.h>

#include <memory>

#include "core/value.hpp"
#include "server/jobs/job_event_follower.hpp"

namespace drover::server {

std::string sse_events(const std::vector<SharedEvent>& events) {
  std::string out;
  for (const auto& e : events) {
    out += "id: ";
    out += std::to_string(e->seq);
    out += "\nevent: ";
    out += e->event;
    out += "\ndata: ";
    out += e->data;  // one line: JSON escapes every newline
    out += "\n\n";
  }
  return out;
}

void stream_job_events(httplib::Response& res, store::JobStore& jobs, const EventHub& hub, int64_t job_id,
                       int64_t after) {
  auto follower = std::make_shared<JobEventFollower>(jobs, hub, job_id, after);
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider("text/event-stream", [follower](size_t, httplib::DataSink& sink) {
    if (!sink.is_writable()) return false;
    auto events = follower->next(1000, std::chrono::milliseconds(1000));
    if (!events.empty()) {
      std::string text = sse_events(events);
      return sink.write(text.data(), text.size());
    }
    if (follower->done()) {
      std::string end = "event: end\ndata: " + Value{{"state", follower->final_state()}}.dump() + "\n\n";
      sink.write(end.data(), end.size());
      sink.done();
      return true;
    }
    static const std::string keep_alive = ": keep-alive\n\n";
    return sink.write(keep_alive.data(), keep_alive.size());
  });
}

}  // namespace drover::server
