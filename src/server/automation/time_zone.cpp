#include "server/automation/time_zone.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>

#include "core/error.hpp"

namespace drover::server {
namespace {

using namespace std::chrono;

constexpr const char* kZoneDir = "/usr/share/zoneinfo/";

int64_t read_be(const std::string& data, size_t at, int bytes) {
  if (at + bytes > data.size()) throw Error("truncated TZif file");
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(data[at + i]);
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

// [+-]hh[:mm[:ss]] as seconds; advances `i`.
int parse_hms(const std::string& s, size_t& i) {
  int sign = 1;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) sign = s[i++] == '-' ? -1 : 1;
  int parts[3] = {0, 0, 0};
  for (int k = 0; k < 3; ++k) {
    if (k > 0) {
      if (i >= s.size() || s[i] != ':') break;
      ++i;
    }
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) throw Error("bad time in TZ rule '" + s + "'");
    int v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) v = v * 10 + (s[i++] - '0');
    parts[k] = v;
  }
  return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
}

void skip_name(const std::string& s, size_t& i) {
  if (i < s.size() && s[i] == '<') {
    size_t close = s.find('>', i);
    if (close == std::string::npos) throw Error("unterminated <name> in TZ rule '" + s + "'");
    i = close + 1;
    return;
  }
  size_t from = i;
  while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
  if (i - from < 3) throw Error("bad zone name in TZ rule '" + s + "'");
}

int parse_number(const std::string& s, size_t& i) {
  if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) throw Error("bad date in TZ rule '" + s + "'");
  int v = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) v = v * 10 + (s[i++] - '0');
  return v;
}

TimeZone::Rule::When parse_when(const std::string& s, size_t& i) {
  TimeZone::Rule::When w;
  if (i < s.size() && s[i] == 'M') {
    ++i;
    w.month = parse_number(s, i);
    if (i >= s.size() || s[i++] != '.') throw Error("bad date in TZ rule '" + s + "'");
    w.week = parse_number(s, i);
    if (i >= s.size() || s[i++] != '.') throw Error("bad date in TZ rule '" + s + "'");
    w.day = parse_number(s, i);
    if (w.month < 1 || w.month > 12 || w.week < 1 || w.week > 5 || w.day > 6)
      throw Error("bad date in TZ rule '" + s + "'");
  } else if (i < s.size() && s[i] == 'J') {
    ++i;
    w.form = 'J';
    w.day = parse_number(s, i);
  } else {
    w.form = 'D';
    w.day = parse_number(s, i);
  }
  if (i < s.size() && s[i] == '/') {
    ++i;
    w.time = parse_hms(s, i);
  }
  return w;
}

// The local midnight (as seconds counted like UTC) of the rule's day in `y`.
int64_t rule_day(const TimeZone::Rule::When& w, int y) {
  year yy{y};
  if (w.form == 'M') {
    sys_days first = year_month_day{yy, month{static_cast<unsigned>(w.month)}, day{1}};
    int wd = static_cast<int>(weekday{first}.c_encoding());
    int d = 1 + (w.day - wd + 7) % 7 + (w.week - 1) * 7;
    int last = static_cast<int>(static_cast<unsigned>(
        year_month_day_last{yy, month_day_last{month{static_cast<unsigned>(w.month)}}}.day()));
    while (d > last) d -= 7;
    return (first + days{d - 1}).time_since_epoch().count() * 86400LL;
  }
  sys_days jan1 = year_month_day{yy, January, day{1}};
  int n = w.day;
  if (w.form == 'J') n = n - 1 + ((yy.is_leap() && w.day >= 60) ? 1 : 0);
  return (jan1 + days{n}).time_since_epoch().count() * 86400LL;
}

int rule_offset(const TimeZone::Rule& r, int64_t t) {
  if (!r.has_dst) return r.std_offset;
  int y = static_cast<int>(year_month_day{floor<days>(sys_seconds{seconds{t + r.std_offset}})}.year());
  int64_t start = rule_day(r.start, y) + r.start.time - r.std_offset;
  int64_t end = rule_day(r.end, y) + r.end.time - r.dst_offset;
  bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
  return dst ? r.dst_offset : r.std_offset;
}

}  // namespace

TimeZone::Rule parse_posix_tz(const std::string& s) {
  TimeZone::Rule r;
  size_t i = 0;
  skip_name(s, i);
  r.std_offset = -parse_hms(s, i);
  r.dst_offset = r.std_offset;
  if (i == s.size()) return r;
  r.has_dst = true;
  skip_name(s, i);
  r.dst_offset = r.std_offset + 3600;
  if (i < s.size() && s[i] != ',') r.dst_offset = -parse_hms(s, i);
  if (i == s.size()) {  // POSIX leaves the dates to the implementation; glibc uses the US rule
    r.start = {'M', 3, 2, 0, 7200};
    r.end = {'M', 11, 1, 0, 7200};
    return r;
  }
  if (s[i++] != ',') throw Error("bad TZ rule '" + s + "'");
  r.start = parse_when(s, i);
  if (i >= s.size() || s[i++] != ',') throw Error("bad TZ rule '" + s + "'");
  r.end = parse_when(s, i);
  if (i != s.size()) throw Error("bad TZ rule '" + s + "'");
  return r;
}

