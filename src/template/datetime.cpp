#include "template/datetime.hpp"

#include <sys/time.h>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <memory>

#include "core/pyrepr.hpp"
#include "template/renderer.hpp"
#include "template/template_error.hpp"

namespace drover::tmpl {
namespace {

constexpr int64_t kUsPerSec = 1'000'000;
constexpr int64_t kUsPerDay = 86'400 * kUsPerSec;
// 9999-12-31 23:59:59.999999, Python's datetime.max.
constexpr int64_t kMaxMicros = 3'652'059 * kUsPerDay - 1;

bool leap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

int days_in_month(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

int64_t days_before_year(int64_t y) {
  int64_t p = y - 1;
  return p * 365 + p / 4 - p / 100 + p / 400;
}

// Days since 0001-01-01 (Python's toordinal() - 1).
int64_t days_from_civil(int64_t y, int m, int d) {
  int64_t n = days_before_year(y);
  for (int i = 1; i < m; ++i) n += days_in_month(y, i);
  return n + d - 1;
}

struct Civil {
  int64_t year;
  int month, day, hour, minute, second, micro;
  int weekday;  // Monday = 0, as Python's weekday()
  int yday;     // 1-based
};

Civil civil_from_micros(int64_t us) {
  Civil c{};
  int64_t days = us / kUsPerDay;
  int64_t rem = us % kUsPerDay;
  c.weekday = static_cast<int>(days % 7);  // 0001-01-01 was a Monday
  int64_t y = days / 366 + 1;
  while (days_before_year(y + 1) <= days) ++y;
  c.year = y;
  int64_t doy = days - days_before_year(y);
  c.yday = static_cast<int>(doy) + 1;
  int m = 1;
  while (doy >= days_in_month(y, m)) doy -= days_in_month(y, m++);
  c.month = m;
  c.day = static_cast<int>(doy) + 1;
  c.hour = static_cast<int>(rem / (3600 * kUsPerSec));
  c.minute = static_cast<int>(rem / (60 * kUsPerSec) % 60);
  c.second = static_cast<int>(rem / kUsPerSec % 60);
  c.micro = static_cast<int>(rem % kUsPerSec);
  return c;
}

Val make(Object::Type t, int64_t us) { return Val::object(std::make_shared<DateTimeObj>(t, us)); }

Val make_datetime(int64_t us) {
  if (us < 0 || us > kMaxMicros) fail("date value out of range");
  return make(Object::Type::DateTime, us);
}

int64_t micros_of(const Val& v) { return v.obj_as<DateTimeObj>()->micros; }

std::string two(int v) {
  char b[8];
  std::snprintf(b, sizeof b, "%02d", v);
  return b;
}

// Python's datetime.strftime: C's strftime plus %f, and %z/%Z empty for a
// naive datetime.
std::string format_datetime(const Civil& c, const std::string& fmt) {
  std::string f;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] == '%' && i + 1 < fmt.size()) {
      char d = fmt[i + 1];
      if (d == 'f') {
        char b[8];
        std::snprintf(b, sizeof b, "%06d", c.micro);
        f += b;
        ++i;
        continue;
      }
      if (d == 'z' || d == 'Z') {
        ++i;
        continue;
      }
      f += fmt[i];
      f += d;
      ++i;
      continue;
    }
    f += fmt[i];
  }
  if (f.empty()) return f;
  std::tm tm{};
  tm.tm_year = static_cast<int>(c.year - 1900);
  tm.tm_mon = c.month - 1;
  tm.tm_mday = c.day;
  tm.tm_hour = c.hour;
  tm.tm_min = c.minute;
  tm.tm_sec = c.second;
  tm.tm_wday = (c.weekday + 1) % 7;
  tm.tm_yday = c.yday - 1;
  tm.tm_isdst = -1;
  std::string out(f.size() * 4 + 64, '\0');
  size_t n = std::strftime(out.data(), out.size(), f.c_str(), &tm);
  out.resize(n);
  return out;
}

Val method(const char* name, NativeFn fn) { return Val::object(std::make_shared<Callable>(name, std::move(fn))); }

