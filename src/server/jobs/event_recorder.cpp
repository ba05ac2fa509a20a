#include "server/jobs/event_recorder.hpp"

#include <cstdio>

namespace drover::server {
namespace {

store::JobEventRow make_row(const Value& ev, std::string line) {
  store::JobEventRow row;
  row.seq = ev.value("seq", int64_t{0});
  row.time = ev.value("time", std::string());
  row.event = ev.value("event", std::string());
  if (auto h = ev.find("host"); h != ev.end() && h->is_string()) row.host = h->get<std::string>();
  if (auto t = ev.find("task_id"); t != ev.end() && t->is_number_integer())
    row.task = std::to_string(t->get<int64_t>());
  else if (auto task = ev.find("task"); task != ev.end() && task->is_object() && task->contains("id"))
    row.task = std::to_string((*task)["id"].get<int64_t>());
  row.data = std::move(line);
  return row;
}

}  // namespace

EventRecorder::EventRecorder(store::JobStore& jobs, EventHub& hub, int64_t job_id)
    : jobs_(jobs), hub_(hub), job_id_(job_id) {
  hub_.open(job_id_);
  writer_ = std::thread([this] { writer_loop(); });
}

EventRecorder::~EventRecorder() {
  if (!finished_) {
    JobOutcome lost;
    lost.error = "the job's runner stopped without a result";
    try {
      finish(lost);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "drover server: job %lld: %s\n", static_cast<long long>(job_id_), e.what());
    }
  }
  if (writer_.joinable()) writer_.join();
}

void EventRecorder::add(const Value& event, std::string line) {
  std::lock_guard<std::mutex> lock(mu_);
  pending_.push_back(make_row(event, std::move(line)));
  if (pending_.size() == kBatchSize) wake_.notify_one();
}

std::vector<store::JobEventRow> EventRecorder::take_locked() {
  std::vector<store::JobEventRow> batch;
  batch.swap(pending_);
  return batch;
}

void EventRecorder::writer_loop() {
  std::unique_lock<std::mutex> lock(mu_);
  std::vector<store::JobEventRow> failed;  // a batch whose commit failed, retried first
  while (!stopping_) {
    wake_.wait_for(lock, kFlushInterval, [&] { return stopping_ || pending_.size() >= kBatchSize; });
    if (stopping_) break;
    if (pending_.empty() && failed.empty()) continue;
    std::vector<store::JobEventRow> batch = take_locked();
    lock.unlock();
    if (!failed.empty()) {
      failed.insert(failed.end(), std::make_move_iterator(batch.begin()), std::make_move_iterator(batch.end()));
      batch.swap(failed);
      failed.clear();
    }
    try {
      jobs_.append_events(job_id_, batch);
      hub_.publish(job_id_, batch);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "drover server: job %lld: storing events failed, will retry: %s\n",
                   static_cast<long long>(job_id_), e.what());
      failed = std::move(batch);
    }
    lock.lock();
  }
  // Hand a failed batch back so that finish() commits it first.
  if (!failed.empty()) {
    failed.insert(failed.end(), std::make_move_iterator(pending_.begin()), std::make_move_iterator(pending_.end()));
    pending_.swap(failed);
  }
}

void EventRecorder::finish(const JobOutcome& outcome) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    finished_ = true;
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
  std::vector<store::JobEventRow> rest;
  {
    std::lock_guard<std::mutex> lock(mu_);
    rest = take_locked();
  }
  try {
    jobs_.finish(job_id_, rest, job_state_name(outcome.state), outcome.rc, outcome.recap.dump(), outcome.error);
  } catch (...) {
    hub_.close(job_id_);  // followers fall back to the database
    throw;
  }
  hub_.publish(job_id_, rest);
  hub_.close(job_id_);
}

}  // namespace drover::server
