// The workflow runner: starts workflow jobs and moves them on, from the
// states kept in the database (tables workflow_jobs and workflow_nodes),
// on its own thread, every second.
//
// Promises:
// * Each node's job is an ordinary job, queued through the one launch path
//   (jobs/job_launch.hpp) as the workflow job's creator, in the transaction
//   that moves the node from the state it was read in (a conditional
//   UPDATE): two servers on one database, or a restart, never start a node
//   twice. Nothing lives only in memory: a runner that starts after a
//   crash carries every running workflow job on from its rows. A node job
//   the crash interrupted ends `error` (job_store's mark_interrupted), so
//   its node fails and its on_failure edges run: resumed, or failed
//   cleanly, never lost.
// * A template node's job gets, as extra vars, the workflow job's extra
//   vars over the set_stats data (`_run` custom stats, AWX's artifacts) of
//   the nodes before it over the node's own extra vars; its launch form
//   checks what it declares and fills its defaults.
// * An approval node waits for decide() by a user of its role (operator or
//   admin), or fails when its timeout passes on the Clock (tests move a
//   ManualClock). Deciding and timing out are audited.
// * A rolling node (workflow_graph.hpp) runs batch after batch, each with
//   its health check, until its circuit breaker trips.
// * A workflow job ends `failed` when any node failed (a rollback branch
//   that ran does not make a failed deploy a success), else `successful`;
//   cancel() cancels its running jobs and ends it `canceled`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "server/automation/clock.hpp"
#include "server/context.hpp"
#include "server/roles.hpp"
#include "store/job_store.hpp"

namespace drover::server {

// A workflow job to start: as `who` (each template node must be one `who`
// may launch), from `address` (the client's, or "scheduler", "webhook"),
// audited as `action` with `audit_details`.
struct WorkflowLaunch {
  int64_t workflow_id = 0;
  Value extra_vars = Value::object();  // over the workflow's, for every node
  Principal who;
  std::string address;
  std::string action = "launch";
  Value audit_details = Value::object();
};

// Writes a new workflow job (running, every node pending) and its audit
// entry, and `also` (e.g. a schedule's slot, a webhook's delivery) in the
// same transaction; a runner moves it on (its thread within a second).
// Throws ApiError: 404 no workflow, 400 a bad graph or extra_vars, 403 a
// template `who` may not launch. Returns the workflow job's id.
int64_t queue_workflow_job(ServerContext& ctx, const WorkflowLaunch& launch, SysSeconds now,
                           const std::function<void(store::Connection&, int64_t workflow_job_id)>& also = {});

// Only the checks of queue_workflow_job(): 404, 400, 403.
void check_workflow_launch(ServerContext& ctx, int64_t workflow_id, const Principal& who);

class WorkflowRunner {
 public:
  WorkflowRunner(ServerContext& ctx, const Clock& clock);
  ~WorkflowRunner();  // stop()
  WorkflowRunner(const WorkflowRunner&) = delete;
  WorkflowRunner& operator=(const WorkflowRunner&) = delete;

  // Starts workflow `workflow_id` as `who` (checked now: every template
  // node must be one `who` may launch); returns the workflow job's id.
  // Throws ApiError (404 no workflow, 403, 400).
  int64_t launch(int64_t workflow_id, const Value& extra_vars, const Principal& who, const std::string& address);

  // Moves every running workflow job on once; returns how many nodes
  // changed state.
  int advance_all();
  int advance(int64_t workflow_job_id);

  // Approves or denies a node waiting for approval. Throws ApiError: 404
  // (no such workflow job or node), 409 (not waiting), 403 (role).
  void decide(int64_t workflow_job_id, const std::string& node, bool approve, const Principal& who,
              const std::string& address, const std::string& comment);

  // Cancels a running workflow job: 404, 409 when it has ended.
  void cancel(int64_t workflow_job_id, const Principal& who, const std::string& address);

  // Called after this runner queued a job (the API wakes its job workers).
  void on_job_queued(std::function<void()> f) { job_queued_ = std::move(f); }

  void start();  // a thread: advance_all() every second
  void stop();

 private:
  ServerContext& ctx_;
  const Clock& clock_;
  store::JobStore jobs_;
  std::function<void()> job_queued_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace drover::server
