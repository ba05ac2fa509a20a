// When a schedule fires: a cron expression in a time zone, or once at a
// given time (run_at). Built from the stored or requested fields; the
// scheduler (scheduler.hpp) and the API (schedule_routes.cpp) share it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/automation/clock.hpp"
#include "server/automation/cron.hpp"
#include "server/automation/time_zone.hpp"

namespace drover::server {

class ScheduleTiming {
 public:
  // Exactly one of `cron` (non-empty) and `run_at`. Throws drover::Error
  // for a bad expression or an unknown time zone.
  ScheduleTiming(const std::string& cron, std::optional<SysSeconds> run_at, const std::string& zone);

  // The first slot strictly after `after`; nullopt when there is none (a
  // run-once schedule that has fired, a cron day that never comes).
  std::optional<SysSeconds> next_after(SysSeconds after) const;
  std::vector<SysSeconds> next_runs(SysSeconds after, size_t count) const;

 private:
  std::optional<CronExpr> cron_;
  std::optional<SysSeconds> run_at_;
  TimeZone zone_;
};

}  // namespace drover::server
