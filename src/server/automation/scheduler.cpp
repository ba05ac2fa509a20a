#include "server/automation/scheduler.hpp"

#include "server/automation/launch_owner.hpp"
#include "server/automation/schedule.hpp"
#include "server/automation/workflow_runner.hpp"
#include "server/jobs/job_launch.hpp"
#include "server/log.hpp"
#include "store/audit.hpp"

namespace drover::server {
namespace {

// Another scheduler (a node, or this one before a restart) handled the slot.
struct SlotTaken {};

struct DueSchedule {
  int64_t id = 0;
  std::string target_kind;
  std::optional<int64_t> template_id, workflow_id, owner_id;
  std::string cron, zone, missed_runs, slot_text;
  std::optional<SysSeconds> run_at, slot;
  Value overrides;
};

std::optional<DueSchedule> read_due(store::Connection& c, int64_t id) {
  auto s = c.prepare(
      "SELECT target_kind, template_id, cron, run_at, time_zone, overrides, missed_runs, owner_id, next_run, "
      "workflow_id "
      "FROM schedules WHERE id = ? AND enabled = 1 AND next_run IS NOT NULL");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  DueSchedule d;
  d.id = id;
  d.target_kind = s.text(0);
  d.template_id = s.optional_integer(1);
  d.cron = s.text(2);
  if (auto r = s.optional_text(3)) d.run_at = parse_time(*r);
  d.zone = s.text(4);
  d.overrides = Value::parse(s.text(5), nullptr, false);
  d.missed_runs = s.text(6);
  d.owner_id = s.optional_integer(7);
  d.slot_text = s.text(8);
  d.slot = parse_time(d.slot_text);
  d.workflow_id = s.optional_integer(9);
  return d;
}

// Moves the schedule past `slot` and records what became of it (the job or
// the workflow job it started); throws SlotTaken when the slot is no longer
// the schedule's next run (handled elsewhere) or already has its row.
void record_slot(store::Connection& c, const DueSchedule& d, const std::optional<SysSeconds>& next, SysSeconds now,
                 const std::string& outcome, std::optional<int64_t> job_id, const std::string& message,
                 std::optional<int64_t> workflow_job_id = std::nullopt) {
  std::optional<std::string> next_text;
  if (next) next_text = stored_time(*next);
  c.prepare("UPDATE schedules SET next_run = ?, last_run = ?, last_job_id = COALESCE(?, last_job_id), "
            "last_workflow_job_id = COALESCE(?, last_workflow_job_id), last_error = ? WHERE id = ? AND next_run = ?")
      .bind(1, next_text).bind(2, stored_time(now)).bind(3, job_id).bind(4, workflow_job_id)
      .bind(5, outcome == "refused" ? message : std::string()).bind(6, d.id).bind(7, d.slot_text)
      .run();
  if (c.changes() != 1) throw SlotTaken{};
  try {
    c.prepare("INSERT INTO schedule_runs (schedule_id, slot, fired, outcome, job_id, workflow_job_id, message) "
              "VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(1, d.id).bind(2, d.slot_text).bind(3, stored_time(now)).bind(4, outcome).bind(5, job_id)
        .bind(6, workflow_job_id).bind(7, message).run();
  } catch (const store::ConstraintError&) {
    throw SlotTaken{};
  }
}

}  // namespace

Scheduler::Scheduler(ServerContext& ctx, const Clock& clock) : ctx_(ctx), clock_(clock), jobs_(ctx.store.db()) {}

Scheduler::~Scheduler() { stop(); }

int Scheduler::run_due() {
  SysSeconds now = clock_.now();
  auto ids = ctx_.store.db().read([&](store::Connection& c) {
    std::vector<int64_t> out;
    auto s = c.prepare(
        "SELECT id FROM schedules WHERE enabled = 1 AND next_run IS NOT NULL AND next_run <= ? ORDER BY next_run, id");
    s.bind(1, stored_time(now));
    while (s.step()) out.push_back(s.integer(0));
    return out;
  });
  int handled = 0;
  for (int64_t id : ids) {
    try {
      if (fire(id, now)) ++handled;
    } catch (const std::exception& e) {
      log_line(LogLevel::error, "schedule failed; trying again", {{"schedule_id", id}, {"error", e.what()}});
    }
  }
  return handled;
}

bool Scheduler::fire(int64_t id, SysSeconds now) {
  store::Database& db = ctx_.store.db();
  auto due = db.read([&](store::Connection& c) { return read_due(c, id); });
  if (!due || !due->slot || *due->slot > now) return false;
  const DueSchedule& d = *due;
  std::optional<SysSeconds> next;
  try {
    next = ScheduleTiming(d.cron, d.run_at, d.zone).next_after(std::max(*d.slot, now));
  } catch (const std::exception&) {  // the zone left the tz database: stop, and say why
    next = std::nullopt;
  }
  auto record = [&](const std::string& outcome, const std::string& message) {
    try {
      db.write([&](store::Connection& c) {
        record_slot(c, d, next, now, outcome, std::nullopt, message);
        if (outcome == "refused") {
          store::AuditEntry e;
          e.address = "scheduler";
          e.action = "refuse";
          e.resource = "schedules";
          e.resource_id = std::to_string(id);
          e.details = {{"slot", d.slot_text}, {"reason", message}};
          store::append_audit(c, e);
        }
      });
    } catch (const SlotTaken&) {
      return false;
    }
    return true;
  };
  bool late = now - *d.slot > kLateAfter;
  if (late && d.missed_runs == "skip")
    return record("skipped", "missed: the server was not running at " + d.slot_text);
  bool workflow = d.target_kind == "workflow" && d.workflow_id;
  if (!workflow && (d.target_kind != "template" || !d.template_id))
    return record("refused", "unknown target " + d.target_kind);
  std::string why;
  auto owner = launching_owner(db, d.owner_id, "the schedule", why);
  if (!owner) return record("refused", why);
  try {
    Value details = {{"schedule_id", id}, {"slot", d.slot_text}};
    if (late) details["missed"] = true;
    const char* note = late ? "a missed run, launched once" : "";
    if (workflow) {
      Value vars = d.overrides.is_object() ? d.overrides.value("extra_vars", Value::object()) : Value::object();
      int64_t wj = queue_workflow_job(ctx_, {*d.workflow_id, vars, *owner, "scheduler", "schedule", details}, now,
                                      [&](store::Connection& c, int64_t workflow_job) {
                                        record_slot(c, d, next, now, "launched", std::nullopt, note, workflow_job);
                                      });
      log_line(LogLevel::info, "schedule started a workflow job", {{"schedule_id", id}, {"workflow_job_id", wj}});
      return true;
    }
    JobLaunch launch{template_launch_spec(ctx_, *d.template_id, d.overrides), *owner, "scheduler", "schedule",
                     details};
    int64_t job_id = queue_job(ctx_, jobs_, launch, [&](store::Connection& c, int64_t job) {
      record_slot(c, d, next, now, "launched", job, note);
    });
    log_line(LogLevel::info, "schedule launched a job", {{"schedule_id", id}, {"job_id", job_id}});
    return true;
  } catch (const SlotTaken&) {
    return false;
  } catch (const ApiError& e) {
    return record("refused", e.what());
  }
}

void Scheduler::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      run_due();
      lock.lock();
      cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
    }
  });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace drover::server
