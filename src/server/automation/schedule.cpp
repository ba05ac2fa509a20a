#include "server/automation/schedule.hpp"

namespace drover::server {

ScheduleTiming::ScheduleTiming(const std::string& cron, std::optional<SysSeconds> run_at, const std::string& zone)
    : run_at_(run_at), zone_(TimeZone::load(zone)) {
  if (!cron.empty()) cron_ = CronExpr::parse(cron);
}

std::optional<SysSeconds> ScheduleTiming::next_after(SysSeconds after) const {
  if (cron_) return cron_->next_after(after, zone_);
  if (run_at_ && *run_at_ > after) return run_at_;
  return std::nullopt;
}

std::vector<SysSeconds> ScheduleTiming::next_runs(SysSeconds after, size_t count) const {
  if (cron_) return cron_->next_runs(after, zone_, count);
  std::vector<SysSeconds> out;
  if (auto t = next_after(after); t && count > 0) out.push_back(*t);
  return out;
}

}  // namespace drover::server
