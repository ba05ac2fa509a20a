#include "store/job_store.hpp"

namespace drover::store {
namespace {

const char* kJobColumns =
    "id, kind, template_id, state, spec, created_by, created, started, finished, exit_code, recap, error, "
    "claimed_by, cancel_requested, (SELECT COALESCE(MAX(seq), 0) FROM job_events e WHERE e.job_id = jobs.id)";

JobRecord read_job(Statement& s) {
  JobRecord r;
  r.id = s.integer(0);
  r.kind = s.text(1);
  r.template_id = s.optional_integer(2);
  r.state = s.text(3);
  r.spec = s.text(4);
  r.created_by = s.optional_integer(5);
  r.created = s.text(6);
  r.started = s.optional_text(7);
  r.finished = s.optional_text(8);
  r.exit_code = s.optional_integer(9);
  r.recap = s.text(10);
  r.error = s.text(11);
  r.claimed_by = s.optional_text(12);
  r.cancel_requested = s.integer(13) != 0;
  r.last_seq = s.integer(14);
  return r;
}

std::optional<JobRecord> get_in(Connection& c, int64_t id) {
  auto s = c.prepare(std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_job(s);
}

void insert_events(Connection& c, int64_t job_id, const std::vector<JobEventRow>& batch) {
  if (batch.empty()) return;
  auto s =
      c.prepare("INSERT INTO job_events (job_id, seq, time, host, task, event, data) VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (const auto& e : batch) {
    s.reset();
    s.bind(1, job_id).bind(2, e.seq).bind(3, e.time);
    if (e.host.empty()) s.bind_null(4); else s.bind(4, e.host);
    if (e.task.empty()) s.bind_null(5); else s.bind(5, e.task);
    s.bind(6, e.event).bind(7, e.data).run();
  }
}

const char* kStates[] = {"pending", "running", "successful", "failed", "canceled", "error"};

}  // namespace

int64_t JobStore::submit(const std::string& kind, std::optional<int64_t> template_id, const std::string& spec_json,
                         std::optional<int64_t> created_by, const AlsoInTransaction& also) {
  return db_.write([&](Connection& c) {
    c.prepare("INSERT INTO jobs (kind, template_id, state, spec, created_by, created) VALUES (?, ?, 'pending', ?, ?, ?)")
        .bind(1, kind)
        .bind(2, template_id)
        .bind(3, spec_json)
        .bind(4, created_by)
        .bind(5, now_timestamp())
        .run();
    int64_t id = c.last_insert_id();
    if (also) also(c, id);
    return id;
  });
}

std::optional<JobRecord> JobStore::claim_next(const std::string& worker) {
  return db_.write([&](Connection& c) -> std::optional<JobRecord> {
    auto pick = c.prepare("SELECT id FROM jobs WHERE state = 'pending' ORDER BY id LIMIT 1");
    if (!pick.step()) return std::nullopt;
    int64_t id = pick.integer(0);
    pick.reset();
    c.prepare("UPDATE jobs SET state = 'running', claimed_by = ?, started = ? WHERE id = ? AND state = 'pending'")
        .bind(1, worker)
        .bind(2, now_timestamp())
        .bind(3, id)
        .run();
    if (c.changes() != 1) return std::nullopt;
    return get_in(c, id);
  });
}

void JobStore::append_events(int64_t job_id, const std::vector<JobEventRow>& batch) {
  if (batch.empty()) return;
  db_.write([&](Connection& c) { insert_events(c, job_id, batch); });
}

void JobStore::finish(int64_t job_id, const std::vector<JobEventRow>& batch, const std::string& state,
                      std::optional<int64_t> exit_code, const std::string& recap_json, const std::string& error) {
  for (int attempt = 1;; ++attempt) {
    try {
      finish_once(job_id, batch, state, exit_code, recap_json, error);
      return;
    } catch (const BusyError&) {
      if (attempt >= 4) throw;
    }
  }
}

void JobStore::finish_once(int64_t job_id, const std::vector<JobEventRow>& batch, const std::string& state,
                           std::optional<int64_t> exit_code, const std::string& recap_json,
                           const std::string& error) {
  db_.write([&](Connection& c) {
    insert_events(c, job_id, batch);
    c.prepare(
         "UPDATE jobs SET state = ?, exit_code = ?, recap = ?, error = ?, finished = ? "
         "WHERE id = ? AND state IN ('pending', 'running')")
        .bind(1, state)
        .bind(2, exit_code)
        .bind(3, recap_json)
        .bind(4, error)
        .bind(5, now_timestamp())
        .bind(6, job_id)
        .run();
  });
}

std::optional<JobRecord> JobStore::request_cancel(int64_t job_id, const AlsoInTransaction& also) {
  return db_.write([&](Connection& c) -> std::optional<JobRecord> {
    auto job = get_in(c, job_id);
    if (!job) return std::nullopt;
    if (job->state == "pending") {
      c.prepare(
           "UPDATE jobs SET state = 'canceled', cancel_requested = 1, finished = ?, error = ? "
           "WHERE id = ? AND state = 'pending'")
          .bind(1, now_timestamp())
          .bind(2, "canceled before it started")
          .bind(3, job_id)
          .run();
    } else if (job->state == "running") {
      c.prepare("UPDATE jobs SET cancel_requested = 1 WHERE id = ?").bind(1, job_id).run();
    }
    if (also && !job->cancel_requested && (job->state == "pending" || job->state == "running")) also(c, job_id);
    return get_in(c, job_id);
  });
}

std::vector<int64_t> JobStore::mark_interrupted(const std::string& why) {
  return db_.write([&](Connection& c) {
    std::vector<int64_t> ids;
    auto s = c.prepare("SELECT id FROM jobs WHERE state = 'running' ORDER BY id");
    while (s.step()) ids.push_back(s.integer(0));
    s.reset();
    for (int64_t id : ids)
      c.prepare("UPDATE jobs SET state = 'error', error = ?, finished = ? WHERE id = ?")
          .bind(1, why)
          .bind(2, now_timestamp())
          .bind(3, id)
          .run();
    return ids;
  });
}

JobStore::RemoveResult JobStore::remove(int64_t job_id, const AlsoInTransaction& also) {
  return db_.write([&](Connection& c) {
    auto s = c.prepare("SELECT state FROM jobs WHERE id = ?");
    s.bind(1, job_id);
    if (!s.step()) return RemoveResult::not_found;
    std::string state = s.text(0);
    s.reset();
    if (state == "pending" || state == "running") return RemoveResult::not_finished;
    c.prepare("DELETE FROM job_events WHERE job_id = ?").bind(1, job_id).run();
    c.prepare("DELETE FROM jobs WHERE id = ?").bind(1, job_id).run();
    if (also) also(c, job_id);
    return RemoveResult::removed;
  });
}

int64_t JobStore::remove_finished_before(const std::string& cutoff, int64_t limit) {
  return db_.write([&](Connection& c) {
    std::vector<int64_t> ids;
    auto s = c.prepare(
        "SELECT id FROM jobs WHERE finished IS NOT NULL AND finished < ? "
        "AND state NOT IN ('pending', 'running') ORDER BY finished LIMIT ?");
    s.bind(1, cutoff).bind(2, limit);
    while (s.step()) ids.push_back(s.integer(0));
    s.reset();
    for (int64_t id : ids) {
      c.prepare("DELETE FROM job_events WHERE job_id = ?").bind(1, id).run();
      c.prepare("DELETE FROM jobs WHERE id = ?").bind(1, id).run();
    }
    return static_cast<int64_t>(ids.size());
  });
}

std::optional<JobRecord> JobStore::get(int64_t job_id) {
  return db_.read([&](Connection& c) { return get_in(c, job_id); });
}

JobPage JobStore::list(const JobFilter& f) {
  std::string where = " WHERE 1 = 1";
  if (f.state) where += " AND state = ?";
  if (f.kind) where += " AND kind = ?";
  if (f.template_id) where += " AND template_id = ?";
  if (f.created_by) where += " AND created_by = ?";
  if (f.created_after) where += " AND created >= ?";
  if (f.created_before) where += " AND created < ?";
  auto bind_filter = [&](Statement& s) {
    int i = 1;
    if (f.state) s.bind(i++, *f.state);
    if (f.kind) s.bind(i++, *f.kind);
    if (f.template_id) s.bind(i++, *f.template_id);
    if (f.created_by) s.bind(i++, *f.created_by);
    if (f.created_after) s.bind(i++, *f.created_after);
    if (f.created_before) s.bind(i++, *f.created_before);
    return i;
  };
  return db_.read([&](Connection& c) {
    JobPage page;
    auto count = c.prepare("SELECT COUNT(*) FROM jobs" + where);
    bind_filter(count);
    count.step();
    page.total = count.integer(0);
    count.reset();
    auto s = c.prepare(std::string("SELECT ") + kJobColumns + " FROM jobs" + where +
                             " ORDER BY id DESC LIMIT ? OFFSET ?");
    int i = bind_filter(s);
    s.bind(i, f.limit).bind(i + 1, f.offset);
    while (s.step()) page.items.push_back(read_job(s));
    return page;
  });
}

std::vector<JobEventRow> JobStore::events_after(int64_t job_id, int64_t after, int64_t limit) {
  return db_.read([&](Connection& c) {
    std::vector<JobEventRow> out;
    auto s = c.prepare(
        "SELECT seq, time, host, task, event, data FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?");
    s.bind(1, job_id).bind(2, after).bind(3, limit);
    while (s.step()) out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5)});
    return out;
  });
}

std::map<std::string, int64_t> JobStore::count_by_state() {
  return db_.read([&](Connection& c) {
    std::map<std::string, int64_t> out;
    for (const char* st : kStates) out[st] = 0;
    auto s = c.prepare("SELECT state, COUNT(*) FROM jobs GROUP BY state");
    while (s.step()) out[s.text(0)] = s.integer(1);
    return out;
  });
}

}  // namespace drover::store
