// A time zone of the system's tz database (/usr/share/zoneinfo, Debian's
// tzdata), read from its TZif file: the transitions it lists and, past the
// last one, the POSIX TZ rule in its footer ("CET-1CEST,M3.5.0,M10.5.0/3").
// libstdc++ 12 has no std::chrono::tzdb (GCC 13 adds it), hence this reader.
//
// Times are whole seconds: "sys" is UTC, "local" is the wall clock of the
// zone counted as if it were UTC (std::chrono's local_seconds).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace drover::server {

class TimeZone {
 public:
  // "UTC" and the names under /usr/share/zoneinfo ("Asia/Shanghai").
  // Throws drover::Error for an unknown name, a path outside the database
  // or a file that is not TZif.
  static TimeZone load(const std::string& name);
  static TimeZone utc();

  const std::string& name() const { return name_; }
  // Seconds east of UTC in effect at `t`.
  int offset_at(std::chrono::sys_seconds t) const;
  std::chrono::local_seconds to_local(std::chrono::sys_seconds t) const;

  // The UTC instants that show local time `t`: one; two in a repeated hour
  // (clocks set back: `first` < `second`); none in a skipped one (clocks set
  // forward: `kind` gap, and `first` is the instant the gap ends).
  struct Mapping {
    enum Kind { unique, repeated, gap } kind = unique;
    std::chrono::sys_seconds first, second;
  };
  Mapping to_sys(std::chrono::local_seconds t) const;

  // The POSIX rule part, public for the tests: DST from `start` to `end`.
  struct Rule {
    int std_offset = 0, dst_offset = 0;  // seconds east of UTC
    bool has_dst = false;
    struct When {
      char form = 'M';        // 'M' (month.week.day), 'J' (1..365, no Feb 29), 'D' (0..365)
      int month = 0, week = 0, day = 0;
      int time = 7200;        // seconds after local midnight (may be negative or > 24 h)
    } start, end;
  };

 private:
  std::string name_;
  std::vector<int64_t> transitions_;  // UTC seconds, ascending
  std::vector<int> offsets_;          // offset after each transition
  int initial_offset_ = 0;            // before the first one
  bool has_rule_ = false;
  Rule rule_;
};

// Parses a POSIX TZ string ("EST5EDT,M3.2.0,M11.1.0", "<+08>-8"); throws
// drover::Error.
TimeZone::Rule parse_posix_tz(const std::string& text);

}  // namespace drover::server
