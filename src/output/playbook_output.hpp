// The terminal or JSON output of `drover play`, chosen from the command line
// (the CLI maps ansible.cfg's display options onto it).
#pragma once

#include <memory>

#include "output/playbook_events.hpp"

namespace drover {

std::shared_ptr<PlaybookCallback> make_playbook_output(bool json, int verbosity);

}  // namespace drover
