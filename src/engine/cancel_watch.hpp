// Fires a connection pool's interrupt as soon as a run's cancel flag is set,
// so that commands blocked on their hosts end at once instead of at their
// next check of the flag. Used by `drover play` and `drover run`.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "transport/pool.hpp"

namespace drover {

class CancelWatch {
 public:
  CancelWatch(const std::shared_ptr<std::atomic<bool>>& cancel, ConnectionPool& pool) {
    if (!cancel) return;
    thread_ = std::thread([this, flag = cancel, &pool] {
      std::unique_lock<std::mutex> lock(mu_);
      while (!done_) {
        if (flag->load()) {
          pool.interrupt();
          return;
        }
        cv_.wait_for(lock, std::chrono::milliseconds(50));
      }
    });
  }
  ~CancelWatch() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  CancelWatch(const CancelWatch&) = delete;
  CancelWatch& operator=(const CancelWatch&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace drover
