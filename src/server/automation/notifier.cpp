#include "server/automation/notifier.hpp"

#include "server/automation/notification_message.hpp"
#include "server/automation/notification_sender.hpp"
#include "server/credential_vault.hpp"
#include "server/jobs/job_view.hpp"
#include "server/log.hpp"
#include "store/job_store.hpp"

namespace drover::server {
namespace {

struct EventRule {
  const char* event;
  const char* column;     // the job's time that says it happened
  const char* condition;  // and its state
};
const EventRule kRules[] = {
    {"started", "started", "j.started IS NOT NULL"},
    {"succeeded", "finished", "j.state = 'successful'"},
    {"failed", "finished", "j.state IN ('failed', 'error')"},
};

std::chrono::seconds backoff(int64_t attempts) {
  int64_t s = 5;
  for (int64_t i = 1; i < attempts; ++i) s *= 4;
  return std::chrono::seconds(s);
}

// What a "needs approval" notice tells of workflow node row `node_row`.
Value approval_notice(store::Database& db, int64_t node_row) {
  auto v = db.read([&](store::Connection& c) -> std::optional<Value> {
    auto s = c.prepare("SELECT wj.id, wj.name, wn.node, wn.message, wn.deadline FROM workflow_nodes wn "
                       "JOIN workflow_jobs wj ON wj.id = wn.workflow_job_id WHERE wn.id = ?");
    s.bind(1, node_row);
    if (!s.step()) return std::nullopt;
    return Value{{"id", s.integer(0)},          {"workflow_job_id", s.integer(0)}, {"name", s.text(1)},
                 {"template", s.text(1)},        {"state", "needs_approval"},        {"node", s.text(2)},
                 {"message", s.text(3)},         {"deadline", s.optional_text(4).value_or("")}};
  });
  if (!v) throw Error("workflow node " + std::to_string(node_row) + " was deleted");
  return *v;
}

// What a workflow job's started/succeeded/failed notice tells of it.
Value workflow_notice(store::Database& db, int64_t workflow_job_id) {
  auto v = db.read([&](store::Connection& c) -> std::optional<Value> {
    auto s = c.prepare("SELECT name, state, created, finished, message FROM workflow_jobs WHERE id = ?");
    s.bind(1, workflow_job_id);
    if (!s.step()) return std::nullopt;
    return Value{{"id", workflow_job_id},       {"workflow_job_id", workflow_job_id},
                 {"name", s.text(0)},           {"template", s.text(0)},
                 {"state", s.text(1)},          {"created", s.text(2)},
                 {"finished", s.optional_text(3).value_or("")}, {"error", s.text(4)}};
  });
  if (!v) throw Error("workflow job " + std::to_string(workflow_job_id) + " was deleted");
  return *v;
}

// Workflow jobs and nodes keep their times in whole seconds (the runner's
// Clock): a notification made in the same second as one counts from that
// second.
constexpr const char* kCreatedSecond = "(substr(n.created, 1, 19) || '.000Z')";

// A workflow job's events, as kRules are a job's: the delivery's job_id is
// the workflow job's id.
const EventRule kWorkflowRules[] = {
    {"started", "created", "1"},
    {"succeeded", "finished", "j.state = 'successful'"},
    {"failed", "finished", "j.state = 'failed'"},
};

}  // namespace

namespace {

// Whether `sql` (a SELECT with `binds` as its parameters) finds a row: a
// read, so that an idle notifier never takes the write lock.
bool any_row(store::Database& db, const std::string& sql, const std::vector<std::string>& binds = {}) {
  return db.read([&](store::Connection& c) {
    auto s = c.prepare(sql);
    for (size_t i = 0; i < binds.size(); ++i) s.bind(static_cast<int>(i) + 1, binds[i]);
    return s.step();
  });
}

}  // namespace

Notifier::Notifier(ServerContext& ctx, const Clock& clock)
    : ctx_(ctx), clock_(clock), since_(stored_time(clock.now() - std::chrono::minutes(10))) {}

Notifier::~Notifier() { stop(); }

int Notifier::queue_new() {
  SysSeconds now = clock_.now();
  std::string now_text = stored_time(now);
  if (!any_row(ctx_.store.db(), "SELECT 1 FROM notifications WHERE enabled = 1 LIMIT 1")) {
    since_ = stored_time(now - std::chrono::minutes(1));
    return 0;
  }
  int queued = ctx_.store.db().write([&](store::Connection& c) {
    int n = 0;
    for (const auto& rule : kRules) {
      c.prepare(std::string("INSERT INTO notification_deliveries (notification_id, job_id, event, next_attempt, "
                            "created) SELECT n.id, j.id, ?, ?, ? FROM jobs j JOIN notifications n ON n.template_id = "
                            "j.template_id WHERE n.enabled = 1 AND n.events LIKE ? AND ") +
                rule.condition + " AND j." + rule.column + " >= ? AND j." + rule.column +
                " >= n.created ON CONFLICT DO NOTHING")
          .bind(1, std::string(rule.event)).bind(2, now_text).bind(3, now_text)
          .bind(4, std::string("%\"") + rule.event + "\"%").bind(5, since_)
          .run();
      n += c.changes();
    }
    for (const auto& rule : kWorkflowRules) {
      c.prepare(std::string("INSERT INTO notification_deliveries (notification_id, job_id, event, next_attempt, "
                            "created) SELECT n.id, j.id, ?, ?, ? FROM workflow_jobs j JOIN notifications n ON "
                            "n.workflow_id = j.workflow_id WHERE n.enabled = 1 AND n.events LIKE ? AND ") +
                rule.condition + " AND j." + rule.column + " >= ? AND j." + rule.column + " >= " +
                kCreatedSecond + " ON CONFLICT DO NOTHING")
          .bind(1, std::string(rule.event)).bind(2, now_text).bind(3, now_text)
          .bind(4, std::string("%\"") + rule.event + "\"%").bind(5, since_)
          .run();
      n += c.changes();
    }
    // A workflow's approval nodes that started waiting: the delivery's
    // job_id is the node's row (notification_deliveries, migration 71).
    c.prepare("INSERT INTO notification_deliveries (notification_id, job_id, event, next_attempt, created) "
              "SELECT n.id, wn.id, 'needs_approval', ?, ? FROM workflow_nodes wn "
              "JOIN workflow_jobs wj ON wj.id = wn.workflow_job_id JOIN notifications n ON n.workflow_id = wj.workflow_id "
              "WHERE n.enabled = 1 AND n.events LIKE '%\"needs_approval\"%' AND wn.state = 'approval' "
              "AND wn.started >= ? AND wn.started >= " + std::string(kCreatedSecond) + " ON CONFLICT DO NOTHING")
        .bind(1, now_text).bind(2, now_text).bind(3, since_).run();
    n += c.changes();
    return n;
  });
  // Jobs record their times from the wall clock as they commit; a minute of
  // overlap covers a commit that landed just behind the last look.
  since_ = stored_time(now - std::chrono::minutes(1));
  return queued;
}

int Notifier::send_due(size_t batch) {
  SysSeconds now = clock_.now();
  if (!any_row(ctx_.store.db(),
               "SELECT 1 FROM notification_deliveries WHERE (state = 'pending' AND next_attempt <= ?) OR "
               "(state = 'sending' AND claimed < ?) LIMIT 1",
               {stored_time(now), stored_time(now - kStaleClaim)}))
    return 0;
  auto ids = ctx_.store.db().write([&](store::Connection& c) {
    c.prepare("UPDATE notification_deliveries SET state = 'pending' WHERE state = 'sending' AND claimed < ?")
        .bind(1, stored_time(now - kStaleClaim)).run();
    std::vector<int64_t> out;
    {
      auto s = c.prepare("SELECT id FROM notification_deliveries WHERE state = 'pending' AND next_attempt <= ? "
                         "ORDER BY id LIMIT ?");
      s.bind(1, stored_time(now)).bind(2, static_cast<int64_t>(batch));
      while (s.step()) out.push_back(s.integer(0));
    }
    for (int64_t id : out)
      c.prepare("UPDATE notification_deliveries SET state = 'sending', claimed = ?, attempts = attempts + 1 "
                "WHERE id = ?")
          .bind(1, stored_time(now)).bind(2, id).run();
    return out;
  });
  for (int64_t id : ids) {
    try {
      send_one(id);
    } catch (const std::exception& e) {
      log_line(LogLevel::error, "notification delivery failed", {{"delivery_id", id}, {"error", e.what()}});
    }
  }
  return static_cast<int>(ids.size());
}

bool Notifier::send_one(int64_t delivery_id) {
  store::Database& db = ctx_.store.db();
  struct Work {
    std::string kind, url, event;
    std::optional<std::string> sealed;
    Value config;
    int64_t job_id = 0, attempts = 0;
    std::string template_name;
    bool workflow = false;
  };
  auto work = db.read([&](store::Connection& c) -> std::optional<Work> {
    auto s = c.prepare(
        "SELECT n.kind, n.url, n.secret, n.config, d.event, d.job_id, d.attempts, COALESCE(t.name, ''), "
        "n.workflow_id IS NOT NULL "
        "FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id "
        "LEFT JOIN job_templates t ON t.id = n.template_id WHERE d.id = ?");
    s.bind(1, delivery_id);
    if (!s.step()) return std::nullopt;
    return Work{s.text(0), s.text(1), s.text(4), s.optional_text(2), Value::parse(s.text(3), nullptr, false),
                s.integer(5), s.integer(6), s.text(7), s.integer(8) != 0};
  });
  if (!work) return false;
  std::string problem;
  try {
    JobNotice notice{work->event, Value::object()};
    if (work->event == "needs_approval") {
      notice.job = approval_notice(db, work->job_id);
    } else if (work->workflow) {
      notice.job = workflow_notice(db, work->job_id);
    } else {
      auto job = store::JobStore(db).get(work->job_id);
      if (!job) throw Error("job " + std::to_string(work->job_id) + " was deleted");
      notice.job = job_json(*job);
      notice.job["template"] = work->template_name;
      notice.job.erase("spec");
      notice.job.erase("recap");
    }
    std::string secret = work->sealed ? ctx_.vault.open(*work->sealed) : "";
    SysSeconds now = clock_.now();
    if (work->kind == "email") {
      std::vector<std::string> to;
      for (const auto& t : work->config.value("to", Value::array())) to.push_back(t.get<std::string>());
      problem = send_mail(work->url, work->config.value("username", ""), secret, work->config.value("from", ""), to,
                          mail_message(work->config, notice, now), work->config.value("starttls", false));
    } else {
      problem = post_notification(work->kind, notification_request(work->kind, work->url, secret, work->config,
                                                                    notice, now));
    }
  } catch (const std::exception& e) {
    problem = e.what();
  }
  SysSeconds now = clock_.now();
  db.write([&](store::Connection& c) {
    if (problem.empty()) {
      c.prepare("UPDATE notification_deliveries SET state = 'sent', finished = ?, last_error = '' WHERE id = ?")
          .bind(1, stored_time(now)).bind(2, delivery_id).run();
    } else if (work->attempts >= kMaxAttempts) {
      c.prepare("UPDATE notification_deliveries SET state = 'failed', finished = ?, last_error = ? WHERE id = ?")
          .bind(1, stored_time(now)).bind(2, problem.substr(0, 500)).bind(3, delivery_id).run();
    } else {
      c.prepare("UPDATE notification_deliveries SET state = 'pending', next_attempt = ?, last_error = ? WHERE id = ?")
          .bind(1, stored_time(now + backoff(work->attempts))).bind(2, problem.substr(0, 500)).bind(3, delivery_id)
          .run();
    }
  });
  if (!problem.empty())
    log_line(LogLevel::warn, "notification not delivered",
             {{"delivery_id", delivery_id}, {"attempt", work->attempts}, {"error", problem}});
  return problem.empty();
}

void Notifier::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      try {
        queue_new();
        send_due();
      } catch (const std::exception& e) {
        log_line(LogLevel::error, "notifier: trying again in a second", {{"error", e.what()}});
      }
      lock.lock();
      cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
    }
  });
}

void Notifier::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace drover::server
