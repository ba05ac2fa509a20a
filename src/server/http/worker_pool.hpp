// A fixed set of threads running tasks in order of arrival: the route
// handlers (blocking: SQLite, argon2) run here, never on the I/O threads.
//
// try_post() refuses a task when `max_queue` tasks already wait (the server
// answers 503 then, instead of queueing without bound); post() always
// queues (continuations of work already admitted, such as a stream's next
// piece). post_urgent() queues ahead of everything else (health probes:
// answered under load instead of failing a liveness check), and one more
// thread runs only those: idle, it is scheduled at once, where the busy
// workers would wait for a core. stop() runs
// nothing new and joins the threads; queued tasks are dropped.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace drover::server {

class WorkerPool {
 public:
  WorkerPool(int threads, size_t max_queue);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  bool try_post(std::function<void()> task);
  void post(std::function<void()> task);
  void post_urgent(std::function<void()> task);
  void stop();

 private:
  void loop(bool urgent_only);

  size_t max_queue_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::condition_variable urgent_ready_;
  std::deque<std::function<void()>> tasks_;
  std::deque<std::function<void()>> urgent_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace drover::server
