// Targeted FaultRules and the maximum-segment-lifetime cut-off.
#include <gtest/gtest.h>

#include "sim/scripted_node.hpp"
#include "synack/sim/simulator.hpp"

namespace synack::sim {
namespace {

using testing::frame_number;
using testing::make_frame;
using testing::TwoNodes;

LinkConfig with_delay(Duration delay) {
  Impairments imp;
  imp.delay = delay;
  return LinkConfig::symmetric(imp);
}

auto first_byte_is(std::uint8_t value) {
  return [value](Bytes frame) { return !frame.empty() && frame[0] == value; };
}

std::vector<std::uint32_t> received_numbers(const testing::ScriptedNode& node) {
  std::vector<std::uint32_t> numbers;
  for (const auto& rx : node.received) numbers.push_back(frame_number(rx.bytes));
  return numbers;
}

// Frames 0..5, one per millisecond; frames 1, 3 and 4 start with 0xAA, the rest with 0x10.
void send_mixed(TwoNodes& net) {
  const std::uint8_t tags[] = {0x10, 0xAA, 0x10, 0xAA, 0xAA, 0x10};
  for (std::uint32_t i = 0; i < 6; ++i) {
    net.a.send_at(kEpoch + milliseconds(i), make_frame(tags[i], i));
  }
}

TEST(Faults, DropsTheFirstMatchingFrameOnly) {
  TwoNodes net{with_delay(milliseconds(2))};
  net.link->add_fault(Direction::a_to_b, FaultRule::drop(first_byte_is(0xAA)));
  send_mixed(net);
  net.sim.run_for(seconds(1));
  EXPECT_EQ(received_numbers(net.b), (std::vector<std::uint32_t>{0, 2, 3, 4, 5}));
  EXPECT_EQ(net.forward().fault_drops, 1u);
  ASSERT_EQ(net.count(FrameFate::fault_drop), 1u);
  // Drops are reported when sent (1 ms), before frame 0 arrives (2 ms).
  const FrameRecord& dropped = net.seen_frames[0].record;
  EXPECT_EQ(dropped.fate, FrameFate::fault_drop);
  EXPECT_EQ(dropped.sent, kEpoch + milliseconds(1));
  EXPECT_FALSE(dropped.delivered.has_value());
  EXPECT_EQ(frame_number(net.seen_frames[0].bytes), 1u);
}

TEST(Faults, DropsTheNthMatch) {
  TwoNodes net{with_delay(milliseconds(2))};
  net.link->add_fault(Direction::a_to_b, FaultRule::drop(first_byte_is(0xAA), 3));
  send_mixed(net);
  net.sim.run_for(seconds(1));
  EXPECT_EQ(received_numbers(net.b), (std::vector<std::uint32_t>{0, 1, 2, 3, 5}));
}

TEST(Faults, OccurrenceZeroActsOnEveryMatch) {
  TwoNodes net{with_delay(milliseconds(2))};
  net.link->add_fault(Direction::a_to_b, FaultRule::drop(first_byte_is(0xAA), 0));
  send_mixed(net);
  net.sim.run_for(seconds(1));
  EXPECT_EQ(received_numbers(net.b), (std::vector<std::uint32_t>{0, 2, 5}));
  EXPECT_EQ(net.forward().fault_drops, 3u);
}

TEST(Faults, OnlyTheConfiguredDirectionIsAffected) {
  TwoNodes net{with_delay(milliseconds(2))};
  net.link->add_fault(Direction::b_to_a, FaultRule::drop(first_byte_is(0xAA), 0));
  send_mixed(net);
  net.sim.run_for(seconds(1));
  EXPECT_EQ(net.b.received.size(), 6u);
}

TEST(Faults, HoldsTheSecondMatchBackFiveSeconds) {
  TwoNodes net{with_delay(milliseconds(2))};
  net.link->add_fault(Direction::a_to_b, FaultRule::delay(first_byte_is(0xAA), 2, seconds(5)));
  send_mixed(net);
  net.sim.run_for(seconds(10));
  EXPECT_EQ(received_numbers(net.b), (std::vector<std::uint32_t>{0, 1, 2, 4, 5, 3}));
  EXPECT_EQ(net.b.received.back().time, kEpoch + milliseconds(3 + 2) + seconds(5));
  EXPECT_EQ(net.b.received[2].time, kEpoch + milliseconds(2 + 2));
  EXPECT_EQ(net.forward().fault_delays, 1u);
}

TEST(Faults, DuplicatesAfterADelay) {
  TwoNodes net{with_delay(milliseconds(2))};
  net.link->add_fault(Direction::a_to_b, FaultRule::duplicate(first_byte_is(0xAA), 1, seconds(1)));
  send_mixed(net);
  net.sim.run_for(seconds(10));
  EXPECT_EQ(received_numbers(net.b), (std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5, 1}));
  EXPECT_EQ(net.b.received[1].time, kEpoch + milliseconds(3));
  EXPECT_EQ(net.b.received.back().time, kEpoch + milliseconds(3) + seconds(1));
  EXPECT_EQ(net.forward().fault_duplicates, 1u);
  EXPECT_TRUE(net.seen_frames.back().record.duplicate);
}

TEST(MaximumSegmentLifetime, FramesOlderThanMslAreDiscarded) {
  TwoNodes net{with_delay(milliseconds(2))};  // Default MSL: 30 s.
  auto numbered = [](std::uint32_t n) {
    return [n](Bytes frame) { return frame_number(frame) == n; };
  };
  // 29.998 s + 2 ms = exactly 30 s in flight: still alive. 1 us more: expired.
  net.link->add_fault(Direction::a_to_b,
                      FaultRule::delay(numbered(0), 1, seconds(30) - milliseconds(2)));
  net.link->add_fault(
      Direction::a_to_b,
      FaultRule::delay(numbered(1), 1, seconds(30) - milliseconds(2) + microseconds(1)));
  net.a.send_at(kEpoch, make_frame(0x10, 0));
  net.a.send_at(kEpoch, make_frame(0x10, 1));
  net.sim.run_for(seconds(60));
  EXPECT_EQ(received_numbers(net.b), (std::vector<std::uint32_t>{0}));
  EXPECT_EQ(net.b.received[0].time, kEpoch + seconds(30));
  EXPECT_EQ(net.forward().expired, 1u);
  EXPECT_EQ(net.count(FrameFate::expired), 1u);
}

TEST(MaximumSegmentLifetime, IsConfigurable) {
  SimulatorOptions options;
  options.max_segment_lifetime = seconds(1);
  TwoNodes net{with_delay(milliseconds(2)), 1, options};
  net.link->add_fault(Direction::a_to_b, FaultRule::delay(first_byte_is(0xAA), 1, seconds(2)));
  send_mixed(net);
  net.sim.run_for(seconds(10));
  EXPECT_EQ(received_numbers(net.b), (std::vector<std::uint32_t>{0, 2, 3, 4, 5}));
  EXPECT_EQ(net.forward().expired, 1u);
}

}  // namespace
}  // namespace synack::sim
