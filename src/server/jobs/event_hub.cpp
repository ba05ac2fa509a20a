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

std::vector<std::function<void()>> EventHub::take_waiters_locked(int64_t job_id, bool all) {
  std::vector<std::function<void()>> out;
  auto it = waiters_.find(job_id);
  if (it == waiters_.end()) return out;
  auto job = jobs_.find(job_id);
  int64_t last = job == jobs_.end() ? 0 : job->second.last_seq;
  bool closed = job != jobs_.end() && job->second.closed;
  auto& list = it->second;
  for (size_t i = 0; i < list.size();) {
    if (all || closed || last > list[i].after) {
      out.push_back(std::move(list[i].wake));
      list[i] = std::move(list.back());
      list.pop_back();
    } else {
      ++i;
    }
  }
  if (list.empty()) waiters_.erase(it);
  return out;
}

void EventHub::run(std::vector<std::function<void()>>& wakes) {
  for (auto& w : wakes) w();
}

void EventHub::open(int64_t job_id) {
  std::vector<std::function<void()>> wakes;
  {
    std::lock_guard<std::mutex> lock(mu_);
    forget_old_locked();
    jobs_[job_id] = Job{};
    wakes = take_waiters_locked(job_id, true);
  }
  changed_.notify_all();
  run(wakes);
}

void EventHub::publish(int64_t job_id, const std::vector<store::JobEventRow>& batch) {
  if (batch.empty()) return;
  std::vector<std::function<void()>> wakes;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Job& job = jobs_[job_id];
    for (const auto& e : batch) job.recent.push_back(std::make_shared<const store::JobEventRow>(e));
    job.last_seq = batch.back().seq;
    while (job.recent.size() > window_) job.recent.pop_front();
    wakes = take_waiters_locked(job_id, false);
  }
  changed_.notify_all();
  run(wakes);
}

void EventHub::close(int64_t job_id) {
  std::vector<std::function<void()>> wakes;
  {
    std::lock_guard<std::mutex> lock(mu_);
    forget_old_locked();
    Job& job = jobs_[job_id];
    job.closed = true;
    job.closed_at = std::chrono::steady_clock::now();
    wakes = take_waiters_locked(job_id, true);
  }
  changed_.notify_all();
  run(wakes);
}

void EventHub::notify_when(int64_t job_id, int64_t after, std::function<void()> wake) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = jobs_.find(job_id);
    bool now = it != jobs_.end() && (it->second.closed || it->second.last_seq > after);
    if (!now) {
      waiters_[job_id].push_back({after, std::move(wake)});
      return;
    }
  }
  wake();
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
