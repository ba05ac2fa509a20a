// DefaultCallback against the real ansible-playbook: the events Ansible's
// callbacks received (recorded by playbooks/callback_plugins/
// drover_recorder.py) are replayed through DefaultCallback, and what it
// prints must equal, byte for byte, what ansible-playbook printed.
#include <gtest/gtest.h>

#include <sstream>

#include "golden_support.hpp"
#include "output/default_callback.hpp"
#include "output/event_replay.hpp"

namespace drover {
namespace {

using test::golden_path;
using test::MemoryFile;
using test::read_text;

struct GoldenCase {
  const char* name;
  int verbosity = 0;
  bool compare_stderr = false;
  void (*tweak)(DefaultCallbackOptions&) = nullptr;
};

// Lines ansible-playbook prints that are not the callback's: the CLI's
// header at -v and above (version, config file), "N plays in file" and
// the strategy's "META:" messages (the engine sends those as display()).
std::string callback_part(const std::string& golden, int verbosity) {
  std::istringstream in(golden);
  std::string line, out;
  bool header = verbosity > 0;
  while (std::getline(in, line)) {
    if (header) {
      if (!line.empty()) continue;
      header = false;
    }
    if (line.find(" plays in ") != std::string::npos || line.rfind("META: ", 0) == 0) continue;
    // -vvv: the connection's and the module loader's messages.
    if (verbosity >= 3 && (line.rfind("<", 0) == 0 || line.rfind("Using module file ", 0) == 0)) continue;
    out += line + "\n";
  }
  return out;
}

std::string replay(const GoldenCase& c, std::string* err_text = nullptr) {
  DefaultCallbackOptions opt;
  opt.verbosity = c.verbosity;
  if (c.tweak) c.tweak(opt);
  MemoryFile out, err;
  {
    DefaultCallback cb(opt, out.get(), err.get());
    EventReplay replay(cb);
    std::istringstream events(read_text(golden_path(std::string(c.name) + ".events.jsonl")));
    replay.feed_lines(events);
  }
  if (err_text) *err_text = err.text();
  return out.text();
}

class DefaultCallbackGolden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(DefaultCallbackGolden, PrintsWhatAnsiblePlaybookPrints) {
  const GoldenCase& c = GetParam();
  std::string err;
  std::string out = replay(c, &err);
  EXPECT_EQ(out, callback_part(read_text(golden_path(std::string(c.name) + ".txt")), c.verbosity));
  if (c.compare_stderr) {
    EXPECT_EQ(err, read_text(golden_path(std::string(c.name) + ".stderr.txt")));
  }
  EXPECT_GT(out.size(), 100u);  // the golden was really produced
}

void custom_stats(DefaultCallbackOptions& o) { o.show_custom_stats = true; }
void check_markers(DefaultCallbackOptions& o) {
  o.check = true;
  o.check_mode_markers = true;
}
void quiet(DefaultCallbackOptions& o) {
  o.display_ok_hosts = false;
  o.display_skipped_hosts = false;
}
void forced_color(DefaultCallbackOptions& o) { o.color = true; }

INSTANTIATE_TEST_SUITE_P(
    Ansible214, DefaultCallbackGolden,
    ::testing::Values(GoldenCase{"basic"}, GoldenCase{"basic_v", 1}, GoldenCase{"basic_vv", 2},
                      GoldenCase{"basic_check"}, GoldenCase{"loops"}, GoldenCase{"loops_v", 1}, GoldenCase{"fatal"},
                      GoldenCase{"rescue", 0, true}, GoldenCase{"unreachable"}, GoldenCase{"unreachable_ignored"},
                      GoldenCase{"handlers"}, GoldenCase{"handlers_vv", 2}, GoldenCase{"retries"},
                      GoldenCase{"retries_vv", 2}, GoldenCase{"includes"}, GoldenCase{"delegate"},
                      GoldenCase{"diff"}, GoldenCase{"diff_check"}, GoldenCase{"recap"}, GoldenCase{"nohosts", 0, true},
                      GoldenCase{"recap_color", 0, false, forced_color},
                      GoldenCase{"check_markers", 0, false, check_markers}, GoldenCase{"quiet", 0, false, quiet},
                      GoldenCase{"basic_vvv", 3}, GoldenCase{"any_errors_fatal"}, GoldenCase{"free"},
                      GoldenCase{"custom_stats", 0, false, custom_stats}, GoldenCase{"async"},
                      GoldenCase{"async_v", 1}, GoldenCase{"wide"}, GoldenCase{"facts_v", 1}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace drover
