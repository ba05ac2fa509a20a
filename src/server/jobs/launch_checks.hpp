// What a job may be launched with, checked before it is queued (submit,
// and any later way of queueing one: relaunch must call it too).
//
// * The caller may use the job's credential and each of its vault
//   credentials (job_template.hpp's may_use_credential): 403 otherwise;
//   400 when there is no such credential, when credential_id names a vault
//   credential or vault_credential_ids one of another kind, and when two
//   vault credentials have the same vault id (AWX allows one per id).
// * A playbook job's project lies under an allowed project root and has no
//   symlink leaving it, and its playbook resolves inside it; a job with an
//   absolute playbook and no project has the playbook's directory under a
//   root (project_paths.hpp): 400 naming the field otherwise.
// * An inventory file stays inside the project (relative) or under a
//   project root (absolute); a `drover:` source is this server's data
//   directory; host lists and http(s) URLs are not files: 400 otherwise.
// * Sync jobs are queued by POST /api/v1/projects/{id}/sync only: 400.
// Throws ApiError.
#pragma once

#include "server/context.hpp"
#include "server/jobs/job_spec.hpp"
#include "server/roles.hpp"

namespace drover::server {

void check_job_launch(ServerContext& ctx, const JobSpec& spec, const Principal& who);

// The kinds part of the credential rule above (templates check it too):
// 400 naming the field.
void check_credential_kinds(store::Database& db, std::optional<int64_t> credential_id,
                            const std::vector<int64_t>& vault_credential_ids);

}  // namespace drover::server
