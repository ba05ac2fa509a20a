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
#include <set>
#include <vector>
#include <string>

#include "server/jobs/job_execution.hpp"
#include "server/jobs/job_spec.hpp"
#include "server/roles.hpp"
#include "store/sqlite.hpp"

namespace drover::server {

class CredentialVault;

// nullopt when there is no such template. Throws JobSpecError for a
// template whose stored values do not make a valid spec.
std::optional<JobSpec> template_job_spec(store::Database& db, int64_t template_id, const std::string& data_dir = "");

// AWX's "prompt on launch" flags of a template (ask_limit_on_launch, ...),
// all false by default: a launch (POST /api/v1/jobs {"template_id", ...})
// may override a field only when its flag is true.
const std::vector<std::string>& launch_prompt_flags();
// The flag that lets a launch override `field` (a JobSpec field); empty for
// a field no launch may override.
std::string launch_prompt_flag(const std::string& field);
// The flags set on a template (nullopt: no such template).
std::optional<std::set<std::string>> template_prompts(store::Database& db, int64_t template_id);
// Throws JobSpecError (bad_request, naming the field) for the first
// non-null field of `overrides` that `prompts` does not allow, in AWX's
// words ("Field is not configured to prompt on launch.").
void check_launch_overrides(const std::set<std::string>& prompts, const Value& overrides);

// The launch overrides with a CMDB-query template's limit kept: its query
// is a limit (role_cache:&edge), so a launch's `limit` narrows it
// (role_cache:&edge:&web1) and never widens the run to the whole CMDB. An
// override that replaces the inventory drops the query.
Value narrow_launch_limit(store::Database& db, int64_t template_id, Value overrides);

// Whether `who` may use credential `credential_id` in a job: admins always;
// its owner; a user listed in its allowed_users; a user whose role is in
// its allowed_roles. nullopt when there is no such credential.
std::optional<bool> may_use_credential(store::Database& db, int64_t credential_id, const Principal& who);

struct CredentialKind {
  std::string kind;      // ssh_key, password, become, vault
  std::string vault_id;  // kind vault: its label, "" for Ansible's default
};
// nullopt when there is no such credential.
std::optional<CredentialKind> credential_kind(store::Database& db, int64_t credential_id);

// Throws drover::Error when the credential is missing or cannot be opened.
// A vault credential gives one vault secret (vault_id "default" when none).
JobSecrets credential_secrets(store::Database& db, const CredentialVault& vault, int64_t credential_id);

}  // namespace drover::server
