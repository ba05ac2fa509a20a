// /api/v1/schedules (viewer reads, operator writes) and the scheduler
// thread: the "schedules" entry of server_components().
//
//   GET/POST /api/v1/schedules, GET/PATCH/DELETE /api/v1/schedules/{id}
//   GET /api/v1/schedules/{id}/runs    the slots fired: launched, skipped, refused
//
// A schedule is {name, template_id, cron | run_at, time_zone, overrides,
// enabled, missed_runs: skip|run_once}. Creating or changing one checks
// that the caller could launch the template with those overrides right now
// (the same checks as POST /api/v1/jobs: 400 for an override the template
// does not prompt for, 403 for a credential the caller may not use), and
// makes the caller its owner: the scheduler launches as the owner.
// Answers carry next_run and next_runs (the next five, while enabled).
#pragma once

#include <memory>

#include "server/automation/clock.hpp"
#include "server/components.hpp"

namespace drover::server {

// `clock`: what the scheduler and the answers read (nullptr: the system's).
Component schedules_component(std::shared_ptr<const Clock> clock = nullptr);

}  // namespace drover::server
