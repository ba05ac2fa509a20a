// EventHub::notify_when: the wake-up that lets an SSE stream wait without
// a thread. It must fire exactly when a blocking wait() would return.
#include <gtest/gtest.h>

#include "server/jobs/event_hub.hpp"

namespace drover::server {
namespace {

std::vector<store::JobEventRow> events(int64_t from, int64_t to) {
  std::vector<store::JobEventRow> out;
  for (int64_t s = from; s <= to; ++s) out.push_back({s, "t", "", "", "runner_result", "{}"});
  return out;
}

TEST(EventHubNotify, FiresAtOnceWhenNewerEventsAreAlreadyThere) {
  EventHub hub;
  hub.open(1);
  hub.publish(1, events(1, 3));
  int woken = 0;
  hub.notify_when(1, 2, [&] { ++woken; });
  EXPECT_EQ(woken, 1);
}

TEST(EventHubNotify, FiresOnceOnTheNextPublishAfterTheCursorNotBefore) {
  EventHub hub;
  hub.open(1);
  hub.publish(1, events(1, 3));
  int woken = 0;
  hub.notify_when(1, 3, [&] { ++woken; });
  EXPECT_EQ(woken, 0);
  hub.publish(1, events(4, 4));
  EXPECT_EQ(woken, 1);
  hub.publish(1, events(5, 6));
  EXPECT_EQ(woken, 1);  // one-shot
}

TEST(EventHubNotify, FiresWhenTheJobClosesOrAnUnknownJobOpens) {
  EventHub hub;
  hub.open(1);
  int closed = 0, opened = 0;
  hub.notify_when(1, 0, [&] { ++closed; });
  hub.notify_when(2, 0, [&] { ++opened; });  // not running here yet
  EXPECT_EQ(closed + opened, 0);
  hub.close(1);
  EXPECT_EQ(closed, 1);
  hub.open(2);
  EXPECT_EQ(opened, 1);
  int after_close = 0;
  hub.notify_when(1, 0, [&] { ++after_close; });  // closed: nothing will come, look again now
  EXPECT_EQ(after_close, 1);
}

TEST(EventHubNotify, AWakeMayRegisterAgainFromInsideItself) {
  EventHub hub;
  hub.open(1);
  int woken = 0;
  std::function<void()> wake = [&] {
    ++woken;
    hub.notify_when(1, 10, [&] { ++woken; });  // runs outside the hub's lock
  };
  hub.notify_when(1, 0, wake);
  hub.publish(1, events(1, 1));
  EXPECT_EQ(woken, 1);
  hub.publish(1, events(2, 11));
  EXPECT_EQ(woken, 2);
}

}  // namespace
}  // namespace drover::server
