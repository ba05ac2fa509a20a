#include "server/http/worker_pool.hpp"

namespace drover::server {

WorkerPool::WorkerPool(int threads, size_t max_queue) : max_queue_(max_queue) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { loop(false); });
  threads_.emplace_back([this] { loop(true); });
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::try_post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || tasks_.size() >= max_queue_) return false;
    tasks_.push_back(std::move(task));
  }
  ready_.notify_one();
  return true;
}

void WorkerPool::post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    tasks_.push_back(std::move(task));
  }
  ready_.notify_one();
}

void WorkerPool::post_urgent(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    urgent_.push_back(std::move(task));
  }
  urgent_ready_.notify_one();
  ready_.notify_one();
}

void WorkerPool::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  ready_.notify_all();
  urgent_ready_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  std::lock_guard<std::mutex> lock(mu_);
  tasks_.clear();
  urgent_.clear();
}

void WorkerPool::loop(bool urgent_only) {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (urgent_only)
        urgent_ready_.wait(lock, [this] { return stopping_ || !urgent_.empty(); });
      else
        ready_.wait(lock, [this] { return stopping_ || !tasks_.empty() || !urgent_.empty(); });
      if (stopping_) return;
      auto& from = urgent_.empty() ? tasks_ : urgent_;
      task = std::move(from.front());
      from.pop_front();
    }
    task();
  }
}

}  // namespace drover::server
