#include "server/automation/cron.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "core/error.hpp"

namespace drover::server {
namespace {

using namespace std::chrono;

struct FieldSpec {
  const char* name;
  int min, max;
  std::vector<std::string> names;  // names[i] stands for min + i
};

const FieldSpec kFields[5] = {
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day of month", 1, 31, {}},
    {"month", 1, 12, {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
    {"day of week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
};

const std::map<std::string, std::string>& macros() {
  static const std::map<std::string, std::string> m = {
      {"@yearly", "0 0 1 1 *"},  {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
      {"@daily", "0 0 * * *"},   {"@midnight", "0 0 * * *"}, {"@hourly", "0 * * * *"},
  };
  return m;
}

[[noreturn]] void fail(const FieldSpec& f, const std::string& part, const std::string& why) {
  throw Error(std::string("cron field '") + f.name + "': '" + part + "' " + why);
}

int parse_value(const FieldSpec& f, const std::string& text, const std::string& part) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    if (text.size() > 3) fail(f, part, "is out of range");
    int v = std::stoi(text);
    if (v < f.min || v > f.max)
      fail(f, part, "is out of range " + std::to_string(f.min) + "-" + std::to_string(f.max));
    return v;
  }
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (size_t i = 0; i < f.names.size(); ++i)
    if (f.names[i] == lower) return f.min + static_cast<int>(i);
  fail(f, part, f.names.empty() ? "is not a number" : "is not a number or a name (" + f.names[0] + "...)");
}

// Sets the bits of one field (a comma list); the values are f.min..f.max.
std::vector<bool> parse_field(const FieldSpec& f, const std::string& text) {
  std::vector<bool> bits(f.max + 1, false);
  std::stringstream list(text);
  std::string part;
  bool any = false;
  while (std::getline(list, part, ',')) {
    any = true;
    if (part.empty()) fail(f, text, "has an empty list item");
    std::string range = part;
    int step = 1;
    size_t slash = part.find('/');
    if (slash != std::string::npos) {
      range = part.substr(0, slash);
      std::string s = part.substr(slash + 1);
      if (s.empty() || s.size() > 3 || !std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) ||
          std::stoi(s) == 0)
        fail(f, part, "has a bad step (a number from 1)");
      step = std::stoi(s);
    }
    int lo = f.min, hi = f.max;
    if (range != "*") {
      size_t dash = range.find('-');
      if (dash == std::string::npos) {
        lo = parse_value(f, range, part);
        hi = slash == std::string::npos ? lo : f.max;
      } else {
        lo = parse_value(f, range.substr(0, dash), part);
        hi = parse_value(f, range.substr(dash + 1), part);
        if (hi < lo) fail(f, part, "is a range that runs backwards");
      }
    }
    for (int v = lo; v <= hi; v += step) bits[v] = true;
  }
  if (!any) fail(f, text, "is empty");
  return bits;
}

template <size_t N>
void copy_bits(std::bitset<N>& out, const std::vector<bool>& bits) {
  for (size_t i = 0; i < bits.size() && i < N; ++i) out[i] = bits[i];
}

}  // namespace

CronExpr CronExpr::parse(const std::string& input) {
  std::string text = input;
  auto first = text.find_first_not_of(" \t");
  if (first != std::string::npos && text[first] == '@') {
    std::string word = text.substr(first, text.find_last_not_of(" \t") - first + 1);
    std::string lower;
    for (char c : word) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto it = macros().find(lower);
    if (it == macros().end())
      throw Error("cron '" + word + "' is not one of @yearly @annually @monthly @weekly @daily @midnight @hourly");
    text = it->second;
  }
  std::istringstream in(text);
  std::vector<std::string> fields;
  for (std::string f; in >> f;) fields.push_back(f);
  if (fields.size() != 5)
    throw Error("cron expression '" + input + "' has " + std::to_string(fields.size()) +
                " fields; expected 5 (minute hour day-of-month month day-of-week) or a macro such as @daily");
  CronExpr e;
  copy_bits(e.minutes_, parse_field(kFields[0], fields[0]));
  copy_bits(e.hours_, parse_field(kFields[1], fields[1]));
  copy_bits(e.days_, parse_field(kFields[2], fields[2]));
  copy_bits(e.months_, parse_field(kFields[3], fields[3]));
  auto weekdays = parse_field(kFields[4], fields[4]);
  if (weekdays[7]) weekdays[0] = true;
  weekdays.resize(7);
  copy_bits(e.weekdays_, weekdays);
  e.day_star_ = fields[2][0] == '*';
  e.weekday_star_ = fields[4][0] == '*';
  e.fixed_time_ = fields[0][0] != '*' && fields[1][0] != '*';
  return e;
}

bool CronExpr::day_matches(year_month_day ymd) const {
  if (!months_[static_cast<unsigned>(ymd.month())]) return false;
  bool dom = days_[static_cast<unsigned>(ymd.day())];
  bool dow = weekdays_[weekday{sys_days{ymd}}.c_encoding()];
  return (day_star_ || weekday_star_) ? (dom && dow) : (dom || dow);
}

std::optional<sys_seconds> CronExpr::next_after(sys_seconds after, const TimeZone& zone) const {
  local_days start = floor<days>(zone.to_local(after)) - days{1};
  for (int d = 0; d < 366 * 8 + 2; ++d) {
    local_days day = start + days{d};
    if (!day_matches(year_month_day{sys_days{day.time_since_epoch()}})) continue;
    std::optional<sys_seconds> best;
    auto consider = [&](sys_seconds t) {
      if (t > after && (!best || t < *best)) best = t;
    };
    for (int h = 0; h < 24; ++h) {
      if (!hours_[h]) continue;
      for (int m = 0; m < 60; ++m) {
        if (!minutes_[m]) continue;
        auto map = zone.to_sys(day + hours{h} + minutes{m});
        if (map.kind == TimeZone::Mapping::unique) {
          consider(map.first);
        } else if (map.kind == TimeZone::Mapping::repeated) {
          consider(map.first);
          if (!fixed_time_) consider(map.second);
        } else if (fixed_time_) {
          consider(map.first);  // skipped: runs when the gap ends
        }
      }
    }
    if (best) return best;
  }
  return std::nullopt;
}

std::vector<sys_seconds> CronExpr::next_runs(sys_seconds after, const TimeZone& zone, size_t count) const {
  std::vector<sys_seconds> out;
  while (out.size() < count) {
    auto t = next_after(after, zone);
    if (!t) break;
    out.push_back(*t);
    after = *t;
  }
  return out;
}

}  // namespace drover::server
