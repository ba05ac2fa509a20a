#include "server/jobs/event_hub.hpp"

#include <algorithm>

namespace drover::server {

void EventHub::forget_old_locked() {
  auto now = std::chrono::steady_clock::now();
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (it->second.closed && now - it->second.closed_at > kKeepClosed)
      it = jobs_.erase(it);
    else
      ++it;
  }
}

void EventHub::open(int64_t job_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    forget_old_locked();
    jobs_[job_id] = Job{};
  }
  changed_.notify_all();
}

void EventHub::publish(int64_t job_id, const std::vector<store::JobEventRow>& batch) {
  if (batch.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Job& job = jobs_[job_id];
    for (const auto& e : batch) job.recent.push_back(std::make_shared<const store::JobEventRow>(e));
    job.last_seq = batch.back().seq;
    while (job.recent.size() > window_) job.recent.pop_front();
  }
  changed_.notify_all();
}

void EventHub::close(int64_t job_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    forget_old_locked();
    Job& job = jobs_[job_id];
    job.closed = true;
    job.closed_at = std::chrono::steady_clock::now();
  }
  changed_.notify_all();
}

EventHub::Read EventHub::read(int64_t job_id, int64_t after, size_t max) const {
  std::lock_guard<std::mutex> lock(mu_);
  Read out;
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return out;
  const Job& job = it->second;
  if (after >= job.last_seq) {
    out.status = job.closed ? Status::closed : Status::idle;
    return out;
  }
  // The window holds seqs (first .. last_seq) without gaps.
  int64_t first = job.recent.empty() ? job.last_seq + 1 : job.recent.front()->seq;
  if (after + 1 < first) {
    out.status = Status::behind;
    return out;
  }
  size_t start = static_cast<size_t>(after + 1 - first);
  size_t n = std::min(max, job.recent.size() - start);
  out.events.assign(job.recent.begin() + static_cast<std::ptrdiff_t>(start),
                    job.recent.begin() + static_cast<std::ptrdiff_t>(start + n));
  out.status = Status::events;
  return out;
}

void EventHub::wait(int64_t job_id, int64_t after, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  bool was_known = jobs_.count(job_id) > 0;
  changed_.wait_for(lock, timeout, [&] {
    auto it = jobs_.find(job_id);
    if (it == jobs_.end()) return false;
    if (!was_known) return true;
    return it->second.closed || it->second.last_seq > after;
  });
}

}  // namespace drover::server
