// What jobs are made from, over HTTP:
//   /api/v1/credentials  SSH keys, passwords, become passwords; the secret
//                        is sealed by the CredentialVault on the way in and
//                        never returned (operators list, admins change)
//   /api/v1/projects     a directory of playbooks: a local path under a
//                        project root, or a git URL cloned into
//                        <data>/projects/<id> by a job of kind sync
//                        (POST /api/v1/projects/{id}/sync queues another;
//                        a PATCH of a git project's url, branch or
//                        credential queues one too)
//   /api/v1/templates    project + playbook + inventory + credential +
//                        extra vars + forks + limit + tags + check mode
// The job side reads these tables to run a template (jobs/job_template).
#pragma once

#include "server/context.hpp"
#include "server/router.hpp"

namespace drover::server {

void add_credential_routes(Router& router, ServerContext& ctx);
void add_project_routes(Router& router, ServerContext& ctx);
void add_template_routes(Router& router, ServerContext& ctx);

}  // namespace drover::server
