// Ctrl-C and SIGTERM during `drover play`: the first one cancels the run as
// ansible-playbook's ^C does (no new task starts, the commands running on
// the hosts are killed, exit 99); a second one ends the process at once.
#pragma once

#include <atomic>
#include <memory>

namespace drover {

// Installs the handlers and returns the flag they set, for RunOptions::cancel.
std::shared_ptr<std::atomic<bool>> cancel_on_signals();

}  // namespace drover
