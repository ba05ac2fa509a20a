#include "server/jobs/job_stream.hpp"

#include <atomic>
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

namespace {

// The SSE body of one job: what the follower has, from memory or the
// database; asks the hub to wake it when nothing is there yet.
class JobEventStream : public ResponseStream {
 public:
  JobEventStream(store::JobStore& jobs, const EventHub& hub, int64_t job_id, int64_t after)
      : hub_(hub), job_id_(job_id), follower_(jobs, hub, job_id, after) {}

  Piece next() override {
    auto events = follower_.next(1000, std::chrono::milliseconds(0));
    if (!events.empty()) return {sse_events(events), false};
    if (follower_.done())
      return {"event: end\ndata: " + Value{{"state", follower_.final_state()}}.dump() + "\n\n", true};
    return {};
  }

  std::optional<Piece> next_if_ready() override {
    auto events = follower_.next_live(1000);
    if (!events) return std::nullopt;
    if (events->empty() && follower_.done())
      return Piece{"event: end\ndata: " + Value{{"state", follower_.final_state()}}.dump() + "\n\n", true};
    return Piece{sse_events(*events), false};
  }

  void on_ready(std::function<void()> wake) override {
    // One registration at a time: a wake stands for "look again", so the
    // first one registered serves every later wait until it fires.
    if (armed_.exchange(true)) return;
    hub_.notify_when(job_id_, follower_.cursor(), [this_armed = armed_ptr_, wake = std::move(wake)] {
      *this_armed = false;
      wake();
    });
  }

 private:
  const EventHub& hub_;
  int64_t job_id_;
  JobEventFollower follower_;
  std::shared_ptr<std::atomic<bool>> armed_ptr_ = std::make_shared<std::atomic<bool>>(false);
  std::atomic<bool>& armed_ = *armed_ptr_;
};

}  // namespace

void stream_job_events(HttpResponse& res, store::JobStore& jobs, const EventHub& hub, int64_t job_id,
                       int64_t after) {
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_stream("text/event-stream", std::make_shared<JobEventStream>(jobs, hub, job_id, after));
}

}  // namespace drover::server
