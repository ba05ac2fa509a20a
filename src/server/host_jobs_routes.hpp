// GET /api/v1/hosts/{id}/jobs: a CMDB host's job history, the jobs whose
// events name the host (by its hostname, as inventories name it), newest
// first, paged; read through the job_events(host, job_id) index.
#pragma once

#include "server/context.hpp"
#include "server/router.hpp"

namespace drover::server {

void add_host_job_routes(Router& router, ServerContext& ctx);

}  // namespace drover::server