[[noreturn]] void bad_operands(char op, const Val& a, const Val& b) {
  auto tn = [](const Val& v) {
    if (is_datetime(v)) return std::string("datetime.datetime");
    if (is_timedelta(v)) return std::string("datetime.timedelta");
    return type_name(v);
  };
  fail(std::string("unsupported operand type(s) for ") + op + ": '" + tn(a) + "' and '" + tn(b) + "'");
}

// ---- strptime, after CPython's _strptime: each directive matches a
// bounded run of digits or a name, whitespace in the format matches any
// run of whitespace, letters match without regard to case.

const char* const kMonths[] = {"january", "february", "march", "april", "may", "june", "july",
                               "august", "september", "october", "november", "december"};
const char* const kDays[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

struct Scanner {
  const std::string& s;
  size_t p = 0;

  // Up to `width` digits, the longest prefix whose value is <= max.
  bool number(int width, int64_t min, int64_t max, int64_t& out) {
    size_t start = p;
    int64_t v = 0;
    size_t best = 0;
    int64_t best_v = 0;
    for (int i = 0; i < width && p < s.size() && std::isdigit(static_cast<unsigned char>(s[p])); ++i, ++p) {
      v = v * 10 + (s[p] - '0');
      if (v <= max && v >= min) {
        best = p + 1 - start;
        best_v = v;
      }
    }
    p = start + best;
    out = best_v;
    return best > 0;
  }

  // A full or 3-letter name from `names`; its index.
  bool name(const char* const* names, int count, int& out) {
    int found = -1;
    size_t len = 0;
    for (int i = 0; i < count; ++i) {
      std::string full = names[i];
      for (size_t l : {full.size(), size_t{3}}) {
        if (p + l > s.size() || l <= len) continue;
        bool ok = true;
        for (size_t k = 0; k < l && ok; ++k)
          ok = std::tolower(static_cast<unsigned char>(s[p + k])) == full[k];
        if (ok) {
          found = i;
          len = l;
        }
      }
    }
    if (found < 0) return false;
    p += len;
    out = found;
    return true;
  }
};

}  // namespace

bool is_datetime(const Val& v) { return v.is_object(Object::Type::DateTime); }
bool is_timedelta(const Val& v) { return v.is_object(Object::Type::TimeDelta); }

Val parse_datetime(const std::string& text, const std::string& format) {
  Scanner sc{text};
  int64_t year = 1900, month = 1, day = 1, hour = 0, minute = 0, second = 0, micro = 0, yday = -1, hour12 = -1;
  int pm = -1;
  auto mismatch = [&]() -> void {
    fail("time data " + python_string_repr(text) + " does not match format " + python_string_repr(format));
  };
  for (size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      while (i + 1 < format.size() && std::isspace(static_cast<unsigned char>(format[i + 1]))) ++i;
      size_t start = sc.p;
      while (sc.p < text.size() && std::isspace(static_cast<unsigned char>(text[sc.p]))) ++sc.p;
      if (sc.p == start) mismatch();
      continue;
    }
    if (c != '%') {
      if (sc.p >= text.size() ||
          std::tolower(static_cast<unsigned char>(text[sc.p])) != std::tolower(static_cast<unsigned char>(c)))
        mismatch();
      ++sc.p;
      continue;
    }
    if (++i >= format.size()) fail("stray % in format " + python_string_repr(format));
    char d = format[i];
    bool ok = true;
    int idx = 0;
    switch (d) {
      case 'Y': {
        size_t start = sc.p;
        ok = sc.number(4, 0, 9999, year) && sc.p - start == 4;
        break;
      }
      case 'y':
        ok = sc.number(2, 0, 99, year) && (year += year < 69 ? 2000 : 1900);
        break;
      case 'm': ok = sc.number(2, 1, 12, month); break;
      case 'd': ok = sc.number(2, 1, 31, day); break;
      case 'H': ok = sc.number(2, 0, 23, hour); break;
      case 'I': ok = sc.number(2, 1, 12, hour12); break;
      case 'M': ok = sc.number(2, 0, 59, minute); break;
      case 'S': ok = sc.number(2, 0, 61, second); break;
      case 'j': ok = sc.number(3, 1, 366, yday); break;
      case 'f': {
        size_t start = sc.p;
        ok = sc.number(6, 0, 999999, micro);
        for (size_t n = sc.p - start; ok && n < 6; ++n) micro *= 10;
        break;
      }
      case 'b':
      case 'B':
      case 'h':
        ok = sc.name(kMonths, 12, idx);
        month = idx + 1;
        break;
      case 'a':
      case 'A': ok = sc.name(kDays, 7, idx); break;
      case 'p': {
        static const char* const kAmPm[] = {"am", "pm"};
        ok = sc.p + 2 <= text.size() && sc.name(kAmPm, 2, idx);
        pm = idx;
        break;
      }
      case '%': ok = sc.p < text.size() && text[sc.p++] == '%'; break;
      default: fail(std::string("'") + d + "' is a bad directive in format " + python_string_repr(format));
    }
    if (!ok) mismatch();
  }
  if (sc.p < text.size()) fail("unconverted data remains: " + text.substr(sc.p));
  if (hour12 >= 0) hour = hour12 % 12 + (pm == 1 ? 12 : 0);
  if (second > 59) second = 59;  // Python clamps leap seconds the same way
  if (yday >= 0) {
    if (yday > (leap(year) ? 366 : 365)) fail("day is out of range for month");
    int64_t days = days_before_year(year) + yday - 1;
    return make_datetime(days * kUsPerDay + ((hour * 60 + minute) * 60 + second) * kUsPerSec + micro);
  }
  if (year < 1) fail("year 0 is out of range");
  if (day > days_in_month(year, static_cast<int>(month))) fail("day is out of range for month");
  int64_t days = days_from_civil(year, static_cast<int>(month), static_cast<int>(day));
  return make_datetime(days * kUsPerDay + ((hour * 60 + minute) * 60 + second) * kUsPerSec + micro);
}

