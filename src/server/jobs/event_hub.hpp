// The live side of job events: what running jobs have just stored, kept in
// memory for subscribers (SSE streams, long polls) so that following a job
// costs no database query per event.
//
// Contract: publish() is called only with events already committed to the
// database, in seq order, without gaps. So a subscriber that asks for
// events after N gets them from memory while N is within the recent window,
// and is told to read the database (`behind`) otherwise; it can never
// miss an event or see one twice by following its own cursor (JobEventFollower
// in job_event_follower.hpp does exactly that). close() comes after the
// job's final state is committed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "store/job_store.hpp"

namespace drover::server {

using SharedEvent = std::shared_ptr<const store::JobEventRow>;

class EventHub {
 public:
  // Keeps at most `window` recent events per job in memory.
  explicit EventHub(size_t window = 100000) : window_(window) {}

  // A job starts running in this process.
  void open(int64_t job_id);
  // Events just committed (seq increasing, following the last published).
  void publish(int64_t job_id, const std::vector<store::JobEventRow>& batch);
  // The job's final state is committed; no more events.
  void close(int64_t job_id);

  enum class Status {
    events,   // `events` holds the next events after the cursor
    idle,     // open, nothing newer yet: wait()
    behind,   // the cursor is older than the window: read the database
    closed,   // closed and nothing newer: the stream is over
    unknown,  // not running here (pending, finished long ago, elsewhere)
  };
  struct Read {
    Status status = Status::unknown;
    std::vector<SharedEvent> events;
  };
  Read read(int64_t job_id, int64_t after, size_t max) const;

  // Returns when the job has an event newer than `after`, closes, opens, or
  // `timeout` passes.
  void wait(int64_t job_id, int64_t after, std::chrono::milliseconds timeout) const;

  // The same condition without a waiting thread: calls `wake` once (at
  // once, on this thread, when it already holds; else on the thread that
  // opens, publishes to or closes the job). For asynchronous streams.
  void notify_when(int64_t job_id, int64_t after, std::function<void()> wake) const;

  // Jobs closed longer ago than this are forgotten by later open()/close().
  static constexpr std::chrono::seconds kKeepClosed{30};

 private:
  struct Job {
    std::deque<SharedEvent> recent;
    int64_t last_seq = 0;
    bool closed = false;
    std::chrono::steady_clock::time_point closed_at;
  };
  struct Waiter {
    int64_t after;
    std::function<void()> wake;
  };
  void forget_old_locked();
  // Takes the waiters of `job_id` that should wake now (all when `all`).
  std::vector<std::function<void()>> take_waiters_locked(int64_t job_id, bool all);
  static void run(std::vector<std::function<void()>>& wakes);

  size_t window_;
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  std::map<int64_t, Job> jobs_;
  mutable std::map<int64_t, std::vector<Waiter>> waiters_;
};

}  // namespace drover::server
