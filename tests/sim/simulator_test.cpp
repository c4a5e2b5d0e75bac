#include "synack/sim/simulator.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "sim/scripted_node.hpp"

namespace synack::sim {
namespace {

using testing::LivelockNode;
using testing::make_frame;
using testing::PeriodicNode;
using testing::ScriptedNode;

Impairments delay_only(Duration delay) {
  Impairments imp;
  imp.delay = delay;
  return imp;
}

TEST(Simulator, DeliversAfterExactlyThePropagationDelay) {
  Simulator sim{1};
  ScriptedNode a, b;
  const NodeId ia = sim.add_node(a, "a");
  const NodeId ib = sim.add_node(b, "b");
  sim.connect(ia, 0, ib, 0, LinkConfig::symmetric(delay_only(milliseconds(10))));
  a.send_at(from_micros(2500), make_frame(0x11, 1));
  sim.run_until(from_micros(100'000));
  ASSERT_EQ(b.received.size(), 1u);
  EXPECT_EQ(b.received[0].time, from_micros(12'500));
  EXPECT_EQ(b.received[0].bytes, make_frame(0x11, 1));
  EXPECT_EQ(sim.now(), from_micros(100'000));
}

TEST(Simulator, LinksAreFullDuplexAndPerDirection) {
  Simulator sim{1};
  ScriptedNode a, b;
  const NodeId ia = sim.add_node(a, "a");
  const NodeId ib = sim.add_node(b, "b");
  LinkConfig config;
  config.a_to_b = delay_only(milliseconds(3));
  config.b_to_a = delay_only(milliseconds(7));
  Link& link = sim.connect(ia, 0, ib, 0, config);
  a.send_at(from_micros(0), make_frame(0xa, 1));
  b.send_at(from_micros(0), make_frame(0xb, 1));
  sim.run_for(seconds(1));
  ASSERT_EQ(a.received.size(), 1u);
  ASSERT_EQ(b.received.size(), 1u);
  EXPECT_EQ(b.received[0].time, from_micros(3000));
  EXPECT_EQ(a.received[0].time, from_micros(7000));
  EXPECT_EQ(link.stats(Direction::a_to_b).frames_delivered, 1u);
  EXPECT_EQ(link.stats(Direction::a_to_b).bytes_delivered, 100u);
  EXPECT_EQ(link.stats(Direction::b_to_a).frames_sent, 1u);
}

TEST(Simulator, InterfacesMapToTheirOwnLinks) {
  Simulator sim{1};
  ScriptedNode router, left, right;
  const NodeId r = sim.add_node(router, "router");
  const NodeId l = sim.add_node(left, "left");
  const NodeId rt = sim.add_node(right, "right");
  sim.connect(l, 0, r, 0);
  sim.connect(r, 1, rt, 0);
  router.send_at(from_micros(1), make_frame(0x1, 1), 1);
  router.send_at(from_micros(1), make_frame(0x0, 1), 0);
  left.send_at(from_micros(2), make_frame(0x2, 1));
  sim.run_for(seconds(1));
  ASSERT_EQ(right.received.size(), 1u);
  EXPECT_EQ(right.received[0].bytes[0], 0x1);
  ASSERT_EQ(left.received.size(), 1u);
  EXPECT_EQ(left.received[0].bytes[0], 0x0);
  ASSERT_EQ(router.received.size(), 1u);
  EXPECT_EQ(router.received[0].iface, 0u);
}

TEST(Simulator, ArrivalsRunBeforeTimersAtTheSameInstant) {
  Simulator sim{1};
  ScriptedNode a, b;
  const NodeId ia = sim.add_node(a, "a");
  const NodeId ib = sim.add_node(b, "b");
  sim.connect(ia, 0, ib, 0, LinkConfig::symmetric(delay_only(milliseconds(5))));
  a.send_at(from_micros(0), make_frame(0x1, 1));
  b.send_at(from_micros(5000), make_frame(0x2, 1));  // b's timer fires when a's frame lands.
  sim.run_for(milliseconds(20));
  EXPECT_EQ(b.calls, (std::vector<std::string>{"rx@5000", "poll@5000"}));
}

TEST(Simulator, SameInstantEventsKeepSchedulingOrder) {
  Simulator sim{1};
  ScriptedNode a, b;
  const NodeId ia = sim.add_node(a, "a");
  const NodeId ib = sim.add_node(b, "b");
  sim.connect(ia, 0, ib, 0, LinkConfig::symmetric(delay_only(milliseconds(1))));
  std::vector<int> order;
  sim.schedule_at(from_micros(1000), [&] { order.push_back(1); });
  for (std::uint32_t i = 0; i < 5; ++i) a.send_at(from_micros(0), make_frame(0x1, i));
  sim.schedule_at(from_micros(1000), [&] { order.push_back(2); });
  sim.on_frame([&](const FrameRecord& r) {
    if (r.delivered) order.push_back(100 + static_cast<int>(testing::frame_number(r.bytes)));
  });
  sim.run_for(milliseconds(2));
  // Both callbacks were scheduled before the frames were sent (at time 0 by the poll).
  EXPECT_EQ(order, (std::vector<int>{1, 2, 100, 101, 102, 103, 104}));
}

// Virtual time jumps from event to event: a minute with one frame a second is 60 polls of the
// sender, not a minute of stepping (speed itself is for benchmarks, not tests).
TEST(Simulator, SixtySecondsOfVirtualTimeStepOnlyAtEvents) {
  Simulator sim{1};
  PeriodicNode sender{seconds(1), 1000};
  ScriptedNode receiver;
  const NodeId s = sim.add_node(sender, "sender");
  const NodeId r = sim.add_node(receiver, "receiver");
  sim.connect(s, 0, r, 0, LinkConfig::symmetric(delay_only(milliseconds(20))));
  sim.run_for(seconds(60));
  EXPECT_EQ(sim.now(), kEpoch + seconds(60));
  EXPECT_EQ(sender.sent, 60u);               // Sends at 1 s .. 60 s.
  EXPECT_EQ(sender.polls, 60u);              // Polled only at its deadlines.
  EXPECT_EQ(receiver.received.size(), 59u);  // The 60 s frame lands at 60.02 s.
  EXPECT_EQ(receiver.received.back().time, kEpoch + seconds(59) + milliseconds(20));
}

TEST(Simulator, RereadsDeadlinesAfterApplicationCallsBetweenRuns) {
  Simulator sim{1};
  ScriptedNode a, b;
  const NodeId ia = sim.add_node(a, "a");
  const NodeId ib = sim.add_node(b, "b");
  sim.connect(ia, 0, ib, 0, LinkConfig::symmetric(delay_only(milliseconds(1))));
  sim.run_until(kEpoch + seconds(5));
  EXPECT_TRUE(sim.idle());
  a.send_soon(make_frame(0x5, 1));  // Deadline now in the past: send at the current time.
  EXPECT_FALSE(sim.idle());
  sim.run_for(milliseconds(10));
  ASSERT_EQ(b.received.size(), 1u);
  EXPECT_EQ(a.sent_times.at(0), kEpoch + seconds(5));
  EXPECT_EQ(b.received[0].time, kEpoch + seconds(5) + milliseconds(1));
}

TEST(Simulator, ScheduledCallbacksCanPokeNodes) {
  Simulator sim{1};
  ScriptedNode a, b;
  const NodeId ia = sim.add_node(a, "a");
  const NodeId ib = sim.add_node(b, "b");
  sim.connect(ia, 0, ib, 0, LinkConfig::symmetric(delay_only(milliseconds(1))));
  sim.schedule_at(kEpoch + seconds(2), [&] { a.send_soon(make_frame(0x5, 1)); });
  sim.run_for(seconds(3));
  ASSERT_EQ(b.received.size(), 1u);
  EXPECT_EQ(b.received[0].time, kEpoch + seconds(2) + milliseconds(1));
}

TEST(Simulator, LivelockedNodeIsCountedAndTimeStillAdvances) {
  Simulator sim{1};
  LivelockNode stuck;
  sim.add_node(stuck, "stuck");
  sim.run_until(from_micros(10'000));
  // Polled at 0, 1, ..., 10 ms: each poll leaves the deadline due, so it is pushed back 1 ms.
  EXPECT_EQ(stuck.polls, 11u);
  EXPECT_EQ(sim.stats().livelocks, 11u);
  EXPECT_EQ(sim.now(), from_micros(10'000));
  EXPECT_FALSE(sim.idle());
}

TEST(Simulator, RunUntilConditionStopsWhenItHolds) {
  Simulator sim{1};
  ScriptedNode a, b;
  const NodeId ia = sim.add_node(a, "a");
  const NodeId ib = sim.add_node(b, "b");
  sim.connect(ia, 0, ib, 0, LinkConfig::symmetric(delay_only(milliseconds(4))));
  a.send_at(from_micros(1000), make_frame(0x1, 1));
  a.send_at(from_micros(9000), make_frame(0x1, 2));
  EXPECT_TRUE(sim.run_until([&] { return !b.received.empty(); }, kEpoch + seconds(1)));
  EXPECT_EQ(sim.now(), from_micros(5000));
  EXPECT_FALSE(sim.run_until([&] { return b.received.size() == 3; }, kEpoch + seconds(1)));
  EXPECT_EQ(sim.now(), kEpoch + seconds(1));
  EXPECT_EQ(b.received.size(), 2u);
}

TEST(Simulator, RunUntilIdle) {
  Simulator sim{1};
  ScriptedNode a, b;
  const NodeId ia = sim.add_node(a, "a");
  const NodeId ib = sim.add_node(b, "b");
  sim.connect(ia, 0, ib, 0, LinkConfig::symmetric(delay_only(milliseconds(4))));
  b.set_echo(true);
  a.send_at(from_micros(1000), make_frame(0x1, 1));
  EXPECT_TRUE(sim.run_until_idle(kEpoch + seconds(10)));
  EXPECT_EQ(sim.now(), from_micros(9000));  // Echo arrives back at 1 + 4 + 4 ms.
  EXPECT_EQ(a.received.size(), 1u);
}

TEST(Simulator, SendOnUnconnectedInterfaceIsCounted) {
  Simulator sim{1};
  ScriptedNode a;
  sim.add_node(a, "a");
  a.send_at(from_micros(0), make_frame(0x1, 1), 3);
  sim.run_for(milliseconds(1));
  EXPECT_EQ(sim.stats().unattached_sends, 1u);
}

TEST(Simulator, ConnectRejectsReusedInterfaces) {
  Simulator sim{1};
  ScriptedNode a, b, c;
  const NodeId ia = sim.add_node(a, "a");
  const NodeId ib = sim.add_node(b, "b");
  const NodeId ic = sim.add_node(c, "c");
  sim.connect(ia, 0, ib, 0);
  EXPECT_DEATH(sim.connect(ia, 0, ic, 0), "interface already connected");
  EXPECT_DEATH(sim.connect(ic, 0, 99, 0), "unknown node");
  EXPECT_EQ(sim.node_name(ic), "c");
  EXPECT_EQ(sim.link_count(), 1u);
}

}  // namespace
}  // namespace synack::sim
