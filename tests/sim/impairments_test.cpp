// Each impairment, alone, does exactly what Impairments documents.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <set>

#include "sim/scripted_node.hpp"
#include "synack/sim/simulator.hpp"

namespace synack::sim {
namespace {

using testing::frame_number;
using testing::make_frame;
using testing::TwoNodes;

LinkConfig forward_only(const Impairments& imp) {
  LinkConfig config;
  config.a_to_b = imp;
  return config;
}

// Sends `count` frames from a, one every `spacing`, starting at time 0.
void send_train(TwoNodes& net, std::uint32_t count, Duration spacing, std::size_t length = 100) {
  for (std::uint32_t i = 0; i < count; ++i) {
    net.a.send_at(kEpoch + spacing * i, make_frame(0x42, i, length));
  }
}

TEST(Impairments, JitterStaysInRangeAndNeverReorders) {
  Impairments imp;
  imp.delay = milliseconds(10);
  imp.jitter = milliseconds(5);
  TwoNodes net{forward_only(imp)};
  send_train(net, 1000, microseconds(500));
  net.sim.run_for(seconds(2));
  ASSERT_EQ(net.b.received.size(), 1000u);
  std::set<std::int64_t> latencies;
  for (std::uint32_t i = 0; i < 1000; ++i) {
    const auto& rx = net.b.received[i];
    EXPECT_EQ(frame_number(rx.bytes), i);  // FIFO order kept.
    const Duration latency = rx.time - (kEpoch + microseconds(500) * i);
    EXPECT_GE(latency, milliseconds(10));
    // The FIFO clamp may hold a frame behind a slower predecessor, by at most the jitter.
    EXPECT_LE(latency, milliseconds(15));
    latencies.insert(latency.count());
  }
  EXPECT_GT(latencies.size(), 100u);  // The delay really varies.
}

TEST(Impairments, BandwidthSerializesFrames) {
  Impairments imp;
  imp.bandwidth_bps = 1'000'000;
  imp.delay = milliseconds(1);
  TwoNodes net{forward_only(imp)};
  // 1250 bytes = 10,000 bits = 10 ms at 1 Mbit/s; three back-to-back frames queue.
  for (std::uint32_t i = 0; i < 3; ++i) net.a.send_at(kEpoch, make_frame(0x42, i, 1250));
  net.a.send_at(kEpoch + milliseconds(100), make_frame(0x42, 3, 125));  // 1 ms, idle link.
  net.sim.run_for(seconds(1));
  ASSERT_EQ(net.b.received.size(), 4u);
  EXPECT_EQ(net.b.received[0].time, kEpoch + milliseconds(11));
  EXPECT_EQ(net.b.received[1].time, kEpoch + milliseconds(21));
  EXPECT_EQ(net.b.received[2].time, kEpoch + milliseconds(31));
  EXPECT_EQ(net.b.received[3].time, kEpoch + milliseconds(102));
}

TEST(Impairments, QueueLimitTailDropsExactly) {
  Impairments imp;
  imp.bandwidth_bps = 1'000'000;
  imp.queue_limit_packets = 3;
  TwoNodes net{forward_only(imp)};
  // Ten frames at once: one is serialized, three wait, six find the queue full.
  for (std::uint32_t i = 0; i < 10; ++i) net.a.send_at(kEpoch, make_frame(0x42, i, 1250));
  // Sent at 25 ms: frame 0 and 1 have left, frame 2 is sending, 3 waits -> room for two.
  for (std::uint32_t i = 10; i < 13; ++i) {
    net.a.send_at(kEpoch + milliseconds(25), make_frame(0x42, i, 1250));
  }
  net.sim.run_for(seconds(1));
  std::vector<std::uint32_t> numbers;
  std::vector<Instant> times;
  for (const auto& rx : net.b.received) {
    numbers.push_back(frame_number(rx.bytes));
    times.push_back(rx.time);
  }
  EXPECT_EQ(numbers, (std::vector<std::uint32_t>{0, 1, 2, 3, 10, 11}));
  EXPECT_EQ(times, (std::vector<Instant>{kEpoch + milliseconds(10), kEpoch + milliseconds(20),
                                         kEpoch + milliseconds(30), kEpoch + milliseconds(40),
                                         kEpoch + milliseconds(50), kEpoch + milliseconds(60)}));
  EXPECT_EQ(net.forward().queue_drops, 7u);
  EXPECT_EQ(net.count(FrameFate::queue_drop), 7u);
}

TEST(Impairments, LossRateWithinBinomialBound) {
  Impairments imp;
  imp.loss = 0.2;
  TwoNodes net{forward_only(imp)};
  constexpr std::uint32_t kFrames = 10'000;
  send_train(net, kFrames, microseconds(100));
  net.sim.run_for(seconds(2));
  const auto lost = static_cast<double>(net.forward().frames_lost);
  // Mean 2000, standard deviation sqrt(10000 * 0.2 * 0.8) = 40: allow five deviations.
  EXPECT_NEAR(lost, 2000.0, 200.0);
  EXPECT_EQ(net.forward().frames_lost + net.forward().frames_delivered, kFrames);
  EXPECT_EQ(net.b.received.size(), net.forward().frames_delivered);
  EXPECT_EQ(net.count(FrameFate::lost), net.forward().frames_lost);
}

TEST(Impairments, DuplicateDeliversASecondCopy) {
  Impairments imp;
  imp.duplicate = 1.0;
  imp.delay = milliseconds(3);
  TwoNodes net{forward_only(imp)};
  send_train(net, 10, milliseconds(1));
  net.sim.run_for(seconds(1));
  ASSERT_EQ(net.b.received.size(), 20u);
  for (std::uint32_t i = 0; i < 10; ++i) {
    EXPECT_EQ(net.b.received[2 * i].bytes, make_frame(0x42, i));
    EXPECT_EQ(net.b.received[2 * i + 1].bytes, make_frame(0x42, i));
    EXPECT_EQ(net.b.received[2 * i + 1].time, kEpoch + milliseconds(3 + i));
  }
  EXPECT_EQ(net.forward().frames_duplicated, 10u);
  EXPECT_EQ(net.forward().frames_delivered, 20u);
  ASSERT_EQ(net.seen_frames.size(), 20u);
  EXPECT_FALSE(net.seen_frames[0].record.duplicate);
  EXPECT_TRUE(net.seen_frames[1].record.duplicate);
  EXPECT_EQ(net.seen_frames[0].record.frame_id, net.seen_frames[1].record.frame_id);
}

TEST(Impairments, PartialDuplicationWithinBinomialBound) {
  Impairments imp;
  imp.duplicate = 0.3;
  TwoNodes net{forward_only(imp)};
  send_train(net, 10'000, microseconds(100));
  net.sim.run_for(seconds(2));
  // Mean 3000, standard deviation sqrt(10000 * 0.3 * 0.7) ~ 45.8: allow five deviations.
  EXPECT_NEAR(static_cast<double>(net.forward().frames_duplicated), 3000.0, 230.0);
  EXPECT_EQ(net.b.received.size(), 10'000u + net.forward().frames_duplicated);
}

TEST(Impairments, CorruptFlipsExactlyOneBit) {
  Impairments imp;
  imp.corrupt = 1.0;
  TwoNodes net{forward_only(imp)};
  send_train(net, 200, milliseconds(1));
  net.sim.run_for(seconds(1));
  ASSERT_EQ(net.b.received.size(), 200u);
  std::set<std::size_t> flipped_bits;
  for (std::uint32_t i = 0; i < 200; ++i) {
    const ByteVector sent = make_frame(0x42, i);
    const ByteVector& got = net.b.received[i].bytes;
    ASSERT_EQ(got.size(), sent.size());
    int differing_bits = 0;
    for (std::size_t k = 0; k < sent.size(); ++k) {
      const auto diff = static_cast<unsigned>(sent[k] ^ got[k]);
      differing_bits += std::popcount(diff);
      if (diff != 0) flipped_bits.insert(k * 8 + static_cast<std::size_t>(std::countr_zero(diff)));
    }
    EXPECT_EQ(differing_bits, 1) << "frame " << i;
    EXPECT_TRUE(net.seen_frames[i].record.corrupted);
  }
  EXPECT_GT(flipped_bits.size(), 100u);  // Positions spread over the frame.
  EXPECT_EQ(net.forward().frames_corrupted, 200u);
}

TEST(Impairments, ReorderLetsLaterFramesOvertake) {
  Impairments imp;
  imp.delay = milliseconds(10);
  imp.reorder = 0.2;
  imp.reorder_delay = milliseconds(5);
  TwoNodes net{forward_only(imp)};
  send_train(net, 200, milliseconds(1));
  net.sim.run_for(seconds(1));
  ASSERT_EQ(net.b.received.size(), 200u);
  std::size_t reordered = 0;
  for (const auto& seen : net.seen_frames) {
    const Duration latency = *seen.record.delivered - seen.record.sent;
    EXPECT_EQ(latency, seen.record.reordered ? milliseconds(15) : milliseconds(10));
    reordered += seen.record.reordered ? 1 : 0;
  }
  EXPECT_EQ(reordered, net.forward().frames_reordered);
  EXPECT_NEAR(static_cast<double>(reordered), 40.0, 30.0);
  std::size_t inversions = 0;
  for (std::size_t i = 1; i < net.b.received.size(); ++i) {
    if (frame_number(net.b.received[i].bytes) < frame_number(net.b.received[i - 1].bytes)) {
      ++inversions;
    }
  }
  EXPECT_GT(inversions, 0u);
}

TEST(Impairments, MtuDropsOversizedEthernetFrames) {
  Impairments imp;  // mtu 1500 + 14-byte Ethernet header.
  TwoNodes net{forward_only(imp)};
  net.a.send_at(kEpoch, make_frame(0x42, 0, 1514));
  net.a.send_at(kEpoch, make_frame(0x42, 1, 1515));
  net.sim.run_for(seconds(1));
  ASSERT_EQ(net.b.received.size(), 1u);
  EXPECT_EQ(net.b.received[0].bytes.size(), 1514u);
  EXPECT_EQ(net.forward().mtu_drops, 1u);
  EXPECT_EQ(net.count(FrameFate::mtu_drop), 1u);
}

TEST(Impairments, MtuOnRawIpLinksCountsNoHeader) {
  Impairments imp;
  imp.mtu = 576;
  TwoNodes net{LinkConfig::symmetric(imp, LinkLayer::raw_ip)};
  net.a.send_at(kEpoch, make_frame(0x45, 0, 576));
  net.a.send_at(kEpoch, make_frame(0x45, 1, 577));
  net.sim.run_for(seconds(1));
  ASSERT_EQ(net.b.received.size(), 1u);
  EXPECT_EQ(net.b.received[0].bytes.size(), 576u);
  EXPECT_EQ(net.forward().mtu_drops, 1u);
}

TEST(Impairments, ChangingImpairmentsMidRunAffectsLaterFrames) {
  TwoNodes net{LinkConfig{}};
  net.a.send_at(kEpoch, make_frame(0x42, 0));
  net.a.send_at(kEpoch + seconds(2), make_frame(0x42, 1));
  net.sim.run_for(seconds(1));
  Impairments cut;
  cut.loss = 1.0;
  net.link->set_impairments(Direction::a_to_b, cut);
  net.sim.run_for(seconds(2));
  EXPECT_EQ(net.b.received.size(), 1u);
  EXPECT_EQ(net.forward().frames_lost, 1u);
}

}  // namespace
}  // namespace synack::sim
