// How much of a command's input to send now.
//
// The peer's channel window says how much it accepts, but OpenSSH's sshd
// holds everything sent and not yet written to the command in one buffer,
// and for every packet that arrives while data waits there it allocates a
// bigger buffer, copies the old one over and zeroes it. With its 2 MB window
// filled, a 5 MB upload cost that sshd about 30 ms of CPU per MB (50 hosts
// sharing 2 cores: 7.5 CPU-seconds of the 13 a whole playbook took). So
// InputFlow sends at most kInFlight bytes ahead of what the peer has
// acknowledged with a window adjust, which keeps that buffer small.
//
// sshd acknowledges once more than three packets (96 KB) have gone to the
// command. A server that waits for more (half its window, say) would never
// acknowledge the limited amount: when the limit has held input back for
// kStall and the peer has never acknowledged anything, the limit is dropped
// for the channel and the peer's own window rules. Once the peer has
// acknowledged, a long hold is a command that reads slowly, and the limit
// stays.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>

namespace drover {

class InputFlow {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr size_t kInFlight = 256 * 1024;
  // Long enough for a loaded sshd's first acknowledgement (with 200 ms the
  // sshd test failed once in a parallel run, probably so); only a peer that
  // never acknowledges small amounts pays it.
  static constexpr std::chrono::milliseconds kStall{1000};

  // The bytes that may be sent now, given the peer's window (what
  // ssh_channel_window_size says) at `now`.
  size_t allowed(size_t window, Clock::time_point now) {
    if (started_ && window > expected_) acknowledged_ = true;
    started_ = true;
    expected_ = window;
    high_ = std::max(high_, window);
    if (!limited_) return window;
    size_t in_flight = high_ - window;
    if (in_flight < kInFlight) {
      held_ = false;
      return std::min(window, kInFlight - in_flight);
    }
    if (!held_) {
      held_ = true;
      held_since_ = now;
    }
    if (acknowledged_ || now - held_since_ < kStall) return 0;
    limited_ = false;
    return window;
  }

  // `n` bytes were sent (the window shrinks by as much).
  void sent(size_t n) { expected_ -= std::min(n, expected_); }

  // How long the caller may wait for the peer before asking again: -1
  // (until a packet comes) unless the limit is what holds input back.
  int wait_ms(Clock::time_point now) const {
    if (!limited_ || !held_ || acknowledged_) return -1;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(held_since_ + kStall - now).count();
    return static_cast<int>(std::max<long long>(left, 0) + 1);
  }

  bool limited() const { return limited_; }

 private:
  size_t high_ = 0;  // the largest window seen: nothing in flight
  bool started_ = false;
  size_t expected_ = 0;  // the window if the peer acknowledged nothing since
  bool limited_ = true;
  bool acknowledged_ = false;  // the peer has grown its window at least once
  bool held_ = false;  // the last call returned 0 because of the limit
  Clock::time_point held_since_{};
};

}  // namespace drover
