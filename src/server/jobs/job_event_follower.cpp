#include "server/jobs/job_event_follower.hpp"

namespace drover::server {
namespace {

bool is_final_state(const std::string& s) { return s != "pending" && s != "running"; }

}  // namespace

std::vector<SharedEvent> JobEventFollower::from_database(size_t max) {
  std::vector<SharedEvent> out;
  for (auto& row : jobs_.events_after(job_id_, cursor_, static_cast<int64_t>(max)))
    out.push_back(std::make_shared<const store::JobEventRow>(std::move(row)));
  if (!out.empty()) cursor_ = out.back()->seq;
  return out;
}

std::optional<std::vector<SharedEvent>> JobEventFollower::next_live(size_t max) {
  if (done_) return std::vector<SharedEvent>{};
  EventHub::Read r = hub_.read(job_id_, cursor_, max);
  if (r.status == EventHub::Status::events) {
    cursor_ = r.events.back()->seq;
    return std::move(r.events);
  }
  if (r.status == EventHub::Status::idle) return std::vector<SharedEvent>{};
  return std::nullopt;
}

std::vector<SharedEvent> JobEventFollower::next(size_t max, std::chrono::milliseconds wait) {
  if (done_) return {};
  bool waited = false;
  for (;;) {
    EventHub::Read r = hub_.read(job_id_, cursor_, max);
    switch (r.status) {
      case EventHub::Status::events:
        cursor_ = r.events.back()->seq;
        return std::move(r.events);
      case EventHub::Status::behind: {
        auto rows = from_database(max);
        if (!rows.empty()) return rows;
        break;
      }
      case EventHub::Status::closed:
      case EventHub::Status::unknown: {
        // Not live here: the database has everything there is. A final
        // state is committed with the last events, so reading the state
        // first and then finding no newer event means the end.
        auto job = jobs_.get(job_id_);
        if (!job) {
          done_ = true;
          return {};
        }
        auto rows = from_database(max);
        if (!rows.empty()) return rows;
        if (is_final_state(job->state)) {
          done_ = true;
          final_state_ = job->state;
          return {};
        }
        break;
      }
      case EventHub::Status::idle:
        break;
    }
    if (waited) return {};
    hub_.wait(job_id_, cursor_, wait);
    waited = true;
  }
}

}  // namespace drover::server
