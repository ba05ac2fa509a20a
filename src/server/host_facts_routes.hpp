// GET /api/v1/hosts/{id}/facts: the facts last gathered on a CMDB host, as
// the server keeps them: in the job events. A fact-gathering result (the
// setup module, or a play's gather_facts) carries
// `ansible_facts.module_setup: true`, which no other module's facts do
// (set_fact, package_facts, service_facts never set it); the newest such
// `runner_result` event naming the host (by hostname, as inventories name
// it) is the answer: {facts, job_id, gathered} (all null when no job has
// gathered facts on the host, or the jobs that did were deleted).
// The newest job is found through the job_events(host, job_id) index,
// read newest first, so the read stops at the first match.
#pragma once

#include "server/context.hpp"
#include "server/router.hpp"

namespace drover::server {

void add_host_facts_routes(Router& router, ServerContext& ctx);

}  // namespace drover::server
