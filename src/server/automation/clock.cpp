#include "server/automation/clock.hpp"

#include <cstdio>

#include "store/sqlite.hpp"

namespace drover::server {

std::string stored_time(SysSeconds t) { return store::timestamp_at(std::chrono::system_clock::time_point(t)); }

std::optional<SysSeconds> parse_time(const std::string& text) {
  auto stored = store::normalize_timestamp(text);
  if (!stored) return std::nullopt;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(stored->c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6) return std::nullopt;
  using namespace std::chrono;
  sys_days day = year_month_day{year{y}, month{static_cast<unsigned>(mo)}, std::chrono::day{static_cast<unsigned>(d)}};
  return SysSeconds{day} + hours{h} + minutes{mi} + seconds{s};
}

}  // namespace drover::server
