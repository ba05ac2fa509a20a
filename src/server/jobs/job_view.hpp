// How jobs and their events look in the API (GET /api/v1/jobs,
// /jobs/{id}, /jobs/{id}/events) and in the job's stdout: one place for the
// JSON shape so that every endpoint shows a job the same way.
#pragma once

#include <string>
#include <vector>

#include "core/value.hpp"
#include "server/jobs/event_hub.hpp"
#include "store/job_store.hpp"

namespace drover::server {

// {id, kind, name, state, template_id, created_by, created, started,
//  finished, exit_code, error, cancel_requested, last_event, spec, recap}
Value job_json(const store::JobRecord& job);

// An event as the API returns it: the stored JSON line, parsed.
Value event_json(const store::JobEventRow& event);

// The job's output as `drover play` prints it (ansible-playbook's default
// callback, no colours), rebuilt from its stored events; a job that ended
// in `error` gets "ERROR! <message>" at the end, as ansible-playbook prints
// errors found before the run.
std::string job_stdout(const store::JobRecord& job, const std::vector<store::JobEventRow>& events);

}  // namespace drover::server
