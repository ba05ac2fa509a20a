// The terminal or JSON output of `drover play`: ansible-playbook's default
// callback, or JSON event lines (--json). The CLI maps ansible.cfg's
// display options onto PlaybookOutputOptions.
#pragma once

#include <memory>

#include "output/playbook_events.hpp"

namespace drover {

struct PlaybookOutputOptions {
  int verbosity = 0;
  bool check = false;
  bool force_color = false;
  bool no_color = false;
  bool display_skipped_hosts = true;
  bool display_ok_hosts = true;
};

std::shared_ptr<PlaybookCallback> make_playbook_output(bool json, const PlaybookOutputOptions& options);

}  // namespace drover
