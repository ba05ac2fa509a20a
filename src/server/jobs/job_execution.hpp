// Running one job in this process: a JobSpec (playbook or ad-hoc module)
// through the playbook engine, exactly as `drover play` would run it, with
// every engine event handed to the caller's PlaybookCallback. The server
// calls it only inside a job process (`drover job-exec`, in its sandbox);
// the server itself never runs a job in its own address space.
//
// An ad-hoc job is run as a one-task play (hosts: PATTERN, gather_facts:
// false, tasks: [MODULE: ARGS]), so that both kinds produce the same event
// stream (docs/JSON_EVENTS.md) and the same stdout. Secrets (an SSH key, a
// password, a become password, vault passwords) arrive already decrypted;
// a key is written to the job's work directory with mode 0600 for the run
// and removed when execute_job returns, even on an exception; vault
// passwords become the process keyring and are never written anywhere.
//
// Errors found before any host is touched (a missing playbook, a YAML
// error, an unknown module, a bad inventory) end the job in state `error`
// with the message; they are not thrown. A run that targeted no host
// because an inventory source could not be parsed ends `failed` with the
// inventory warnings as its error (ansible-playbook would exit 0).
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "core/vault.hpp"
#include "output/playbook_events.hpp"
#include "server/jobs/job_spec.hpp"

namespace drover::server {

struct JobSecrets {
  std::optional<std::string> remote_user;
  std::optional<std::string> ssh_private_key;  // the key file's content
  std::optional<std::string> password;
  std::optional<std::string> become_password;
  // Ansible Vault passwords (vault credentials), in the order Ansible
  // tries them; the job process makes them its keyring (core/vault.hpp).
  std::vector<VaultSecret> vault;
};

// Final states of a job (`pending` and `running` come before).
enum class JobState { pending, running, successful, failed, canceled, error };
const char* job_state_name(JobState s);
// nullopt for an unknown name.
std::optional<JobState> parse_job_state(const std::string& name);
bool is_final(JobState s);

struct JobOutcome {
  JobState state = JobState::error;
  int rc = 1;                   // ansible-playbook's exit code
  std::string error;            // why, for state error
  Value recap = Value::object();  // host -> {ok, changed, unreachable, failures, skipped, rescued, ignored}
};

struct JobRun {
  const JobSpec* spec = nullptr;
  JobSecrets secrets;
  std::string work_dir;  // exists; the job's private files go here
  // Set from any thread to cancel: the run stops on every host and the
  // outcome is `canceled`.
  std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
};

JobOutcome execute_job(const JobRun& run, PlaybookCallback& events);

}  // namespace drover::server
