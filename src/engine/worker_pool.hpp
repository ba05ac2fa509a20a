// The executor's threads: runs a job for each of N items on at most `forks`
// threads (Ansible's --forks), and returns when all are done. Items are
// taken in order; a job that throws does not stop the others (the exception
// is the job's to handle: jobs should not throw).
#pragma once

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

namespace drover {

inline void run_parallel(size_t count, int forks, const std::function<void(size_t)>& job) {
  if (count == 0) return;
  size_t threads = std::min<size_t>(count, static_cast<size_t>(forks < 1 ? 1 : forks));
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < count; i = next++) {
      try {
        job(i);
      } catch (...) {
      }
    }
  };
  if (threads == 1) {
    worker();
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (size_t t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
}

}  // namespace drover
