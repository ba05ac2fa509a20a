// Interrupt: a one-shot "stop now" signal for the commands running on a set
// of connections (a cancelled playbook run).
//
// fire() may be called from any thread (it is also async-signal-safe); from
// then on fired() is true and fd() stays readable forever (level-triggered,
// never drained), so every exec loop that polls fd() beside its own sockets
// wakes at once without a timer. Connections that see it kill the command
// they run and throw CancelledError; later exec() calls throw at once.
#pragma once

#include <atomic>

#include "core/error.hpp"

namespace drover {

class CancelledError : public Error {
 public:
  using Error::Error;
};

class Interrupt {
 public:
  Interrupt();  // throws Error when no pipe can be made
  ~Interrupt();
  Interrupt(const Interrupt&) = delete;
  Interrupt& operator=(const Interrupt&) = delete;

  void fire();
  bool fired() const { return fired_.load(std::memory_order_acquire); }
  int fd() const { return read_fd_; }

 private:
  std::atomic<bool> fired_{false};
  int read_fd_ = -1;
  int write_fd_ = -1;
};

}  // namespace drover
