#include "server/automation/workflow_runner.hpp"

#include <map>

#include "inventory/inventory.hpp"
#include "server/api_error.hpp"
#include "server/automation/launch_owner.hpp"
#include "server/automation/workflow_graph.hpp"
#include "server/jobs/job_launch.hpp"
#include "server/jobs/launch_checks.hpp"
#include "server/log.hpp"
#include "store/audit.hpp"
#include "store/cmdb_inventory.hpp"

namespace drover::server {
namespace {

// The node was changed by someone else (another server, a decision) since
// it was read: the transaction that found out rolls back.
struct NodeTaken {};

struct NodeRow {
  int64_t id = 0;
  std::string node, state;
  std::optional<int64_t> job_id;
  Value jobs, vars, artifacts, progress;
  std::optional<std::string> deadline;
};

struct WorkflowJobRow {
  int64_t id = 0;
  std::optional<int64_t> workflow_id, created_by;
  std::string name, state;
  WorkflowGraph graph;
  Value extra_vars;
  std::map<std::string, NodeRow> nodes;
};

Value parse_or(const std::string& text, Value fallback) {
  Value v = Value::parse(text.empty() ? "null" : text, nullptr, false);
  return v.is_discarded() || v.is_null() ? fallback : v;
}

std::optional<WorkflowJobRow> read_workflow_job(store::Connection& c, int64_t id) {
  auto s = c.prepare("SELECT workflow_id, name, nodes, extra_vars, state, created_by FROM workflow_jobs WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  WorkflowJobRow w;
  w.id = id;
  w.workflow_id = s.optional_integer(0);
  w.name = s.text(1);
  w.graph = parse_workflow_graph(parse_or(s.text(2), Value::array()));
  w.extra_vars = parse_or(s.text(3), Value::object());
  w.state = s.text(4);
  w.created_by = s.optional_integer(5);
  auto n = c.prepare(
      "SELECT id, node, state, job_id, jobs, vars, artifacts, progress, deadline FROM workflow_nodes "
      "WHERE workflow_job_id = ?");
  n.bind(1, id);
  while (n.step()) {
    NodeRow r;
    r.id = n.integer(0);
    r.node = n.text(1);
    r.state = n.text(2);
    r.job_id = n.optional_integer(3);
    r.jobs = parse_or(n.text(4), Value::array());
    r.vars = parse_or(n.text(5), Value::object());
    r.artifacts = parse_or(n.text(6), Value::object());
    r.progress = parse_or(n.text(7), Value::object());
    r.deadline = n.optional_text(8);
    w.nodes[r.node] = std::move(r);
  }
  return w;
}

// The `_run` custom stats (set_stats) of a finished job: its stats event.
Value job_artifacts(store::Database& db, int64_t job_id) {
  std::string line = db.read([&](store::Connection& c) {
    auto s = c.prepare("SELECT data FROM job_events WHERE job_id = ? AND event = 'stats' ORDER BY seq DESC LIMIT 1");
    s.bind(1, job_id);
    return s.step() ? s.text(0) : std::string();
  });
  Value ev = parse_or(line, Value::object());
  if (ev.contains("custom") && ev["custom"].is_object() && ev["custom"].contains("_run") &&
      ev["custom"]["_run"].is_object())
    return ev["custom"]["_run"];
  return Value::object();
}

void merge_into(Value& into, const Value& from) {
  if (!from.is_object()) return;
  for (auto it = from.begin(); it != from.end(); ++it) into[it.key()] = *it;
}

// The hosts a rolling policy names: its list, or the CMDB hosts its
// pattern matches, in the CMDB's order.
std::vector<std::string> rolling_hosts(store::Database& db, const RollingPolicy& p) {
  std::vector<std::string> out;
  if (p.hosts.is_array()) {
    for (const auto& h : p.hosts) out.push_back(h.get<std::string>());
    return out;
  }
  if (!p.hosts.is_string()) return out;
  inventory::Inventory inv;
  store::load_cmdb_inventory(inv, db);
  for (const auto* h : inv.select(p.hosts.get<std::string>())) out.push_back(h->name);
  return out;
}

std::string joined(const std::vector<std::string>& v, const std::string& sep = ",") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

store::AuditEntry system_audit(const std::string& action, int64_t workflow_job_id, Value details) {
  store::AuditEntry e;
  e.address = "workflow";
  e.action = action;
  e.resource = "workflow_jobs";
  e.resource_id = std::to_string(workflow_job_id);
  e.details = std::move(details);
  return e;
}

// The work of one advance() of one workflow job.
class WorkflowStep {
 public:
  WorkflowStep(ServerContext& ctx, store::JobStore& jobs, SysSeconds now, WorkflowJobRow& w)
      : ctx_(ctx), jobs_(jobs), now_(now), w_(w) {}

  int run() {
    int changed = 0;
    for (auto& [id, row] : w_.nodes) {
      if (row.state == "running") changed += follow_running(row);
      if (row.state == "approval" && row.deadline && *row.deadline <= stored_time(now_)) changed += time_out(row);
    }
    for (bool again = true; again;) {  // a skip may decide the nodes after it
      again = false;
      for (const auto& n : w_.graph.nodes) {
        NodeRow& row = w_.nodes[n.id];
        if (row.state != "pending") continue;
        std::string decision = pending_node_decision(w_.graph, n.id, states());
        if (decision == "wait") continue;
        int c = decision == "skip" ? set_state(row, "pending", "skipped", "no edge into it fired") : start(n, row);
        if (c == 0 && row.state == "pending") row.state = "elsewhere";
        changed += c;
        again = again || c > 0;
      }
    }
    finish_if_done();
    return changed;
  }

  bool queued_jobs() const { return queued_; }

 private:
  std::map<std::string, std::string> states() const {
    std::map<std::string, std::string> out;
    for (const auto& [id, row] : w_.nodes) out[id] = row.state;
    return out;
  }

  // Ends a node: `from` must still be its state (else another node of the
  // cluster did it, and this does nothing).
  int set_state(NodeRow& row, const std::string& from, const std::string& to, const std::string& message,
                const std::optional<Value>& artifacts = std::nullopt, const std::string& decided_by = "",
                const std::optional<store::AuditEntry>& audit = std::nullopt) {
    bool done = ctx_.store.db().write([&](store::Connection& c) {
      c.prepare("UPDATE workflow_nodes SET state = ?, message = ?, finished = CASE WHEN ? THEN ? ELSE finished END, "
                "artifacts = COALESCE(?, artifacts), decided_by = CASE WHEN ? = '' THEN decided_by ELSE ? END "
                "WHERE id = ? AND state = ?")
          .bind(1, to).bind(2, message.substr(0, 2000)).bind(3, node_state_final(to) ? 1 : 0).bind(4, stored_time(now_))
          .bind(5, artifacts ? std::optional<std::string>(artifacts->dump()) : std::nullopt)
          .bind(6, decided_by).bind(7, decided_by).bind(8, row.id).bind(9, from)
          .run();
      if (c.changes() != 1) return false;
      if (audit) store::append_audit(c, *audit);
      return true;
    });
    if (!done) return 0;
    row.state = to;
    if (artifacts) row.artifacts = *artifacts;
    return 1;
  }

  // The vars a node's job starts with: its own, the artifacts of the
  // parents that ended, the workflow job's.
  Value node_vars(const WorkflowNode& n, Value& inherited) const {
    inherited = Value::object();
    for (const auto& p : w_.graph.parents(n.id)) {
      const NodeRow& pr = w_.nodes.at(p);
      if (pr.state == "successful" || pr.state == "failed") merge_into(inherited, pr.artifacts);
    }
    Value vars = n.extra_vars;
    merge_into(vars, inherited);
    merge_into(vars, w_.extra_vars);
    return vars;
  }

  // Queues a job of `template_id` for the node, moving it from `from` to
  // running with `progress`, in one transaction. Returns false (and fails
  // the node) when the launch is refused.
  bool launch(NodeRow& row, const std::string& from, int64_t template_id, const Value& vars, const std::string& limit,
              const Value& progress, const Value& inherited) {
    std::string why;
    auto owner = launching_owner(ctx_.store.db(), w_.created_by, "the workflow job", why);
    try {
      if (!owner) throw ApiError::forbidden(why);
      JobSpec spec = template_workflow_spec(ctx_, template_id, vars, limit);
      Value details = {{"workflow_job_id", w_.id}, {"node", row.node}};
      Value jobs = row.jobs;
      int64_t job_id = queue_job(ctx_, jobs_, {spec, *owner, "workflow", "workflow", details},
                                 [&](store::Connection& c, int64_t job) {
                                   jobs.push_back(job);
                                   c.prepare("UPDATE workflow_nodes SET state = 'running', job_id = ?, jobs = ?, "
                                             "progress = ?, vars = CASE WHEN ? THEN ? ELSE vars END, "
                                             "started = COALESCE(started, ?) WHERE id = ? AND state = ? AND "
                                             "COALESCE(job_id, 0) = ?")
                                       .bind(1, job).bind(2, jobs.dump()).bind(3, progress.dump())
                                       .bind(4, from == "pending" ? 1 : 0).bind(5, inherited.dump())
                                       .bind(6, stored_time(now_)).bind(7, row.id).bind(8, from)
                                       .bind(9, row.job_id.value_or(0))
                                       .run();
                                   if (c.changes() != 1) throw NodeTaken{};
                                 });
      row.state = "running";
      row.job_id = job_id;
      row.jobs = jobs;
      row.progress = progress;
      queued_ = true;
      return true;
    } catch (const NodeTaken&) {
      row.state = "elsewhere";  // another runner moved it: this step leaves it alone
      return false;
    } catch (const ApiError& e) {
      set_state(row, from, "failed", std::string("the launch was refused: ") + e.what());
      return false;
    }
  }

  int start(const WorkflowNode& n, NodeRow& row) {
    if (n.approval) {
      bool done = ctx_.store.db().write([&](store::Connection& c) {
        c.prepare("UPDATE workflow_nodes SET state = 'approval', started = ?, deadline = ?, message = ? "
                  "WHERE id = ? AND state = 'pending'")
            .bind(1, stored_time(now_)).bind(2, stored_time(now_ + std::chrono::seconds(n.approval_timeout_s)))
            .bind(3, n.approval_message).bind(4, row.id)
            .run();
        return c.changes() == 1;
      });
      row.state = done ? "approval" : "elsewhere";
      row.deadline = stored_time(now_ + std::chrono::seconds(n.approval_timeout_s));
      return done ? 1 : 0;
    }
    Value inherited;
    Value vars = node_vars(n, inherited);
    if (!n.rolling) {
      launch(row, "pending", *n.template_id, vars, n.limit, Value::object(), inherited);
      if (row.state == "pending") row.state = "elsewhere";
      return row.state == "elsewhere" ? 0 : 1;
    }
    std::vector<std::vector<std::string>> batches;
    try {
      batches = rolling_batches(*n.rolling, rolling_hosts(ctx_.store.db(), *n.rolling));
    } catch (const Error& e) {
      return set_state(row, "pending", "failed", std::string("rolling deploy: ") + e.what());
    }
    Value progress = {{"batches", batches}, {"batch", 0}, {"phase", "deploy"}, {"failed_batches", 0},
                      {"results", Value::array()}};
    launch(row, "pending", *n.template_id, vars, joined(batches[0]), progress, inherited);
    if (row.state == "pending") row.state = "elsewhere";
    return row.state == "elsewhere" ? 0 : 1;
  }

  int follow_running(NodeRow& row) {
    if (!row.job_id) return set_state(row, "running", "failed", "its job is gone");
    auto job = jobs_.get(*row.job_id);
    if (!job) return set_state(row, "running", "failed", "job " + std::to_string(*row.job_id) + " was deleted");
    if (job->state == "pending" || job->state == "running") return 0;
    const WorkflowNode* n = w_.graph.find(row.node);
    Value artifacts = row.vars.is_object() ? row.vars : Value::object();
    if (!n->rolling) {
      merge_into(artifacts, job_artifacts(ctx_.store.db(), job->id));
      bool ok = job->state == "successful";
      std::string message = "job " + std::to_string(job->id) + " " + job->state;
      if (!job->error.empty()) message += ": " + job->error;
      return set_state(row, "running", ok ? "successful" : "failed", message, artifacts);
    }
    return follow_rolling(*n, row, *job);
  }

  int follow_rolling(const WorkflowNode& n, NodeRow& row, const store::JobRecord& job) {
    const RollingPolicy& p = *n.rolling;
    Value progress = row.progress;
    auto batches = progress["batches"].get<std::vector<std::vector<std::string>>>();
    size_t batch = progress["batch"].get<size_t>();
    bool ok = job.state == "successful";
    std::string phase = progress.value("phase", "deploy");
    Value inherited = row.vars.is_object() ? row.vars : Value::object();
    Value vars = n.extra_vars;
    merge_into(vars, inherited);
    merge_into(vars, w_.extra_vars);
    if (phase == "deploy") {
      // set_stats of every batch's job, kept with the progress (saved with
      // each launch) until the node ends.
      Value collected = progress.value("artifacts", Value::object());
      merge_into(collected, job_artifacts(ctx_.store.db(), job.id));
      progress["artifacts"] = collected;
      if (ok && p.health_check_template_id) {
        progress["phase"] = "check";
        progress["deploy_job_id"] = job.id;
        launch(row, "running", *p.health_check_template_id, vars, joined(batches[batch]), progress, inherited);
        return 1;
      }
    }
    Value result = {{"batch", batch + 1}, {"hosts", batches[batch]}, {"outcome", ok ? "successful" : "failed"}};
    if (phase == "check") {
      result["job_id"] = progress.value("deploy_job_id", Value(nullptr));
      result["health_check_job_id"] = job.id;
      if (!ok) result["outcome"] = "unhealthy";
    } else {
      result["job_id"] = job.id;
    }
    progress["results"].push_back(result);
    if (!ok) progress["failed_batches"] = progress["failed_batches"].get<int64_t>() + 1;
    int64_t failed = progress["failed_batches"].get<int64_t>();
    Value artifacts = inherited;
    merge_into(artifacts, progress.value("artifacts", Value::object()));
    if (failed > p.max_failed_batches) {
      std::vector<std::string> left;
      for (size_t i = batch + 1; i < batches.size(); ++i) left.insert(left.end(), batches[i].begin(), batches[i].end());
      std::string message = "circuit breaker: " + std::to_string(failed) + " of " + std::to_string(batches.size()) +
                            " batches failed (max_failed_batches " + std::to_string(p.max_failed_batches) + ")";
      message += left.empty() ? "" : "; not deployed: " + joined(left, ", ");
      progress["tripped"] = true;
      return save_progress_and_end(row, progress, "failed", message, artifacts);
    }
    if (batch + 1 < batches.size()) {
      progress["batch"] = batch + 1;
      progress["phase"] = "deploy";
      progress.erase("deploy_job_id");
      launch(row, "running", *n.template_id, vars, joined(batches[batch + 1]), progress, inherited);
      return 1;
    }
    return save_progress_and_end(row, progress, "successful",
                                 std::to_string(batches.size()) + " batches, " + std::to_string(failed) + " failed",
                                 artifacts);
  }

  int save_progress_and_end(NodeRow& row, const Value& progress, const std::string& to, const std::string& message,
                            const Value& artifacts) {
    ctx_.store.db().write([&](store::Connection& c) {
      c.prepare("UPDATE workflow_nodes SET progress = ? WHERE id = ? AND state = 'running'")
          .bind(1, progress.dump()).bind(2, row.id).run();
    });
    row.progress = progress;
    return set_state(row, "running", to, message, artifacts);
  }

  int time_out(NodeRow& row) {
    return set_state(row, "approval", "failed", "approval timed out", std::nullopt, "",
                     system_audit("approval_timeout", w_.id, {{"node", row.node}, {"deadline", *row.deadline}}));
  }

  void finish_if_done() {
    bool any_failed = false;
    std::vector<std::string> failed;
    for (const auto& [id, row] : w_.nodes) {
      if (!node_state_final(row.state)) return;
      if (row.state == "failed") failed.push_back(id);
    }
    any_failed = !failed.empty();
    std::string state = any_failed ? "failed" : "successful";
    std::string message = any_failed ? "failed nodes: " + joined(failed, ", ") : "";
    ctx_.store.db().write([&](store::Connection& c) {
      c.prepare("UPDATE workflow_jobs SET state = ?, finished = ?, message = ? WHERE id = ? AND state = 'running'")
          .bind(1, state).bind(2, stored_time(now_)).bind(3, message).bind(4, w_.id).run();
    });
    w_.state = state;
  }

  ServerContext& ctx_;
  store::JobStore& jobs_;
  SysSeconds now_;
  WorkflowJobRow& w_;
  bool queued_ = false;
};

}  // namespace

namespace {

struct WorkflowDef {
  std::string name;
  WorkflowGraph graph;
  Value vars;
};

// The workflow, when `who` may launch each of its templates.
WorkflowDef checked_workflow(ServerContext& ctx, int64_t workflow_id, const Principal& who) {
  struct Row {
    std::string name, nodes, vars;
  };
  auto row = ctx.store.db().read([&](store::Connection& c) -> std::optional<Row> {
    auto s = c.prepare("SELECT name, nodes, extra_vars FROM workflows WHERE id = ?");
    s.bind(1, workflow_id);
    if (!s.step()) return std::nullopt;
    return Row{s.text(0), s.text(1), s.text(2)};
  });
  if (!row) throw ApiError::not_found("no workflow " + std::to_string(workflow_id));
  WorkflowDef def{row->name, {}, parse_or(row->vars, Value::object())};
  try {
    def.graph = parse_workflow_graph(parse_or(row->nodes, Value::array()));
  } catch (const WorkflowError& e) {
    throw ApiError(400, "bad_value", e.what(), {{"field", e.field()}});
  }
  for (const auto& n : def.graph.nodes) {
    std::vector<int64_t> templates;
    if (n.template_id) templates.push_back(*n.template_id);
    if (n.rolling && n.rolling->health_check_template_id) templates.push_back(*n.rolling->health_check_template_id);
    for (int64_t t : templates) {
      JobSpec spec;
      try {
        spec = template_workflow_spec(ctx, t, Value::object(), "");
      } catch (const ApiError& e) {
        if (e.status() == 404)
          throw ApiError(400, "bad_value", "node '" + n.id + "': no template " + std::to_string(t), {{"field", "nodes"}});
        if (e.status() != 400) throw;  // a required answer may come from vars or set_stats: checked at the node
        continue;
      }
      check_job_launch(ctx, spec, who);
    }
  }
  return def;
}

}  // namespace

void check_workflow_launch(ServerContext& ctx, int64_t workflow_id, const Principal& who) {
  checked_workflow(ctx, workflow_id, who);
}

int64_t queue_workflow_job(ServerContext& ctx, const WorkflowLaunch& launch, SysSeconds now,
                           const std::function<void(store::Connection&, int64_t)>& also) {
  if (!launch.extra_vars.is_object())
    throw ApiError(400, "wrong_type", "field 'extra_vars' must be an object", {{"field", "extra_vars"}});
  WorkflowDef def = checked_workflow(ctx, launch.workflow_id, launch.who);
  const WorkflowGraph& graph = def.graph;
  Value vars = def.vars;
  merge_into(vars, launch.extra_vars);
  const Principal& who = launch.who;
  return ctx.store.db().write([&](store::Connection& c) {
    c.prepare("INSERT INTO workflow_jobs (workflow_id, name, nodes, extra_vars, created_by, created) "
              "VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, launch.workflow_id).bind(2, def.name).bind(3, graph.to_json().dump()).bind(4, vars.dump())
        .bind(5, who.user_id > 0 ? std::optional<int64_t>(who.user_id) : std::nullopt).bind(6, stored_time(now))
        .run();
    int64_t wj = c.last_insert_id();
    for (const auto& n : graph.nodes)
      c.prepare("INSERT INTO workflow_nodes (workflow_job_id, node) VALUES (?, ?)").bind(1, wj).bind(2, n.id).run();
    store::AuditEntry e;
    if (who.user_id > 0) e.user_id = who.user_id;
    e.username = who.username;
    e.address = launch.address;
    e.action = launch.action;
    e.resource = "workflow_jobs";
    e.resource_id = std::to_string(wj);
    e.details = launch.audit_details.is_object() ? launch.audit_details : Value::object();
    e.details["workflow_id"] = launch.workflow_id;
    e.details["name"] = def.name;
    store::append_audit(c, e);
    if (also) also(c, wj);
    return wj;
  });
}

WorkflowRunner::WorkflowRunner(ServerContext& ctx, const Clock& clock) : ctx_(ctx), clock_(clock), jobs_(ctx.store.db()) {}

WorkflowRunner::~WorkflowRunner() { stop(); }

int64_t WorkflowRunner::launch(int64_t workflow_id, const Value& extra_vars, const Principal& who,
                               const std::string& address) {
  int64_t id = queue_workflow_job(ctx_, {workflow_id, extra_vars, who, address}, clock_.now());
  advance(id);
  return id;
}

int WorkflowRunner::advance(int64_t workflow_job_id) {
  auto w = ctx_.store.db().read([&](store::Connection& c) { return read_workflow_job(c, workflow_job_id); });
  if (!w || w->state != "running") return 0;
  WorkflowStep step(ctx_, jobs_, clock_.now(), *w);
  int changed = step.run();
  if (step.queued_jobs() && job_queued_) job_queued_();
  return changed;
}

int WorkflowRunner::advance_all() {
  auto ids = ctx_.store.db().read([&](store::Connection& c) {
    std::vector<int64_t> out;
    auto s = c.prepare("SELECT id FROM workflow_jobs WHERE state = 'running' ORDER BY id");
    while (s.step()) out.push_back(s.integer(0));
    return out;
  });
  int changed = 0;
  for (int64_t id : ids) {
    try {
      changed += advance(id);
    } catch (const std::exception& e) {
      log_line(LogLevel::error, "workflow job: trying again", {{"workflow_job_id", id}, {"error", e.what()}});
    }
  }
  return changed;
}

void WorkflowRunner::decide(int64_t workflow_job_id, const std::string& node, bool approve, const Principal& who,
                            const std::string& address, const std::string& comment) {
  auto w = ctx_.store.db().read([&](store::Connection& c) { return read_workflow_job(c, workflow_job_id); });
  if (!w) throw ApiError::not_found("no workflow job " + std::to_string(workflow_job_id));
  auto it = w->nodes.find(node);
  const WorkflowNode* n = w->graph.find(node);
  if (it == w->nodes.end() || !n) throw ApiError::not_found("workflow job " + std::to_string(workflow_job_id) + " has no node '" + node + "'");
  if (!n->approval) throw ApiError(409, "conflict", "node '" + node + "' is not an approval node");
  if (n->approval_role == "admin" && who.role != Role::Admin)
    throw ApiError::forbidden("node '" + node + "' needs an admin's approval");
  if (it->second.state != "approval")
    throw ApiError(409, "conflict", "node '" + node + "' is not waiting for approval (it is " + it->second.state + ")");
  std::string to = approve ? "successful" : "failed";
  std::string message = std::string(approve ? "approved" : "denied") + " by " + who.username +
                        (comment.empty() ? "" : ": " + comment);
  bool done = ctx_.store.db().write([&](store::Connection& c) {
    c.prepare("UPDATE workflow_nodes SET state = ?, finished = ?, decided_by = ?, message = ? WHERE id = ? AND "
              "state = 'approval'")
        .bind(1, to).bind(2, stored_time(clock_.now())).bind(3, who.username).bind(4, message.substr(0, 2000))
        .bind(5, it->second.id).run();
    if (c.changes() != 1) return false;
    store::AuditEntry e;
    if (who.user_id > 0) e.user_id = who.user_id;
    e.username = who.username;
    e.address = address;
    e.action = approve ? "approve" : "deny";
    e.resource = "workflow_jobs";
    e.resource_id = std::to_string(workflow_job_id);
    e.details = {{"node", node}, {"comment", comment}};
    store::append_audit(c, e);
    return true;
  });
  if (!done) throw ApiError(409, "conflict", "node '" + node + "' was decided meanwhile");
  advance(workflow_job_id);
}

void WorkflowRunner::cancel(int64_t workflow_job_id, const Principal& who, const std::string& address) {
  std::vector<int64_t> running_jobs;
  bool done = ctx_.store.db().write([&](store::Connection& c) {
    auto s = c.prepare("SELECT state FROM workflow_jobs WHERE id = ?");
    s.bind(1, workflow_job_id);
    if (!s.step()) throw ApiError::not_found("no workflow job " + std::to_string(workflow_job_id));
    if (s.text(0) != "running") return false;
    auto r = c.prepare("SELECT job_id FROM workflow_nodes WHERE workflow_job_id = ? AND state = 'running'");
    r.bind(1, workflow_job_id);
    while (r.step())
      if (auto j = r.optional_integer(0)) running_jobs.push_back(*j);
    std::string now = stored_time(clock_.now());
    c.prepare("UPDATE workflow_nodes SET state = 'canceled', finished = ?, message = 'canceled by ' || ? "
              "WHERE workflow_job_id = ? AND state IN ('pending', 'running', 'approval')")
        .bind(1, now).bind(2, who.username).bind(3, workflow_job_id).run();
    c.prepare("UPDATE workflow_jobs SET state = 'canceled', finished = ?, message = 'canceled by ' || ? WHERE id = ?")
        .bind(1, now).bind(2, who.username).bind(3, workflow_job_id).run();
    store::AuditEntry e;
    if (who.user_id > 0) e.user_id = who.user_id;
    e.username = who.username;
    e.address = address;
    e.action = "cancel";
    e.resource = "workflow_jobs";
    e.resource_id = std::to_string(workflow_job_id);
    store::append_audit(c, e);
    return true;
  });
  if (!done) throw ApiError(409, "conflict", "workflow job " + std::to_string(workflow_job_id) + " has ended");
  for (int64_t j : running_jobs) jobs_.request_cancel(j);
}

void WorkflowRunner::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      try {
        advance_all();
      } catch (const std::exception& e) {
        log_line(LogLevel::error, "workflow runner: trying again in a second", {{"error", e.what()}});
      }
      lock.lock();
      cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
    }
  });
}

void WorkflowRunner::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace drover::server
