// InputFlow: how much input the transport sends ahead of the peer's
// acknowledgements (the real sshd side is in ssh_connection_test).
#include "transport/input_flow.hpp"

#include <gtest/gtest.h>

namespace drover {
namespace {

using namespace std::chrono_literals;
constexpr size_t kWindow = 2 * 1024 * 1024;  // OpenSSH's session window
constexpr size_t kLimit = InputFlow::kInFlight;

TEST(InputFlow, SendsAtMostTheLimitAheadOfTheAcknowledgements) {
  InputFlow flow;
  auto t = InputFlow::Clock::now();
  EXPECT_EQ(flow.allowed(kWindow, t), kLimit);
  // 100 KB sent: the rest of the limit may follow.
  EXPECT_EQ(flow.allowed(kWindow - 100 * 1024, t), kLimit - 100 * 1024);
  // The whole limit in flight: nothing until the peer acknowledges, and the
  // caller is told to look again before the stall time.
  EXPECT_EQ(flow.allowed(kWindow - kLimit, t), 0u);
  EXPECT_GT(flow.wait_ms(t), 0);
  EXPECT_LE(flow.wait_ms(t), 1 + static_cast<int>(InputFlow::kStall.count()));
  // The peer wrote 96 KB to the command and said so.
  EXPECT_EQ(flow.allowed(kWindow - kLimit + 96 * 1024, t + 10ms), 96 * 1024u);
  EXPECT_EQ(flow.wait_ms(t + 10ms), -1);
  EXPECT_TRUE(flow.limited());
}

TEST(InputFlow, APeerThatAcknowledgesOnlyLaterGetsItsWholeWindowAfterAStall) {
  InputFlow flow;
  auto t = InputFlow::Clock::now();
  flow.allowed(kWindow, t);
  EXPECT_EQ(flow.allowed(kWindow - kLimit, t), 0u);
  EXPECT_EQ(flow.allowed(kWindow - kLimit, t + InputFlow::kStall - 1ms), 0u);
  EXPECT_EQ(flow.allowed(kWindow - kLimit, t + InputFlow::kStall), kWindow - kLimit);
  EXPECT_FALSE(flow.limited());
  EXPECT_EQ(flow.wait_ms(t + InputFlow::kStall), -1);
}

// Once the peer has acknowledged input, a long hold is a command that reads
// slowly (its pipe full): the limit stays, or sshd would pile up the window.
TEST(InputFlow, AfterAnAcknowledgementALongHoldIsASlowCommand) {
  InputFlow flow;
  auto t = InputFlow::Clock::now();
  flow.allowed(kWindow, t);
  flow.sent(kLimit);
  EXPECT_EQ(flow.allowed(kWindow - kLimit, t), 0u);
  // The peer acknowledged 10 KB, which went out at once.
  EXPECT_EQ(flow.allowed(kWindow - kLimit + 10 * 1024, t + 1ms), 10 * 1024u);
  flow.sent(10 * 1024);
  EXPECT_EQ(flow.allowed(kWindow - kLimit, t + 5ms), 0u);
  EXPECT_EQ(flow.wait_ms(t + 5ms), -1);
  EXPECT_EQ(flow.allowed(kWindow - kLimit, t + 1s), 0u);
  EXPECT_TRUE(flow.limited());
}

TEST(InputFlow, ASmallWindowIsTheOnlyLimit) {
  InputFlow flow;
  auto t = InputFlow::Clock::now();
  EXPECT_EQ(flow.allowed(64 * 1024, t), 64 * 1024u);
  EXPECT_EQ(flow.allowed(0, t), 0u);
  EXPECT_EQ(flow.wait_ms(t), -1);  // the peer's own window: wait for its adjust
}

}  // namespace
}  // namespace drover
