// From stored records to what a job needs: a job template (project +
// playbook + inventory + credential + extra vars + forks + limit + tags +
// check mode) to a JobSpec, and a credential to decrypted JobSecrets.
//
// A template's inventory is a JSON object:
//   {"sources": ["hosts.ini", ...]}  files/dirs, relative to the project
//   {"file": "hosts.ini"}            one of them
//   {"text": "[web]\nh1\n"}          inventory text
//   {"query": {"role": "cache", "line": "telecom", "tag": "edge"}}
//                                    the CMDB (`drover:<data dir>` source),
//                                    limited to the groups the fields make
//                                    (role_cache:&line_telecom:&edge)
// Secrets are opened only here, when a worker starts the job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "server/jobs/job_execution.hpp"
#include "server/jobs/job_spec.hpp"
#include "store/sqlite.hpp"

namespace drover::server {

class CredentialVault;

// nullopt when there is no such template. Throws JobSpecError for a
// template whose stored values do not make a valid spec.
std::optional<JobSpec> template_job_spec(store::Database& db, int64_t template_id, const std::string& data_dir = "");

// Throws drover::Error when the credential is missing or cannot be opened.
JobSecrets credential_secrets(store::Database& db, const CredentialVault& vault, int64_t credential_id);

}  // namespace drover::server
