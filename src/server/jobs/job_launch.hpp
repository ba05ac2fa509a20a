// The one path by which a job is queued: the API's submit and relaunch,
// and the server's own launchers (schedules, incoming webhooks), so that
// every launch is held to the same rules for the same person.
//
// * template_launch_spec(): a template's spec with a launch's overrides, as
//   POST /api/v1/jobs {"template_id": N, ...} builds it (only the fields the
//   template's prompt-on-launch flags allow; a CMDB query's limit narrowed,
//   never widened; extra_vars only the template's launch form declares,
//   unless it prompts for variables: launch_form.hpp, answers checked,
//   defaults filled, passwords sealed into JobSpec::sealed_vars). 404 for
//   no template, 400 for a refused override or answer, naming the field.
// * queue_job(): the launch checks (launch_checks.hpp: credential use,
//   project paths) for `who`, the playbook's existence, then the job and its
//   audit entry (and `also`, e.g. a schedule's slot) in one transaction.
// Throws ApiError; nothing is written when a check fails.
#pragma once

#include <cstdint>
#include <string>

#include "server/api_error.hpp"
#include "server/context.hpp"
#include "server/jobs/job_spec.hpp"
#include "server/roles.hpp"
#include "store/job_store.hpp"

namespace drover::server {

struct JobLaunch {
  JobSpec spec;
  Principal who;        // the job's creator; its rights are checked
  std::string address;  // for the audit entry: the client's address, or "scheduler", "webhook"
  std::string action;   // the audit action: submit, relaunch, schedule, webhook
  Value audit_details = Value::object();
};

JobSpec template_launch_spec(ServerContext& ctx, int64_t template_id, const Value& overrides);

// A template's spec as a workflow node runs it: `vars` laid over the
// template's extra vars without its prompt-on-launch rules (the workflow's
// author chose them, and set_stats data is not a launch prompt); its launch
// form checks the answers it declares and fills its defaults. `limit`, when
// not empty, replaces the limit (a rolling deploy's batch). 404, 400.
JobSpec template_workflow_spec(ServerContext& ctx, int64_t template_id, const Value& vars, const std::string& limit);

// Returns the new job's id (pending; workers poll the database every second,
// the API's callers also wake them).
int64_t queue_job(ServerContext& ctx, store::JobStore& jobs, const JobLaunch& launch,
                  const store::AlsoInTransaction& also = {});

// A JobSpecError as the API's 400.
ApiError spec_error(const JobSpecError& e);

}  // namespace drover::server
