// /api/v1/workflows and /api/v1/workflow_jobs (viewer reads, operator
// writes) and the workflow runner's thread: the "workflows" entry of
// server_components().
//
//   GET/POST /api/v1/workflows, GET/PATCH/DELETE /api/v1/workflows/{id}
//   POST /api/v1/workflows/{id}/launch        {"extra_vars": {...}} -> 201 the workflow job
//   GET  /api/v1/workflow_jobs                ?workflow_id= ?state=
//   GET  /api/v1/workflow_jobs/{id}           with its nodes (state, jobs, artifacts, progress)
//   POST /api/v1/workflow_jobs/{id}/approve   {"node": "ok", "comment": ""}
//   POST /api/v1/workflow_jobs/{id}/deny      the same
//   POST /api/v1/workflow_jobs/{id}/cancel
//
// A workflow is {name, description, extra_vars, nodes} (workflow_graph.hpp);
// saving one checks the graph and that its templates exist. Every change,
// launch, decision and cancel is audited.
#pragma once

#include <memory>

#include "server/automation/clock.hpp"
#include "server/components.hpp"

namespace drover::server {

Component workflows_component(std::shared_ptr<const Clock> clock = nullptr);

}  // namespace drover::server
