// The notifier: turns job changes into notification deliveries and sends
// them, on its own thread, so that sending never blocks a job or an HTTP
// worker.
//
// * queue_new(): every job of a template (every workflow job of a workflow,
//   and each of its approval nodes that waits) with an enabled notification that
//   started, succeeded or failed (failed or error) since the last look gets a
//   pending delivery per notification that wants the event; the delivery's
//   UNIQUE (notification, job, event) makes this idempotent, so several
//   nodes (or a restart) queue each at most once. Only jobs that changed
//   after the notification was created are told about.
// * send_due(): claims due pending deliveries (state sending, in one
//   transaction, so one node sends each), sends them (notification_sender),
//   and records sent, or pending again after a backoff of 5 s, 20 s, 80 s,
//   320 s, or failed after kMaxAttempts. A delivery left `sending` by a
//   server that died is taken up again after kStaleClaim.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "server/automation/clock.hpp"
#include "server/context.hpp"

namespace drover::server {

class Notifier {
 public:
  static constexpr int kMaxAttempts = 5;
  static constexpr std::chrono::seconds kStaleClaim{300};

  Notifier(ServerContext& ctx, const Clock& clock);
  ~Notifier();  // stop()
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  int queue_new();
  int send_due(size_t batch = 20);

  void start();  // a thread: queue_new() and send_due() every second
  void stop();

 private:
  bool send_one(int64_t delivery_id);

  ServerContext& ctx_;
  const Clock& clock_;
  std::string since_;  // stored time: jobs that changed from here on are looked at
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace drover::server
