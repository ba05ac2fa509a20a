// The job side of `drover server`: the queue's HTTP API, the worker
// threads, the live event hub, and recovery at start.
//
// Routes (viewer reads, operator submits and cancels):
//   POST /api/v1/jobs                 202 {job}: from {"template_id": N, overrides...}
//                                     or a spec (job_spec.hpp: playbook or
//                                     module/args/pattern, inventory, ...)
//   GET  /api/v1/jobs                 ?state=&kind=&template_id=&limit=&offset=
//   GET  /api/v1/jobs/{id}
//   GET  /api/v1/jobs/{id}/events     ?after=N&limit=M: events with seq > N
//   GET  /api/v1/jobs/{id}/stream     SSE from Last-Event-ID (or ?after=N)
//   GET  /api/v1/jobs/{id}/stdout     the CLI's text (text/plain)
//   POST /api/v1/jobs/{id}/cancel     202 {job}; 409 when already final
// Submit and cancel write an audit entry in the same transaction.
//
// At start, jobs left `running` by a server that died are marked `error`
// ("interrupted ...") with their events kept; pending jobs stay queued and
// run. At stop, running jobs are canceled and the workers joined.
#pragma once

#include <memory>

#include "server/components.hpp"

namespace drover::server {

// The "jobs" entry of server_components().
Component jobs_component();

}  // namespace drover::server
