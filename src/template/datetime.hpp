// Python's datetime.datetime and datetime.timedelta as template values:
// what Ansible's `to_datetime` filter and `now()` global give a template.
//
// A datetime is naive (no time zone), as strptime and Ansible's now()
// make it: a calendar date and time with microseconds, kept as
// microseconds since 0001-01-01. Subtracting two gives a timedelta
// (.days, .seconds, .microseconds, .total_seconds()); datetime +/-
// timedelta gives a datetime; both compare with each other and print as
// Python's str() and repr() do ("2020-01-01 12:00:00", "1 day, 2:03:04").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "template/runtime_value.hpp"

namespace drover::tmpl {

class Renderer;

class DateTimeObj : public Object {
 public:
  DateTimeObj(Type t, int64_t us) : Object(t), micros(us) {}
  int64_t micros;  // DateTime: since 0001-01-01 00:00; TimeDelta: the span
};

bool is_datetime(const Val& v);
bool is_timedelta(const Val& v);

// datetime.strptime(text, format); a TemplateError with Python's message
// when the text does not match.
Val parse_datetime(const std::string& text, const std::string& format);
// datetime.now() / datetime.utcnow().
Val now_datetime(bool utc);

// a + b or a - b when either side is a datetime or timedelta; nullopt
// when neither is (the caller handles numbers, strings...).
std::optional<Val> datetime_binary(char op, const Val& a, const Val& b);
// -1/0/1 when both are datetimes or both timedeltas; nullopt otherwise.
std::optional<int> datetime_compare(const Val& a, const Val& b);

// str() and repr() of a datetime or timedelta.
std::string datetime_str(const Val& v);
std::string datetime_repr(const Val& v);

// Attributes and methods (year, strftime(), total_seconds()...);
// Undefined when there is no such attribute.
Val datetime_attr(const Val& obj, std::string_view name);

}  // namespace drover::tmpl
