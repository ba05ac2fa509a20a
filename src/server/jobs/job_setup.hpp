// How this server starts its job processes, from its options: the drover
// binary, the sandbox settings, the job user and the limits
// (docs/SERVER.md, "How a job runs").
//
// When the server runs as root, jobs run as --job-user (default: "drover"
// if that user exists, else "nobody"); "root" keeps them root, still in
// the sandbox with every capability dropped. A server that is not root
// runs jobs as itself and refuses a --job-user naming someone else.
// Throws drover::Error (the server does not start) for an unknown user, an
// unknown sandbox kind, or a bwrap that is missing or cannot make a
// sandbox here (tried once).
#pragma once

#include "server/context.hpp"
#include "server/jobs/job_workers.hpp"

namespace drover::server {

// Everything of JobWorkerOptions but workers, work_root and secrets.
JobWorkerOptions job_process_options(const ServerOptions& options);

}  // namespace drover::server
