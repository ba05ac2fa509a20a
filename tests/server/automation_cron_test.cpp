// Cron expressions and time zones (server/automation/cron.hpp,
// time_zone.hpp): the next run of a table of expressions, DST included,
// against times worked out with Python's zoneinfo; bad expressions refused.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "server/automation/cron.hpp"
#include "server/automation/time_zone.hpp"
#include "server/automation/clock.hpp"

namespace drover::server {
namespace {

using namespace std::chrono;

sys_seconds at(const std::string& text) {  // "2026-03-29T01:00:00Z"
  auto t = parse_time(text);
  EXPECT_TRUE(t.has_value()) << text;
  return t.value_or(sys_seconds{});
}

// "2026-03-29T01:00:00Z"
std::string iso(sys_seconds t) { return stored_time(t).substr(0, 19) + "Z"; }

struct Case {
  const char* cron;
  const char* zone;
  const char* after;
  const char* next;  // "" for never
  const char* why;
};

const Case kCases[] = {
    {"*/15 * * * *", "UTC", "2026-01-01T00:07:00Z", "2026-01-01T00:15:00Z", "a step"},
    {"*/15 * * * *", "UTC", "2026-01-01T00:15:00Z", "2026-01-01T00:30:00Z", "strictly after"},
    {"5,10-12/2 3 * * *", "UTC", "2026-01-01T03:10:00Z", "2026-01-01T03:12:00Z", "a list of a value and a stepped range"},
    {"5/20 * * * *", "UTC", "2026-01-01T00:26:00Z", "2026-01-01T00:45:00Z", "N/step runs from N to the end"},
    {"0 0 1 * mon", "UTC", "2026-06-02T00:00:00Z", "2026-06-08T00:00:00Z", "day of month OR day of week: a Monday"},
    {"0 0 1 * mon", "UTC", "2026-06-29T00:00:00Z", "2026-07-01T00:00:00Z", "day of month OR day of week: the 1st"},
    {"0 0 */10 * 5", "UTC", "2026-01-01T00:00:00Z", "2026-05-01T00:00:00Z", "a day-of-month starting with * ANDs"},
    {"0 0 * JAN-mar SUN", "UTC", "2026-03-30T00:00:00Z", "2027-01-03T00:00:00Z", "names, any case"},
    {"0 0 * * 7", "UTC", "2026-12-01T00:00:00Z", "2026-12-06T00:00:00Z", "7 is Sunday"},
    {"0 0 29 2 *", "UTC", "2026-01-01T00:00:00Z", "2028-02-29T00:00:00Z", "a leap day"},
    {"0 0 30 2 *", "UTC", "2026-01-01T00:00:00Z", "", "a day that never comes"},
    {"@daily", "Asia/Shanghai", "2026-12-06T16:00:00Z", "2026-12-07T16:00:00Z", "midnight in UTC+8"},
    {"@hourly", "UTC", "2026-12-06T16:59:59Z", "2026-12-06T17:00:00Z", "a macro"},
    {"0 9 * * 1-5", "America/New_York", "2026-03-06T15:00:00Z", "2026-03-09T13:00:00Z",
     "the Monday after DST began is 09:00 EDT"},
    {"30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-29T01:00:00Z",
     "a fixed time in the skipped hour runs when the gap ends (03:00 CEST)"},
    {"30 2 * * *", "Europe/Berlin", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z", "and the next day as usual"},
    {"30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", "2026-10-25T00:30:00Z",
     "a fixed time in the repeated hour runs at its first occurrence"},
    {"30 2 * * *", "Europe/Berlin", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z", "and not at the second"},
    {"*/30 * * * *", "Europe/Berlin", "2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z",
     "a wildcard hour runs in the repeated hour again"},
    {"*/30 * * * *", "Europe/Berlin", "2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z",
     "a wildcard hour skips the skipped hour"},
    {"30 2 * * *", "Europe/Berlin", "2040-03-24T12:00:00Z", "2040-03-25T01:00:00Z",
     "past the file's transitions the POSIX rule of its footer applies"},
    {"0 12 * * *", "Australia/Sydney", "2026-12-06T00:00:00Z", "2026-12-06T01:00:00Z",
     "southern-hemisphere summer (UTC+11)"},
};

TEST(CronNextRun, MatchesTheTableOfCasesIncludingDaylightSavingTime) {
  for (const auto& c : kCases) {
    SCOPED_TRACE(std::string(c.cron) + " in " + c.zone + " after " + c.after + ": " + c.why);
    auto next = CronExpr::parse(c.cron).next_after(at(c.after), TimeZone::load(c.zone));
    if (std::string(c.next).empty()) {
      EXPECT_FALSE(next.has_value()) << iso(*next);
    } else {
      ASSERT_TRUE(next.has_value());
      EXPECT_EQ(iso(*next), c.next);
    }
  }
}

TEST(CronNextRun, ListsSeveralRunsInOrder) {
  auto runs = CronExpr::parse("0 */6 * * *").next_runs(at("2026-01-01T01:00:00Z"), TimeZone::utc(), 3);
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(iso(runs[0]), "2026-01-01T06:00:00Z");
  EXPECT_EQ(iso(runs[2]), "2026-01-01T18:00:00Z");
}

TEST(CronParse, RefusesBadExpressionsNamingTheField) {
  struct Bad {
    const char* cron;
    const char* says;
  } bad[] = {
      {"60 * * * *", "minute"},          {"* 24 * * *", "hour"},        {"* * 0 * *", "day of month"},
      {"* * * foo *", "month"},          {"* * * * 8", "day of week"},  {"*/0 * * * *", "step"},
      {"5-1 * * * *", "backwards"},      {"* * * *", "5"},              {"@reboot", "@daily"},
      {"1,,2 * * * *", "empty"},         {"* * * * * *", "fields"},
  };
  for (const auto& b : bad) {
    SCOPED_TRACE(b.cron);
    try {
      CronExpr::parse(b.cron);
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(b.says), std::string::npos) << e.what();
    }
  }
}

TEST(TimeZoneLoad, RefusesUnknownNamesAndPathsOutsideTheDatabase) {
  for (const char* name : {"Nowhere/City", "../../etc/passwd", "/etc/localtime", "", "Europe/Berlin\n"})
    EXPECT_THROW(TimeZone::load(name), Error) << name;
}

TEST(TimeZoneLoad, MapsSkippedAndRepeatedLocalTimes) {
  auto berlin = TimeZone::load("Europe/Berlin");
  auto local = [](const char* iso_text) { return local_seconds{at(iso_text).time_since_epoch()}; };
  auto gap = berlin.to_sys(local("2026-03-29T02:30:00Z"));
  EXPECT_EQ(gap.kind, TimeZone::Mapping::gap);
  EXPECT_EQ(iso(gap.first), "2026-03-29T01:00:00Z");
  auto twice = berlin.to_sys(local("2026-10-25T02:30:00Z"));
  EXPECT_EQ(twice.kind, TimeZone::Mapping::repeated);
  EXPECT_EQ(iso(twice.first), "2026-10-25T00:30:00Z");
  EXPECT_EQ(iso(twice.second), "2026-10-25T01:30:00Z");
  EXPECT_EQ(berlin.offset_at(at("2026-07-01T00:00:00Z")), 7200);
}

TEST(PosixTz, ReadsRulesWithQuotedNamesAndTimes) {
  auto r = parse_posix_tz("<-03>3<-02>,M3.5.0/-2,M10.5.0/-1");
  EXPECT_EQ(r.std_offset, -3 * 3600);
  EXPECT_EQ(r.dst_offset, -2 * 3600);
  EXPECT_EQ(r.start.time, -7200);
  EXPECT_FALSE(parse_posix_tz("<+08>-8").has_dst);
  EXPECT_THROW(parse_posix_tz("CET-1CEST,M13.5.0,M10.5.0"), Error);
}

}  // namespace
}  // namespace drover::server
