#include "server/automation/schedule_routes.hpp"

#include "server/api_error.hpp"
#include "server/automation/automation_component.hpp"
#include "server/automation/record_pages.hpp"
#include "server/automation/schedule.hpp"
#include "server/automation/scheduler.hpp"
#include "server/automation/workflow_runner.hpp"
#include "server/jobs/job_launch.hpp"
#include "server/jobs/launch_checks.hpp"
#include "server/request.hpp"
#include "store/audit.hpp"

namespace drover::server {
namespace {

constexpr const char* kColumns =
    "id, name, target_kind, template_id, cron, run_at, time_zone, overrides, enabled, missed_runs, owner_id, "
    "next_run, last_run, last_job_id, last_error, created, updated, workflow_id, last_workflow_job_id";

Value read_schedule(store::Statement& s) {
  return {{"id", s.integer(0)},
          {"name", s.text(1)},
          {"target_kind", s.text(2)},
          {"template_id", or_null(s.optional_integer(3))},
          {"cron", s.text(4).empty() ? Value(nullptr) : Value(s.text(4))},
          {"run_at", or_null(s.optional_text(5))},
          {"time_zone", s.text(6)},
          {"overrides", Value::parse(s.text(7), nullptr, false)},
          {"enabled", s.integer(8) != 0},
          {"missed_runs", s.text(9)},
          {"owner_id", or_null(s.optional_integer(10))},
          {"next_run", or_null(s.optional_text(11))},
          {"last_run", or_null(s.optional_text(12))},
          {"last_job_id", or_null(s.optional_integer(13))},
          {"last_error", s.text(14)},
          {"created", s.text(15)},
          {"updated", s.text(16)},
          {"workflow_id", or_null(s.optional_integer(17))},
          {"last_workflow_job_id", or_null(s.optional_integer(18))}};
}

std::optional<Value> find_schedule(store::Connection& c, int64_t id) {
  auto s = c.prepare(std::string("SELECT ") + kColumns + " FROM schedules WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_schedule(s);
}

// The fields of a create (all) or a change (those given), checked.
struct ScheduleFields {
  std::optional<std::string> name, cron, time_zone, missed_runs;
  std::optional<Value> run_at;  // a time string, or null to clear
  std::optional<int64_t> template_id, workflow_id;
  std::optional<Value> overrides;
  std::optional<bool> enabled;
};

ScheduleFields read_fields(const Value& body) {
  BodyReader r(body,
               {"name", "template_id", "workflow_id", "cron", "run_at", "time_zone", "overrides", "enabled", "missed_runs"});
  ScheduleFields f;
  f.name = r.optional_string("name");
  f.template_id = r.optional_integer("template_id", 1);
  f.workflow_id = r.optional_integer("workflow_id", 1);
  if (f.template_id && f.workflow_id)
    throw ApiError(400, "bad_value", "give one of 'template_id' and 'workflow_id'", {{"field", "workflow_id"}});
  if (auto v = r.optional_value("cron")) {
    if (!v->is_null() && !v->is_string())
      throw ApiError(400, "wrong_type", "field 'cron' must be a string or null", {{"field", "cron"}});
    f.cron = v->is_null() ? "" : v->get<std::string>();
  }
  if (auto v = r.optional_value("run_at")) {
    if (!v->is_null() && !v->is_string())
      throw ApiError(400, "wrong_type", "field 'run_at' must be a date-time or null", {{"field", "run_at"}});
    f.run_at = *v;
  }
  f.time_zone = r.optional_string("time_zone");
  f.overrides = r.optional_object("overrides");
  f.enabled = r.optional_bool("enabled");
  f.missed_runs = r.optional_choice("missed_runs", {"skip", "run_once"});
  if (f.name && f.name->empty()) throw ApiError(400, "bad_value", "field 'name' must not be empty", {{"field", "name"}});
  return f;
}

// What the schedule will be once `f` is laid over `old` (empty for a new one).
struct Resolved {
  std::string name, cron, time_zone, missed_runs;
  std::optional<std::string> run_at;  // stored form
  int64_t template_id = 0, workflow_id = 0;  // one of them
  Value overrides;
  bool enabled = true;
  std::string target_kind() const { return workflow_id ? "workflow" : "template"; }
};

int64_t old_id(const Value& old, const char* key) {
  return old.contains(key) && old[key].is_number_integer() ? old[key].get<int64_t>() : 0;
}

Resolved resolve(const ScheduleFields& f, const Value& old) {
  auto text = [&](const std::optional<std::string>& v, const char* key, const std::string& dflt) {
    if (v) return *v;
    return old.contains(key) && old[key].is_string() ? old[key].get<std::string>() : dflt;
  };
  Resolved r;
  r.name = text(f.name, "name", "");
  r.cron = text(f.cron, "cron", "");
  r.time_zone = text(f.time_zone, "time_zone", "UTC");
  r.missed_runs = text(f.missed_runs, "missed_runs", "skip");
  // A change naming one target drops the other.
  r.template_id = f.workflow_id ? 0 : f.template_id.value_or(old_id(old, "template_id"));
  r.workflow_id = f.template_id ? 0 : f.workflow_id.value_or(old_id(old, "workflow_id"));
  r.overrides = f.overrides.value_or(old.value("overrides", Value::object()));
  r.enabled = f.enabled.value_or(old.value("enabled", true));
  if (f.run_at) {
    if (!f.run_at->is_null()) {
      auto t = parse_time(f.run_at->get<std::string>());
      if (!t)
        throw ApiError(400, "bad_value", "field 'run_at' must be an ISO 8601 date-time (2026-12-24T18:00:00+08:00)",
                       {{"field", "run_at"}});
      r.run_at = stored_time(*t);
    }
  } else if (old.contains("run_at") && old["run_at"].is_string()) {
    r.run_at = old["run_at"].get<std::string>();
  }
  // A change naming one kind of timing drops the other.
  if (f.cron && !f.cron->empty() && !f.run_at) r.run_at.reset();
  if (f.run_at && !f.run_at->is_null() && !f.cron) r.cron.clear();
  if (r.name.empty()) throw ApiError(400, "missing_field", "field 'name' is required", {{"field", "name"}});
  if (r.template_id == 0 && r.workflow_id == 0)
    throw ApiError(400, "missing_field", "field 'template_id' (or 'workflow_id') is required", {{"field", "template_id"}});
  if (r.workflow_id) {  // a workflow's launch takes extra_vars only
    for (auto it = r.overrides.begin(); it != r.overrides.end(); ++it)
      if (it.key() != "extra_vars")
        throw ApiError(400, "unknown_field", "a workflow's schedule overrides extra_vars only",
                       {{"field", "overrides." + it.key()}});
    if (r.overrides.contains("extra_vars") && !r.overrides["extra_vars"].is_object())
      throw ApiError(400, "wrong_type", "field 'overrides.extra_vars' must be an object",
                     {{"field", "overrides.extra_vars"}});
  }
  if (r.cron.empty() == !r.run_at)
    throw ApiError(400, r.cron.empty() ? "missing_field" : "bad_value", "give exactly one of 'cron' and 'run_at'",
                   {{"field", "cron"}});
  return r;
}

// An id column: NULL for 0.
std::optional<int64_t> target(int64_t id) { return id ? std::optional<int64_t>(id) : std::nullopt; }

ScheduleTiming timing_of(const Resolved& r) {
  try {
    TimeZone::load(r.time_zone);
  } catch (const Error& e) {
    throw ApiError(400, "bad_value", e.what(), {{"field", "time_zone"}});
  }
  try {
    return ScheduleTiming(r.cron, r.run_at ? parse_time(*r.run_at) : std::nullopt, r.time_zone);
  } catch (const Error& e) {
    throw ApiError(400, "bad_value", e.what(), {{"field", "cron"}});
  }
}

// The caller could launch the template with these overrides now: the
// schedule will launch it as them.
void check_launchable(ServerContext& ctx, const Resolved& r, const Principal& who) {
  if (r.workflow_id) {
    try {
      check_workflow_launch(ctx, r.workflow_id, who);
    } catch (const ApiError& e) {
      if (e.status() != 404) throw;
      throw ApiError(400, "bad_value", "no workflow " + std::to_string(r.workflow_id), {{"field", "workflow_id"}});
    }
    return;
  }
  JobSpec spec;
  try {
    spec = template_launch_spec(ctx, r.template_id, r.overrides);
  } catch (const ApiError& e) {
    if (e.status() != 404) throw;
    throw ApiError(400, "bad_value", "no template " + std::to_string(r.template_id), {{"field", "template_id"}});
  }
  check_job_launch(ctx, spec, who);
}

class ScheduleApi {
 public:
  ScheduleApi(ServerContext& ctx, std::shared_ptr<const Clock> clock)
      : ctx_(ctx), clock_(std::move(clock)), scheduler_(ctx, *clock_) {
    add_count_metric(ctx.metrics, ctx.store.db(), "drover_schedule_runs",
                     "slots fired by schedules, by outcome", "schedule_runs", "outcome");
  }

  void add_routes(Router& r) {
    r.add({"GET", "/api/v1/schedules", Role::Viewer, "List schedules", [this](Call& c) { list(c); }});
    r.add({"POST", "/api/v1/schedules", Role::Operator, "Create a schedule (cron or run-once) for a template",
           [this](Call& c) { create(c); }});
    r.add({"GET", "/api/v1/schedules/{id}", Role::Viewer, "A schedule with its next runs",
           [this](Call& c) { send_json(c.res, 200, get(c.id_param())); }});
    r.add({"PATCH", "/api/v1/schedules/{id}", Role::Operator, "Change a schedule (the caller becomes its owner)",
           [this](Call& c) { update(c); }});
    r.add({"DELETE", "/api/v1/schedules/{id}", Role::Operator, "Delete a schedule", [this](Call& c) { remove(c); }});
    r.add({"GET", "/api/v1/schedules/{id}/runs", Role::Viewer, "The runs a schedule fired, newest first",
           [this](Call& c) { runs(c); }});
  }

  void start() { scheduler_.start(); }
  void stop() { scheduler_.stop(); }

 private:
  Value with_next_runs(Value v) {
    Value next = Value::array();
    if (v["enabled"].get<bool>()) {
      try {
        auto timing = ScheduleTiming(v["cron"].is_string() ? v["cron"].get<std::string>() : "",
                                     v["run_at"].is_string() ? parse_time(v["run_at"].get<std::string>()) : std::nullopt,
                                     v["time_zone"].get<std::string>());
        for (auto t : timing.next_runs(clock_->now(), 5)) next.push_back(stored_time(t));
      } catch (const Error&) {
      }
    }
    v["next_runs"] = next;
    return v;
  }

  Value get(int64_t id) {
    auto v = ctx_.store.db().read([&](store::Connection& c) { return find_schedule(c, id); });
    if (!v) throw ApiError::not_found("no schedule " + std::to_string(id));
    return with_next_runs(*v);
  }

  void list(Call& call) {
    QueryReader q(call.req, {"template_id", "limit", "offset"});
    Value body = paged_rows(ctx_.store.db(),
                            {"schedules", kColumns, "template_id", q.optional_integer("template_id", 1, INT64_MAX), "name"},
                            q.page(), read_schedule);
    for (auto& v : body["items"]) v = with_next_runs(v);
    send_json(call.res, 200, body);
  }

  std::optional<std::string> first_run(const Resolved& r) {
    if (!r.enabled) return std::nullopt;
    auto next = timing_of(r).next_after(clock_->now());
    if (!next)
      throw ApiError(400, "bad_value",
                     r.cron.empty() ? "field 'run_at' is not in the future" : "the cron expression never fires",
                     {{"field", r.cron.empty() ? "run_at" : "cron"}});
    return stored_time(*next);
  }

  void create(Call& call) {
    ScheduleFields f = read_fields(parse_json_body(call.req));
    Resolved r = resolve(f, Value::object());
    timing_of(r);
    check_launchable(ctx_, r, call.user);
    auto next = first_run(r);
    Value out = ctx_.store.db().write([&](store::Connection& c) {
      std::string now = store::now_timestamp();
      try {
        c.prepare("INSERT INTO schedules (name, template_id, cron, run_at, time_zone, overrides, enabled, missed_runs, "
                  "owner_id, next_run, created, updated, target_kind, workflow_id) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, r.name).bind(2, target(r.template_id)).bind(3, r.cron).bind(4, r.run_at).bind(5, r.time_zone)
            .bind(6, r.overrides.dump()).bind(7, r.enabled ? 1 : 0).bind(8, r.missed_runs)
            .bind(9, call.user.user_id).bind(10, next).bind(11, now).bind(12, now).bind(13, r.target_kind())
            .bind(14, target(r.workflow_id)).run();
      } catch (const store::ConstraintError&) {
        throw ApiError::conflict("schedule '" + r.name + "' exists", {{"field", "name"}});
      }
      int64_t id = c.last_insert_id();
      store::append_audit(c, audit_entry(call, "create", "schedules", std::to_string(id),
                                         {{"name", r.name}, {"target_kind", r.target_kind()},
                                          {"template_id", or_null(target(r.template_id))},
                                          {"workflow_id", or_null(target(r.workflow_id))}}));
      return *find_schedule(c, id);
    });
    send_json(call.res, 201, with_next_runs(out));
  }

  void update(Call& call) {
    int64_t id = call.id_param();
    Value body = parse_json_body(call.req);
    ScheduleFields f = read_fields(body);
    Value old = get(id);
    Resolved r = resolve(f, old);
    timing_of(r);
    check_launchable(ctx_, r, call.user);
    bool retime = f.cron || f.run_at || f.time_zone || f.enabled;
    std::optional<std::string> next = retime ? first_run(r) : std::nullopt;
    Value fields = Value::array();
    for (auto it = body.begin(); it != body.end(); ++it) fields.push_back(it.key());
    Value out = ctx_.store.db().write([&](store::Connection& c) {
      if (!find_schedule(c, id)) throw ApiError::not_found("no schedule " + std::to_string(id));
      try {
        c.prepare("UPDATE schedules SET name = ?, template_id = ?, cron = ?, run_at = ?, time_zone = ?, overrides = ?, "
                  "enabled = ?, missed_runs = ?, owner_id = ?, updated = ?, target_kind = ?, workflow_id = ? WHERE id = ?")
            .bind(1, r.name).bind(2, target(r.template_id)).bind(3, r.cron).bind(4, r.run_at).bind(5, r.time_zone)
            .bind(6, r.overrides.dump()).bind(7, r.enabled ? 1 : 0).bind(8, r.missed_runs)
            .bind(9, call.user.user_id).bind(10, store::now_timestamp()).bind(11, r.target_kind())
            .bind(12, target(r.workflow_id)).bind(13, id).run();
      } catch (const store::ConstraintError&) {
        throw ApiError::conflict("schedule '" + r.name + "' exists", {{"field", "name"}});
      }
      if (retime) c.prepare("UPDATE schedules SET next_run = ? WHERE id = ?").bind(1, next).bind(2, id).run();
      store::append_audit(c, audit_entry(call, "update", "schedules", std::to_string(id), {{"fields", fields}}));
      return *find_schedule(c, id);
    });
    send_json(call.res, 200, with_next_runs(out));
  }

  void remove(Call& call) {
    delete_with_audit(ctx_.store.db(), call, "schedules", "schedule", call.id_param());
    call.res.status = 204;
  }

  void runs(Call& call) {
    int64_t id = call.id_param();
    Page page = QueryReader(call.req, {"limit", "offset"}).page();
    get(id);
    send_json(call.res, 200,
              paged_rows(ctx_.store.db(),
                         {"schedule_runs", "slot, fired, outcome, job_id, message, workflow_job_id", "schedule_id", id,
                          "id DESC"},
                         page,
                         [](store::Statement& s) {
                           return Value{{"slot", s.text(0)},
                                        {"fired", s.text(1)},
                                        {"outcome", s.text(2)},
                                        {"job_id", or_null(s.optional_integer(3))},
                                        {"message", s.text(4)},
                                        {"workflow_job_id", or_null(s.optional_integer(5))}};
                         }));
  }

  ServerContext& ctx_;
  std::shared_ptr<const Clock> clock_;
  Scheduler scheduler_;
};

}  // namespace

Component schedules_component(std::shared_ptr<const Clock> clock) {
  return automation_component<ScheduleApi>("schedules", std::move(clock));
}

}  // namespace drover::server
