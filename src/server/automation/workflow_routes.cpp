#include "server/automation/workflow_routes.hpp"

#include "server/api_error.hpp"
#include "server/automation/automation_component.hpp"
#include "server/automation/record_pages.hpp"
#include "server/automation/workflow_graph.hpp"
#include "server/automation/workflow_runner.hpp"
#include "server/request.hpp"
#include "store/audit.hpp"

namespace drover::server {
namespace {

constexpr const char* kWorkflowColumns = "id, name, description, nodes, extra_vars, created, updated";
constexpr const char* kJobColumns = "id, workflow_id, name, state, extra_vars, created_by, created, finished, message";

Value parse_json(const std::string& text, Value fallback) {
  Value v = Value::parse(text.empty() ? "null" : text, nullptr, false);
  return v.is_discarded() || v.is_null() ? fallback : v;
}

Value read_workflow(store::Statement& s) {
  return {{"id", s.integer(0)},
          {"name", s.text(1)},
          {"description", s.text(2)},
          {"nodes", parse_json(s.text(3), Value::array())},
          {"extra_vars", parse_json(s.text(4), Value::object())},
          {"created", s.text(5)},
          {"updated", s.text(6)}};
}

Value read_workflow_job(store::Statement& s) {
  return {{"id", s.integer(0)},
          {"workflow_id", or_null(s.optional_integer(1))},
          {"name", s.text(2)},
          {"state", s.text(3)},
          {"extra_vars", parse_json(s.text(4), Value::object())},
          {"created_by", or_null(s.optional_integer(5))},
          {"created", s.text(6)},
          {"finished", or_null(s.optional_text(7))},
          {"message", s.text(8)}};
}

std::optional<Value> find_workflow(store::Connection& c, int64_t id) {
  auto s = c.prepare(std::string("SELECT ") + kWorkflowColumns + " FROM workflows WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_workflow(s);
}

std::optional<Value> find_workflow_job(store::Connection& c, int64_t id) {
  auto s = c.prepare(std::string("SELECT ") + kJobColumns + " FROM workflow_jobs WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  Value v = read_workflow_job(s);
  auto g = c.prepare("SELECT nodes FROM workflow_jobs WHERE id = ?");
  g.bind(1, id);
  g.step();
  Value graph = parse_json(g.text(0), Value::array());
  std::map<std::string, Value> rows;
  auto n = c.prepare(
      "SELECT node, state, job_id, jobs, vars, artifacts, progress, started, finished, deadline, decided_by, message "
      "FROM workflow_nodes WHERE workflow_job_id = ?");
  n.bind(1, id);
  while (n.step())
    rows[n.text(0)] = {{"id", n.text(0)},
                       {"state", n.text(1)},
                       {"job_id", or_null(n.optional_integer(2))},
                       {"jobs", parse_json(n.text(3), Value::array())},
                       {"vars", parse_json(n.text(4), Value::object())},
                       {"artifacts", parse_json(n.text(5), Value::object())},
                       {"progress", parse_json(n.text(6), Value::object())},
                       {"started", or_null(n.optional_text(7))},
                       {"finished", or_null(n.optional_text(8))},
                       {"deadline", or_null(n.optional_text(9))},
                       {"decided_by", n.text(10)},
                       {"message", n.text(11)}};
  Value nodes = Value::array();
  for (const auto& def : graph) {
    std::string id_text = def.value("id", "");
    Value row = rows.count(id_text) ? rows[id_text] : Value{{"id", id_text}, {"state", "pending"}};
    row["kind"] = def.contains("approval") ? "approval" : "template";
    row["definition"] = def;
    nodes.push_back(std::move(row));
  }
  v["nodes"] = nodes;
  return v;
}

// Templates the graph names that do not exist: 400 naming the node.
void check_templates(store::Connection& c, const WorkflowGraph& g) {
  auto exists = [&](int64_t id) {
    auto s = c.prepare("SELECT 1 FROM job_templates WHERE id = ?");
    s.bind(1, id);
    return s.step();
  };
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const auto& n = g.nodes[i];
    std::string where = "nodes[" + std::to_string(i) + "]";
    if (n.template_id && !exists(*n.template_id))
      throw ApiError(400, "bad_value", where + ".template_id: no template " + std::to_string(*n.template_id),
                     {{"field", where + ".template_id"}});
    if (n.rolling && n.rolling->health_check_template_id && !exists(*n.rolling->health_check_template_id))
      throw ApiError(400, "bad_value",
                     where + ".rolling.health_check_template_id: no template " +
                         std::to_string(*n.rolling->health_check_template_id),
                     {{"field", where + ".rolling.health_check_template_id"}});
  }
}

class WorkflowApi {
 public:
  WorkflowApi(ServerContext& ctx, std::shared_ptr<const Clock> clock)
      : ctx_(ctx), clock_(std::move(clock)), runner_(ctx, *clock_) {
    add_count_metric(ctx.metrics, ctx.store.db(), "drover_workflow_jobs", "workflow jobs, by state", "workflow_jobs",
                     "state");
  }

  void add_routes(Router& r) {
    r.add({"GET", "/api/v1/workflows", Role::Viewer, "List workflows", [this](Call& c) { list(c); }});
    r.add({"POST", "/api/v1/workflows", Role::Operator, "Create a workflow (a graph of template and approval nodes)",
           [this](Call& c) { save(c, std::nullopt); }});
    r.add({"GET", "/api/v1/workflows/{id}", Role::Viewer, "A workflow", [this](Call& c) { send_json(c.res, 200, get(c.id_param())); }});
    r.add({"PATCH", "/api/v1/workflows/{id}", Role::Operator, "Change a workflow",
           [this](Call& c) { save(c, c.id_param()); }});
    r.add({"DELETE", "/api/v1/workflows/{id}", Role::Operator, "Delete a workflow (its jobs stay)",
           [this](Call& c) { delete_with_audit(ctx_.store.db(), c, "workflows", "workflow", c.id_param()); c.res.status = 204; }});
    r.add({"POST", "/api/v1/workflows/{id}/launch", Role::Operator, "Start a workflow job",
           [this](Call& c) { launch(c); }});
    r.add({"GET", "/api/v1/workflow_jobs", Role::Viewer, "List workflow jobs, newest first",
           [this](Call& c) { list_jobs(c); }});
    r.add({"GET", "/api/v1/workflow_jobs/{id}", Role::Viewer, "A workflow job with the state of each node",
           [this](Call& c) { send_json(c.res, 200, get_job(c.id_param())); }});
    r.add({"POST", "/api/v1/workflow_jobs/{id}/approve", Role::Operator, "Approve an approval node",
           [this](Call& c) { decide(c, true); }});
    r.add({"POST", "/api/v1/workflow_jobs/{id}/deny", Role::Operator, "Deny an approval node (it fails)",
           [this](Call& c) { decide(c, false); }});
    r.add({"POST", "/api/v1/workflow_jobs/{id}/cancel", Role::Operator, "Cancel a running workflow job",
           [this](Call& c) {
             runner_.cancel(c.id_param(), c.user, c.address);
             send_json(c.res, 200, get_job(c.id_param()));
           }});
  }

  void start() { runner_.start(); }
  void stop() { runner_.stop(); }

 private:
  Value get(int64_t id) {
    auto v = ctx_.store.db().read([&](store::Connection& c) { return find_workflow(c, id); });
    if (!v) throw ApiError::not_found("no workflow " + std::to_string(id));
    return *v;
  }

  Value get_job(int64_t id) {
    auto v = ctx_.store.db().read([&](store::Connection& c) { return find_workflow_job(c, id); });
    if (!v) throw ApiError::not_found("no workflow job " + std::to_string(id));
    return *v;
  }

  void list(Call& call) {
    QueryReader q(call.req, {"limit", "offset"});
    send_json(call.res, 200,
              paged_rows(ctx_.store.db(), {"workflows", kWorkflowColumns, "", std::nullopt, "name"}, q.page(),
                         read_workflow));
  }

  void list_jobs(Call& call) {
    QueryReader q(call.req, {"workflow_id", "limit", "offset"});
    send_json(call.res, 200,
              paged_rows(ctx_.store.db(),
                         {"workflow_jobs", kJobColumns, "workflow_id", q.optional_integer("workflow_id", 1, INT64_MAX),
                          "id DESC"},
                         q.page(), read_workflow_job));
  }

  void save(Call& call, std::optional<int64_t> id) {
    Value body = parse_json_body(call.req);
    BodyReader r(body, {"name", "description", "nodes", "extra_vars"});
    Value old = id ? get(*id) : Value::object();
    std::string name = r.optional_string("name").value_or(old.value("name", ""));
    std::string description = r.optional_string("description").value_or(old.value("description", ""));
    Value extra_vars = r.optional_object("extra_vars").value_or(old.value("extra_vars", Value::object()));
    Value nodes = r.has("nodes") ? body["nodes"] : old.value("nodes", Value(nullptr));
    if (name.empty()) throw ApiError(400, "missing_field", "field 'name' is required", {{"field", "name"}});
    if (nodes.is_null()) throw ApiError(400, "missing_field", "field 'nodes' is required", {{"field", "nodes"}});
    WorkflowGraph graph;
    try {
      graph = parse_workflow_graph(nodes);
    } catch (const WorkflowError& e) {
      throw ApiError(400, "bad_value", e.what(), {{"field", e.field()}});
    }
    Value fields = Value::array();
    for (auto it = body.begin(); it != body.end(); ++it) fields.push_back(it.key());
    Value out = ctx_.store.db().write([&](store::Connection& c) {
      check_templates(c, graph);
      std::string now = store::now_timestamp();
      int64_t row = id.value_or(0);
      try {
        if (!id) {
          c.prepare("INSERT INTO workflows (name, description, nodes, extra_vars, created, updated) VALUES (?, ?, ?, ?, ?, ?)")
              .bind(1, name).bind(2, description).bind(3, graph.to_json().dump()).bind(4, extra_vars.dump())
              .bind(5, now).bind(6, now).run();
          row = c.last_insert_id();
        } else {
          c.prepare("UPDATE workflows SET name = ?, description = ?, nodes = ?, extra_vars = ?, updated = ? WHERE id = ?")
              .bind(1, name).bind(2, description).bind(3, graph.to_json().dump()).bind(4, extra_vars.dump())
              .bind(5, now).bind(6, row).run();
          if (c.changes() != 1) throw ApiError::not_found("no workflow " + std::to_string(row));
        }
      } catch (const store::ConstraintError&) {
        throw ApiError::conflict("workflow '" + name + "' exists", {{"field", "name"}});
      }
      store::append_audit(c, audit_entry(call, id ? "update" : "create", "workflows", std::to_string(row),
                                         id ? Value{{"fields", fields}} : Value{{"name", name}}));
      return *find_workflow(c, row);
    });
    send_json(call.res, id ? 200 : 201, out);
  }

  void launch(Call& call) {
    int64_t id = call.id_param();
    Value body = call.req.body.empty() ? Value::object() : parse_json_body(call.req);
    BodyReader r(body, {"extra_vars"});
    Value vars = r.optional_object("extra_vars").value_or(Value::object());
    int64_t job = runner_.launch(id, vars, call.user, call.address);
    send_json(call.res, 201, get_job(job));
  }

  void decide(Call& call, bool approve) {
    Value body = parse_json_body(call.req);
    BodyReader r(body, {"node", "comment"});
    std::string node = r.required_string("node");
    std::string comment = r.optional_string("comment").value_or("");
    runner_.decide(call.id_param(), node, approve, call.user, call.address, comment);
    send_json(call.res, 200, get_job(call.id_param()));
  }

  ServerContext& ctx_;
  std::shared_ptr<const Clock> clock_;
  WorkflowRunner runner_;
};

}  // namespace

Component workflows_component(std::shared_ptr<const Clock> clock) {
  return automation_component<WorkflowApi>("workflows", std::move(clock));
}

}  // namespace drover::server
