// Writes a running job's events to the database in batches and hands each
// committed batch to the EventHub for live subscribers.
//
// The engine's threads call add() (through a JsonLinesCallback sink, so in
// seq order); a writer thread commits what has gathered every
// kFlushInterval or as soon as kBatchSize events wait, one transaction per
// batch: a 50,000-event job is a few hundred transactions and the engine
// never waits for the disk. finish() stops the writer and commits the last
// events together with the job's final state, then closes the job in the
// hub. A batch that fails to commit (disk full, a locked database) is kept
// and retried with the next one; nothing is dropped while the process lives.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/value.hpp"
#include "server/jobs/event_hub.hpp"
#include "server/jobs/job_execution.hpp"
#include "store/job_store.hpp"

namespace drover::server {

class EventRecorder {
 public:
  static constexpr std::chrono::milliseconds kFlushInterval{50};
  static constexpr size_t kBatchSize = 500;

  EventRecorder(store::JobStore& jobs, EventHub& hub, int64_t job_id);
  ~EventRecorder();  // finishes as `error` if finish() was not called
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // One event from JsonLinesCallback: the object and its JSON line.
  void add(const Value& event, std::string line);
  // Commits the remaining events and the final state; closes the job in
  // the hub. Call once.
  void finish(const JobOutcome& outcome);

 private:
  void writer_loop();
  std::vector<store::JobEventRow> take_locked();

  store::JobStore& jobs_;
  EventHub& hub_;
  int64_t job_id_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<store::JobEventRow> pending_;
  bool stopping_ = false;
  bool finished_ = false;
  std::thread writer_;
};

}  // namespace drover::server
