// A workflow's graph (issue 19), pure: what a workflow is made of and what
// runs next. The runner (workflow_runner.hpp) keeps the states in the
// database and asks this file what follows from them.
//
// A workflow is a list of nodes, each named by a unique `id`:
//   {"id": "deploy", "template_id": 3, "extra_vars": {...}, "limit": "web1",
//    "on_success": ["smoke"], "on_failure": ["rollback"], "always": ["report"],
//    "rolling": {...}}                                   a template node
//   {"id": "ok", "approval": {"timeout_s": 3600, "role": "operator",
//    "message": "deploy to production?"}, "on_success": [...], ...}   an approval node
// A node with no edge into it is a root and starts with the workflow. A
// node runs once every parent has ended (or was skipped) if at least one
// parent's edge to it fired: on_success after success, on_failure after
// failure, always after either; otherwise it is skipped, and so are the
// nodes only it would have started. The graph has no cycles.
//
// A rolling node (a deploy in batches) runs its template once per batch
// with the batch's hosts as the limit:
//   "rolling": {"hosts": ["h1", ...] | "CMDB host pattern",
//               "batch_size": 2 | "batch_percent": 25 | "batches": [["h1"], ["h2", "h3"]],
//               "health_check_template_id": 5,      run on the batch after it, optional
//               "max_failed_batches": 0}            the circuit breaker
// A batch fails when its job or its health check fails; when more batches
// failed than max_failed_batches the node fails at once (its on_failure
// edges: the rollback branch) and the remaining batches never run.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/value.hpp"

namespace drover::server {

class WorkflowError : public Error {
 public:
  WorkflowError(std::string field, const std::string& message)
      : Error(field + ": " + message), field_(std::move(field)) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

struct RollingPolicy {
  Value hosts;  // list of names, or a CMDB pattern (string); null with `batches`
  int64_t batch_size = 0;
  double batch_percent = 0;
  std::vector<std::vector<std::string>> batches;  // given lists
  std::optional<int64_t> health_check_template_id;
  int64_t max_failed_batches = 0;
};

struct WorkflowNode {
  std::string id;
  std::optional<int64_t> template_id;  // a template node
  bool approval = false;               // an approval node
  int64_t approval_timeout_s = 86400;
  std::string approval_role = "operator";
  std::string approval_message;
  Value extra_vars = Value::object();
  std::string limit;
  std::vector<std::string> on_success, on_failure, always;
  std::optional<RollingPolicy> rolling;
};

struct WorkflowGraph {
  std::vector<WorkflowNode> nodes;
  const WorkflowNode* find(const std::string& id) const;
  // The ids of the nodes with an edge to `id`, in graph order.
  std::vector<std::string> parents(const std::string& id) const;
  Value to_json() const;
};

// Throws WorkflowError naming the field ("nodes[1].on_success").
WorkflowGraph parse_workflow_graph(const Value& nodes);

// What a node is now: pending (not started), running, approval (waiting
// for a decision), successful, failed, skipped, canceled.
bool node_state_final(const std::string& state);

// For a pending node whose parents are in `states` (node id -> state):
// "run", "skip" or "wait".
std::string pending_node_decision(const WorkflowGraph& g, const std::string& id,
                                  const std::map<std::string, std::string>& states);

// The batches of a rolling deploy over `hosts` (the policy's list, or the
// hosts a pattern matched), in order. Throws WorkflowError when there are
// no hosts.
std::vector<std::vector<std::string>> rolling_batches(const RollingPolicy& p, const std::vector<std::string>& hosts);

}  // namespace drover::server