Val now_datetime(bool utc) {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  std::tm tm{};
  time_t t = tv.tv_sec;
  if (utc) gmtime_r(&t, &tm);
  else localtime_r(&t, &tm);
  int64_t days = days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return make_datetime(days * kUsPerDay + ((tm.tm_hour * 60 + tm.tm_min) * 60 + tm.tm_sec) * kUsPerSec + tv.tv_usec);
}

std::optional<Val> datetime_binary(char op, const Val& a, const Val& b) {
  bool adt = is_datetime(a), atd = is_timedelta(a), bdt = is_datetime(b), btd = is_timedelta(b);
  if (!adt && !atd && !bdt && !btd) return std::nullopt;
  if (op == '-') {
    if (adt && bdt) return make(Object::Type::TimeDelta, micros_of(a) - micros_of(b));
    if (adt && btd) return make_datetime(micros_of(a) - micros_of(b));
    if (atd && btd) return make(Object::Type::TimeDelta, micros_of(a) - micros_of(b));
  } else if (op == '+') {
    if (adt && btd) return make_datetime(micros_of(a) + micros_of(b));
    if (atd && bdt) return make_datetime(micros_of(a) + micros_of(b));
    if (atd && btd) return make(Object::Type::TimeDelta, micros_of(a) + micros_of(b));
  }
  bad_operands(op, a, b);
}

std::optional<int> datetime_compare(const Val& a, const Val& b) {
  if (!((is_datetime(a) && is_datetime(b)) || (is_timedelta(a) && is_timedelta(b)))) return std::nullopt;
  int64_t x = micros_of(a), y = micros_of(b);
  return x < y ? -1 : (x > y ? 1 : 0);
}

namespace {
struct Span {
  int64_t days, seconds, micros;
};
Span split_span(int64_t us) {
  int64_t days = us / kUsPerDay, rem = us % kUsPerDay;
  if (rem < 0) {
    rem += kUsPerDay;
    --days;
  }
  return {days, rem / kUsPerSec, rem % kUsPerSec};
}
}  // namespace

