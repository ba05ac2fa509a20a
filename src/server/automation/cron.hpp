// A cron expression as Vixie cron (Debian's `cron` package) reads it, and
// the times it fires at in a time zone.
//
// Five fields: minute (0-59), hour (0-23), day of month (1-31), month (1-12
// or jan-dec), day of week (0-7, 0 and 7 are Sunday, or sun-sat). Each is a
// list of `*`, `N`, `N-M`, with an optional `/STEP` (`*/15`, `1-10/3`,
// `5/20` = 5-59/20 as cronie); names are case-insensitive. Macros: @yearly
// @annually @monthly @weekly @daily @midnight @hourly (@reboot is not a
// time: refused). Vixie's day rule: when both the day-of-month and the
// day-of-week field are restricted (neither starts with `*`), a day matches
// when EITHER matches ("0 0 1 * mon" = the 1st and every Monday).
//
// Daylight saving time, as Debian's cron does it: a job with a fixed time
// (neither its minute nor its hour field starts with `*`) whose time is
// skipped when clocks go forward runs when the gap ends (02:30 -> at 03:00),
// and runs once, at the first occurrence, in an hour repeated when clocks go
// back. A job with a wildcard minute or hour follows the wall clock: the
// skipped times do not happen, the repeated ones happen twice.
#pragma once

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "server/automation/time_zone.hpp"

namespace drover::server {

class CronExpr {
 public:
  // Throws drover::Error naming the field and the bad part.
  static CronExpr parse(const std::string& text);

  // The first time strictly after `after` that the expression fires in
  // `zone`; nullopt when it never does within 8 years (e.g. "0 0 30 2 *").
  std::optional<std::chrono::sys_seconds> next_after(std::chrono::sys_seconds after, const TimeZone& zone) const;
  // The next `count` times after `after` (fewer when it stops firing).
  std::vector<std::chrono::sys_seconds> next_runs(std::chrono::sys_seconds after, const TimeZone& zone,
                                                  size_t count) const;

 private:
  bool day_matches(std::chrono::year_month_day ymd) const;

  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;    // 1..31
  std::bitset<13> months_;  // 1..12
  std::bitset<8> weekdays_; // 0..6 (7 folded into 0)
  bool day_star_ = false, weekday_star_ = false;
  bool fixed_time_ = false;
};

}  // namespace drover::server
