// The job queue and job event log in the database (tables jobs and
// job_events): submitting, claiming, finishing and reading jobs, appending
// and reading their numbered events.
//
// Promises:
// * claim_next() is atomic: of several workers (threads or processes)
//   asking at once, each pending job goes to exactly one. It runs in one
//   write transaction (SQLite's writer lock makes select-then-update
//   atomic; a PostgreSQL backend will use FOR UPDATE SKIP LOCKED).
// * append_events() writes a whole batch in one transaction, so that a job
//   of 50,000 events costs a few hundred transactions, not 50,000; a batch
//   is either all there or not at all after a crash.
// * finish() writes the last batch and the final state in one transaction:
//   a reader that sees a final state sees every event of the job.
// * remove() and remove_finished_before() delete a job's events with it.
// * mark_interrupted() turns jobs left `running` by a dead server into
//   `error` and keeps their events.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite.hpp"

namespace drover::store {

struct JobRecord {
  int64_t id = 0;
  std::string kind;              // playbook | adhoc
  std::optional<int64_t> template_id;
  std::string state;             // pending running successful failed canceled error
  std::string spec;              // JSON text
  std::optional<int64_t> created_by;
  std::string created;
  std::optional<std::string> started, finished;
  std::optional<int64_t> exit_code;
  std::string recap;             // JSON text, "" until finished
  std::string error;             // why it ended in `error` (or was canceled early)
  std::optional<std::string> claimed_by;
  bool cancel_requested = false;
  int64_t last_seq = 0;          // the number of its last stored event
};

struct JobEventRow {
  int64_t seq = 0;
  std::string time;
  std::string host;   // "" when not a host event
  std::string task;   // the task id ("" when none)
  std::string event;  // playbook_start, runner_result, ...
  std::string data;   // the whole JSON line
};

struct JobFilter {
  std::optional<std::string> state;
  std::optional<std::string> kind;
  std::optional<int64_t> template_id;
  std::optional<int64_t> created_by;
  std::optional<std::string> created_after;   // stored form (normalize_timestamp), inclusive
  std::optional<std::string> created_before;  // exclusive
  int64_t limit = 50;
  int64_t offset = 0;
};

struct JobPage {
  std::vector<JobRecord> items;  // newest first
  int64_t total = 0;             // matching the filter, without limit/offset
};

// Runs inside a job change's write transaction (an audit entry, so that
// the change and its entry commit together); gets the job id.
using AlsoInTransaction = std::function<void(Connection&, int64_t job_id)>;

class JobStore {
 public:
  explicit JobStore(Database& db) : db_(db) {}

  // A new pending job; returns its id.
  int64_t submit(const std::string& kind, std::optional<int64_t> template_id, const std::string& spec_json,
                 std::optional<int64_t> created_by, const AlsoInTransaction& also = {});
  // The oldest pending job, now `running` and claimed by `worker`.
  std::optional<JobRecord> claim_next(const std::string& worker);
  void append_events(int64_t job_id, const std::vector<JobEventRow>& batch);
  // Writes `batch` and sets the final state (no-op on a job already final).
  // A database that stays locked is retried (a few write budgets, about a
  // minute) before BusyError: a job must not stay `running` for a
  // transient lock.
  void finish(int64_t job_id, const std::vector<JobEventRow>& batch, const std::string& state,
              std::optional<int64_t> exit_code, const std::string& recap_json, const std::string& error);

  // Cancels a pending job at once (-> canceled) or flags a running one
  // (cancel_requested; its worker stops it). Returns the job after the
  // change; nullopt when there is no such job.
  std::optional<JobRecord> request_cancel(int64_t job_id, const AlsoInTransaction& also = {});

  // Jobs left running by a dead server -> error ("interrupted"); returns
  // their ids.
  std::vector<int64_t> mark_interrupted(const std::string& why);

  enum class RemoveResult { removed, not_found, not_finished };
  // Deletes a finished job with its events (refused while pending/running).
  RemoveResult remove(int64_t job_id, const AlsoInTransaction& also = {});
  // Deletes up to `limit` finished jobs (with their events) that finished
  // before `cutoff` (stored form); returns how many. Short transactions:
  // call again while it returns `limit`.
  int64_t remove_finished_before(const std::string& cutoff, int64_t limit = 100);

  std::optional<JobRecord> get(int64_t job_id);
  JobPage list(const JobFilter& filter);
  // Up to `limit` events with seq > after, in seq order.
  std::vector<JobEventRow> events_after(int64_t job_id, int64_t after, int64_t limit);
  // state -> number of jobs (every state present, zeros included).
  std::map<std::string, int64_t> count_by_state();

 private:
  void finish_once(int64_t job_id, const std::vector<JobEventRow>& batch, const std::string& state,
                   std::optional<int64_t> exit_code, const std::string& recap_json, const std::string& error);
  Database& db_;
};

}  // namespace drover::store
