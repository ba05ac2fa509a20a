#include "cli/signals.hpp"

#include <csignal>

namespace drover {
namespace {

std::atomic<bool> g_cancel{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_stop_signal(int sig) {
  if (g_cancel.exchange(true)) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

}  // namespace

std::shared_ptr<std::atomic<bool>> cancel_on_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // The flag lives as long as the process: the pointer owns nothing.
  return std::shared_ptr<std::atomic<bool>>(std::shared_ptr<void>(), &g_cancel);
}

}  // namespace drover
