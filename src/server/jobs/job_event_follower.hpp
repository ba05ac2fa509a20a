// Following one job's events from a cursor (seq) to its end: the reader
// behind GET /jobs/{id}/events and the SSE stream.
//
// It takes events from the EventHub while the cursor is inside the hub's
// recent window and from the database otherwise (a client resuming from an
// old Last-Event-ID, a job that ran before this server started, a
// subscriber slower than the window), then switches back to live. Because
// the hub only holds committed events and the follower only moves its own
// cursor forward by the events it returns, no event is skipped and none is
// returned twice. done() is true once every event of a job in a final state
// has been returned.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "server/jobs/event_hub.hpp"
#include "store/job_store.hpp"

namespace drover::server {

class JobEventFollower {
 public:
  JobEventFollower(store::JobStore& jobs, const EventHub& hub, int64_t job_id, int64_t after)
      : jobs_(jobs), hub_(hub), job_id_(job_id), cursor_(after) {}

  // Up to `max` next events; when there are none yet, waits up to `wait`
  // for some and returns what came (possibly nothing: send a keep-alive).
  std::vector<SharedEvent> next(size_t max, std::chrono::milliseconds wait);
  // next() without blocking: the hub's events (possibly none, while the job
  // is live and idle), or nullopt when only the database can answer (then
  // call next()).
  std::optional<std::vector<SharedEvent>> next_live(size_t max);

  bool done() const { return done_; }
  int64_t cursor() const { return cursor_; }
  // The job's final state once done() (read from the database).
  const std::string& final_state() const { return final_state_; }

 private:
  std::vector<SharedEvent> from_database(size_t max);

  store::JobStore& jobs_;
  const EventHub& hub_;
  int64_t job_id_;
  int64_t cursor_;
  bool done_ = false;
  std::string final_state_;
};

}  // namespace drover::server