std::string datetime_str(const Val& v) {
  if (is_timedelta(v)) {
    Span s = split_span(micros_of(v));
    std::string out;
    if (s.days) out = std::to_string(s.days) + " day" + (s.days == 1 || s.days == -1 ? "" : "s") + ", ";
    out += std::to_string(s.seconds / 3600) + ":" + two(static_cast<int>(s.seconds / 60 % 60)) + ":" +
           two(static_cast<int>(s.seconds % 60));
    if (s.micros) {
      char b[16];
      std::snprintf(b, sizeof b, ".%06lld", static_cast<long long>(s.micros));
      out += b;
    }
    return out;
  }
  Civil c = civil_from_micros(micros_of(v));
  char b[64];
  std::snprintf(b, sizeof b, "%04lld-%02d-%02d %02d:%02d:%02d", static_cast<long long>(c.year), c.month, c.day,
                c.hour, c.minute, c.second);
  std::string out = b;
  if (c.micro) {
    std::snprintf(b, sizeof b, ".%06d", c.micro);
    out += b;
  }
  return out;
}

std::string datetime_repr(const Val& v) {
  if (is_timedelta(v)) {
    Span s = split_span(micros_of(v));
    std::string parts;
    auto add = [&](const char* k, int64_t n) {
      if (!n) return;
      if (!parts.empty()) parts += ", ";
      parts += std::string(k) + "=" + std::to_string(n);
    };
    add("days", s.days);
    add("seconds", s.seconds);
    add("microseconds", s.micros);
    return "datetime.timedelta(" + (parts.empty() ? std::string("0") : parts) + ")";
  }
  Civil c = civil_from_micros(micros_of(v));
  std::vector<int64_t> f = {c.year, c.month, c.day, c.hour, c.minute, c.second, c.micro};
  if (f.back() == 0) f.pop_back();
  if (f.back() == 0) f.pop_back();
  std::string out = "datetime.datetime(";
  for (size_t i = 0; i < f.size(); ++i) out += (i ? ", " : "") + std::to_string(f[i]);
  return out + ")";
}

Val datetime_attr(const Val& obj, std::string_view name) {
  if (is_timedelta(obj)) {
    Span s = split_span(micros_of(obj));
    if (name == "days") return Val::integer(s.days);
    if (name == "seconds") return Val::integer(s.seconds);
    if (name == "microseconds") return Val::integer(s.micros);
    if (name == "total_seconds") {
      double secs = static_cast<double>(micros_of(obj)) / 1e6;
      return method("total_seconds", [secs](Renderer&, CallArgs& a) {
        a.check(0, {});
        return Val::flt(secs);
      });
    }
    return Val();
  }
  Civil c = civil_from_micros(micros_of(obj));
  if (name == "year") return Val::integer(c.year);
  if (name == "month") return Val::integer(c.month);
  if (name == "day") return Val::integer(c.day);
  if (name == "hour") return Val::integer(c.hour);
  if (name == "minute") return Val::integer(c.minute);
  if (name == "second") return Val::integer(c.second);
  if (name == "microsecond") return Val::integer(c.micro);
  if (name == "strftime")
    return method("strftime", [c](Renderer&, CallArgs& a) {
      a.check(1, {"format"});
      Val f = a.need(0, "format");
      if (!f.is_str()) fail("strftime() argument 1 must be str, not " + type_name(f));
      return Val::str(format_datetime(c, f.as_str()));
    });
  if (name == "isoformat") {
    Val keep = obj;
    return method("isoformat", [keep](Renderer&, CallArgs& a) {
      a.check(1, {"sep"});
      std::string sep = a.find(0, "sep") ? to_str(a.need(0, "sep")) : "T";
      std::string s = datetime_str(keep);
      return Val::str(s.substr(0, 10) + sep + s.substr(11));
    });
  }
  if (name == "weekday") return method("weekday", [c](Renderer&, CallArgs&) { return Val::integer(c.weekday); });
  if (name == "isoweekday")
    return method("isoweekday", [c](Renderer&, CallArgs&) { return Val::integer(c.weekday + 1); });
  if (name == "timestamp")
    return method("timestamp", [c](Renderer&, CallArgs&) {
      // A naive datetime is local time, as Python takes it.
      std::tm tm{};
      tm.tm_year = static_cast<int>(c.year - 1900);
      tm.tm_mon = c.month - 1;
      tm.tm_mday = c.day;
      tm.tm_hour = c.hour;
      tm.tm_min = c.minute;
      tm.tm_sec = c.second;
      tm.tm_isdst = -1;
      return Val::flt(static_cast<double>(std::mktime(&tm)) + c.micro / 1e6);
    });
  return Val();
}

}  // namespace drover::tmpl
