// JsonLinesCallback: one parseable line per event with seq and time, and
// enough in it to rebuild ansible-playbook's terminal output.
#include <gtest/gtest.h>

#include <sstream>

#include "golden_support.hpp"
#include "output/default_callback.hpp"
#include "output/event_replay.hpp"
#include "output/json_lines_callback.hpp"

namespace drover {
namespace {

using test::golden_path;
using test::MemoryFile;
using test::read_text;

std::string fixed_clock() { return "2026-01-01T00:00:00.000Z"; }

std::string to_json_lines(const std::string& recorded) {
  MemoryFile out;
  {
    JsonLinesCallback json(out.get(), fixed_clock);
    EventReplay replay(json);
    std::istringstream in(recorded);
    replay.feed_lines(in);
  }
  return out.text();
}

std::string terminal_from(const std::string& lines, int verbosity) {
  DefaultCallbackOptions opt;
  opt.verbosity = verbosity;
  MemoryFile out, err;
  {
    DefaultCallback cb(opt, out.get(), err.get());
    EventReplay replay(cb);
    std::istringstream in(lines);
    replay.feed_lines(in);
  }
  return out.text();
}

TEST(JsonLines, EveryLineIsAnObjectWithIncreasingSeqTimeAndEvent) {
  std::string text = to_json_lines(read_text(golden_path("loops.events.jsonl")));
  std::istringstream in(text);
  std::string line;
  long long expected = 1;
  while (std::getline(in, line)) {
    Value ev = Value::parse(line);
    EXPECT_EQ(ev["seq"], expected++);
    EXPECT_EQ(ev["time"], "2026-01-01T00:00:00.000Z");
    EXPECT_TRUE(ev["event"].is_string());
  }
  EXPECT_GT(expected, 10);
}

TEST(JsonLines, ReplayingTheStreamRebuildsAnsiblesTerminalOutput) {
  for (const char* name : {"basic", "loops", "rescue", "delegate", "diff", "recap", "includes"}) {
    std::string lines = to_json_lines(read_text(golden_path(std::string(name) + ".events.jsonl")));
    EXPECT_EQ(terminal_from(lines, 0), read_text(golden_path(std::string(name) + ".txt"))) << name;
  }
}

TEST(JsonLines, NoLogResultsAreCensoredInTheStream) {
  TaskInfo task;
  task.id = 1;
  task.name = "secret";
  task.action = "command";
  task.no_log = true;
  TaskEvent ev;
  ev.task = &task;
  ev.host = "h";
  ev.status = HostStatus::changed;
  ev.result = {{"changed", true}, {"stdout", "password123"}};
  MemoryFile out;
  {
    JsonLinesCallback json(out.get(), fixed_clock);
    json.runner_result(ev);
  }
  EXPECT_EQ(out.text().find("password123"), std::string::npos);
  Value line = Value::parse(out.text());
  EXPECT_EQ(line["event"], "runner_result");
  EXPECT_EQ(line["result"]["changed"], true);
  EXPECT_TRUE(line["result"].contains("censored"));
}

TEST(JsonLines, NonAsciiTextIsKeptAsUtf8) {
  MemoryFile out;
  {
    JsonLinesCallback json(out.get(), fixed_clock);
    json.warning("héllo");
  }
  EXPECT_NE(out.text().find("\"msg\": \"héllo\""), std::string::npos);
}

}  // namespace
}  // namespace drover
