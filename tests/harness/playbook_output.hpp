// Comparing ansible-playbook's default-callback output with drover's.
//
// Hosts finish a task in any order, so each banner section (PLAY, TASK,
// RUNNING HANDLER, PLAY RECAP, ...) is split into host entries (a line and
// its indented continuation; "...ignoring" is an entry of its own, as other
// hosts' loop items may come before it) and the entries are sorted, as are
// the hosts named on an "included:" line. Only what must differ between two runs is normalised: command
// timings, async job ids, the message text of unreachable hosts (ssh client wording), and
// the strings the caller names (temporary paths).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace drover::test {

struct OutputNormalisation {
  // Each `first` occurring in the output is replaced by `second`.
  std::vector<std::pair<std::string, std::string>> replace;
  // Replace the "msg" of UNREACHABLE results by "<ssh error>".
  bool unreachable_message = true;
};

// The normalised text with sections kept in order and entries inside each
// section sorted; one string per section, ready for EXPECT_EQ.
std::vector<std::string> playbook_sections(const std::string& out, const OutputNormalisation& norm = {});

// The normalised text of one run, not reordered (for caching and messages).
std::string normalise_playbook_output(const std::string& out, const OutputNormalisation& norm = {});

}  // namespace drover::test
