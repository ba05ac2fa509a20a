// Documentation of server/automation's workflows (issue 19): workflows,
// their jobs, approvals.
#include "server/api_docs.hpp"

namespace drover::server {

using namespace schema;

void add_workflow_docs(ApiDocs& docs, Value& components) {
  Value ids = array_of(str("a node id"));
  components["WorkflowNode"] = open(
      {{"id", str("the node's name, unique in the workflow")},
       {"template_id", described(integer(1), "a template node: the template its job runs")},
       {"approval", described(open({{"timeout_s", described(integer(1), "the node fails when no one decided by then "
                                                                          "(default 86400)")},
                                    {"role", enum_of({"operator", "admin"})},
                                    {"message", str()}}),
                              "an approval node")},
       {"extra_vars", any_object()},
       {"limit", str("a template node's limit")},
       {"on_success", ids},
       {"on_failure", described(ids, "e.g. the rollback branch")},
       {"always", ids},
       {"rolling", described(open({{"hosts", described(Value::object(), "a list of host names, or a CMDB host pattern")},
                                   {"batch_size", integer(1)},
                                   {"batch_percent", Value{{"type", "number"}}},
                                   {"batches", array_of(array_of(str()))},
                                   {"health_check_template_id", described(integer(1), "run on each batch after it")},
                                   {"max_failed_batches", described(integer(0), "the circuit breaker: more failed "
                                                                                "batches fail the node (default 0)")}}),
                             "a rolling deploy: the template once per batch, the batch as the limit")}},
      {"id"});
  Properties input = {{"name", str()},
                      {"description", str()},
                      {"extra_vars", any_object()},
                      {"nodes", array_of(ref("WorkflowNode"))}};
  components["WorkflowInput"] = obj(input, {"name", "nodes"});
  components["WorkflowPatch"] = obj(input);
  components["Workflow"] = open({{"id", integer(1)},
                                 {"name", str()},
                                 {"description", str()},
                                 {"extra_vars", any_object()},
                                 {"nodes", array_of(ref("WorkflowNode"))},
                                 {"created", timestamp()},
                                 {"updated", timestamp()}},
                                {"id", "name", "description", "extra_vars", "nodes", "created", "updated"});
  Value node_state = enum_of({"pending", "running", "approval", "successful", "failed", "skipped", "canceled"});
  components["WorkflowJobNode"] = open(
      {{"id", str()},
       {"kind", enum_of({"template", "approval"})},
       {"state", node_state},
       {"job_id", nullable(described(integer(1), "its current (last) job"))},
       {"jobs", described(array_of(integer(1)), "every job it ran (a rolling node: each batch and health check)")},
       {"vars", described(any_object(), "the set_stats data it inherited")},
       {"artifacts", described(any_object(), "the set_stats data it passes on")},
       {"progress", described(any_object(), "a rolling node: batches, batch, phase, failed_batches, results")},
       {"started", nullable(timestamp())},
       {"finished", nullable(timestamp())},
       {"deadline", nullable(described(timestamp(), "an approval node: when it times out"))},
       {"decided_by", str()},
       {"message", str()},
       {"definition", ref("WorkflowNode")}},
      {"id", "kind", "state"});
  Properties job = {{"id", integer(1)},
                    {"workflow_id", nullable(integer(1))},
                    {"name", str()},
                    {"state", enum_of({"running", "successful", "failed", "canceled"})},
                    {"extra_vars", any_object()},
                    {"created_by", nullable(integer(1))},
                    {"created", timestamp()},
                    {"finished", nullable(timestamp())},
                    {"message", str()}};
  components["WorkflowJobSummary"] = open(job, {"id", "name", "state", "created"});
  job.push_back({"nodes", array_of(ref("WorkflowJobNode"))});
  components["WorkflowJob"] = open(job, {"id", "name", "state", "created", "nodes"});
  components["WorkflowPage"] = page_schema("Workflow");
  components["WorkflowJobSummaryPage"] = page_schema("WorkflowJobSummary");
  Value decision = obj({{"node", str("the approval node's id")}, {"comment", str()}}, {"node"});

  docs["GET /api/v1/workflows"] = {.query = page_params(), .responses = {ok(page_of("Workflow")), err(400)}};
  docs["POST /api/v1/workflows"] = {
      .body = ref("WorkflowInput"),
      .responses = {created(ref("Workflow")),
                    err(400, "a bad graph (unknown edge target, a cycle, ...) or no such template, naming the field"),
                    err(409, "a workflow with this name exists")}};
  docs["GET /api/v1/workflows/{id}"] = {.responses = {ok(ref("Workflow")), err(404)}};
  docs["PATCH /api/v1/workflows/{id}"] = {
      .body = ref("WorkflowPatch"),
      .responses = {ok(ref("Workflow")), err(400), err(404), err(409, "a workflow with this name exists")}};
  docs["DELETE /api/v1/workflows/{id}"] = {.responses = {no_content(), err(404)}};
  docs["POST /api/v1/workflows/{id}/launch"] = {
      .body = obj({{"extra_vars", described(any_object(), "over the workflow's extra_vars, for every node")}}),
      .responses = {created(ref("WorkflowJob")), err(400),
                    err(403, "the caller may not launch one of its templates (their credentials)"), err(404)}};
  std::vector<Value> list_query = {query("workflow_id", integer(1), "only this workflow's jobs")};
  for (auto& p : page_params()) list_query.push_back(p);
  docs["GET /api/v1/workflow_jobs"] = {.query = list_query,
                                       .responses = {ok(page_of("WorkflowJobSummary")), err(400)}};
  docs["GET /api/v1/workflow_jobs/{id}"] = {.responses = {ok(ref("WorkflowJob")), err(404)}};
  docs["POST /api/v1/workflow_jobs/{id}/approve"] = {
      .body = decision,
      .responses = {ok(ref("WorkflowJob")), err(400),
                    err(403, "the node needs an admin"), err(404, "no such workflow job or node"),
                    err(409, "the node is not waiting for approval")}};
  docs["POST /api/v1/workflow_jobs/{id}/deny"] = {
      .body = decision,
      .responses = {ok(ref("WorkflowJob"), "denied: the node failed"), err(400), err(403), err(404), err(409)}};
  docs["POST /api/v1/workflow_jobs/{id}/cancel"] = {
      .responses = {ok(ref("WorkflowJob")), err(404), err(409, "the workflow job has ended")}};
}

}  // namespace drover::server