TimeZone TimeZone::utc() {
  TimeZone z;
  z.name_ = "UTC";
  return z;
}

TimeZone TimeZone::load(const std::string& name) {
  if (name == "UTC" || name == "Etc/UTC") {
    TimeZone z = utc();
    z.name_ = name;
    return z;
  }
  bool safe = !name.empty() && name[0] != '/' && name.find("..") == std::string::npos &&
              std::all_of(name.begin(), name.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+';
              });
  if (!safe) throw Error("unknown time zone '" + name + "'");
  std::ifstream in(kZoneDir + name, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) throw Error("unknown time zone '" + name + "'");
  if (data.size() < 44 || data.compare(0, 4, "TZif") != 0) throw Error("unknown time zone '" + name + "'");
  TimeZone z;
  z.name_ = name;
  try {
    bool v2 = data[4] >= '2';
    size_t at = 0;
    int time_bytes = 4;
    auto counts = [&](size_t h) {
      std::vector<int64_t> c;
      for (int k = 0; k < 6; ++k) c.push_back(read_be(data, h + 20 + 4 * k, 4));
      return c;  // isutcnt isstdcnt leapcnt timecnt typecnt charcnt
    };
    auto c = counts(0);
    if (v2) {  // skip the 32-bit block; read the 64-bit one after it
      at = 44 + c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
      c = counts(at);
      time_bytes = 8;
    }
    size_t p = at + 44;
    int64_t timecnt = c[3], typecnt = c[4];
    if (typecnt < 1) throw Error("no local time types");
    std::vector<int64_t> times;
    for (int64_t k = 0; k < timecnt; ++k) times.push_back(read_be(data, p + k * time_bytes, time_bytes));
    p += timecnt * time_bytes;
    std::vector<int> index;
    for (int64_t k = 0; k < timecnt; ++k) index.push_back(static_cast<unsigned char>(data.at(p + k)));
    p += timecnt;
    std::vector<int> type_offset;
    for (int64_t k = 0; k < typecnt; ++k) type_offset.push_back(static_cast<int>(read_be(data, p + k * 6, 4)));
    p += typecnt * 6 + c[5] + c[2] * (time_bytes + 4) + c[1] + c[0];
    z.initial_offset_ = type_offset[0];
    for (int64_t k = 0; k < timecnt; ++k) {
      if (index[k] >= typecnt) throw Error("bad local time type");
      z.transitions_.push_back(times[k]);
      z.offsets_.push_back(type_offset[index[k]]);
    }
    if (v2 && p < data.size() && data[p] == '\n') {
      size_t nl = data.find('\n', p + 1);
      std::string footer = data.substr(p + 1, nl == std::string::npos ? std::string::npos : nl - p - 1);
      if (!footer.empty()) {
        z.rule_ = parse_posix_tz(footer);
        z.has_rule_ = true;
      }
    }
  } catch (const std::exception& e) {
    throw Error("time zone '" + name + "': " + e.what());
  }
  return z;
}

int TimeZone::offset_at(sys_seconds t) const {
  int64_t s = t.time_since_epoch().count();
  if (transitions_.empty() || s >= transitions_.back()) {
    if (has_rule_) return rule_offset(rule_, s);
    return transitions_.empty() ? initial_offset_ : offsets_.back();
  }
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s);
  if (it == transitions_.begin()) return initial_offset_;
  return offsets_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

local_seconds TimeZone::to_local(sys_seconds t) const {
  return local_seconds{t.time_since_epoch() + seconds{offset_at(t)}};
}

TimeZone::Mapping TimeZone::to_sys(local_seconds t) const {
  int64_t l = t.time_since_epoch().count();
  int before = offset_at(sys_seconds{seconds{l - 86400}});
  int after = offset_at(sys_seconds{seconds{l + 86400}});
  std::vector<int64_t> valid;
  for (int o : {before, after})
    if (offset_at(sys_seconds{seconds{l - o}}) == o) valid.push_back(l - o);
  std::sort(valid.begin(), valid.end());
  valid.erase(std::unique(valid.begin(), valid.end()), valid.end());
  Mapping m;
  if (valid.size() == 1) {
    m.first = m.second = sys_seconds{seconds{valid[0]}};
  } else if (valid.size() == 2) {
    m.kind = Mapping::repeated;
    m.first = sys_seconds{seconds{valid[0]}};
    m.second = sys_seconds{seconds{valid[1]}};
  } else {
    // Skipped: the gap ends at the first instant in [l - after, l - before]
    // that has the later offset.
    m.kind = Mapping::gap;
    int64_t lo = l - after, hi = l - before;
    int later = offset_at(sys_seconds{seconds{hi}});
    while (lo < hi) {
      int64_t mid = lo + (hi - lo) / 2;
      if (offset_at(sys_seconds{seconds{mid}}) == later) hi = mid; else lo = mid + 1;
    }
    m.first = m.second = sys_seconds{seconds{lo}};
  }
  return m;
}

}  // namespace drover::server
