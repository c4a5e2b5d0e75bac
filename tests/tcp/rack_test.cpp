// RACK (RFC 8985 section 6) on its own: per-segment send times, the reordering window, loss
// marking by time, lost retransmissions, DSACK-driven window growth. Times are exact.
#include <gtest/gtest.h>

#include <array>

#include "synack/tcp/loss_recovery.hpp"
#include "synack/tcp/rack.hpp"

namespace synack::testing {
namespace {

Instant ms(double t) {
  return from_micros(static_cast<std::int64_t>(t * 1000));
}

// Four 1000-byte segments from 1000, sent at 0, 1, 2 and 3 ms.
struct RackBench {
  RackBench() {
    for (int i = 0; i < 4; ++i) {
      rack.on_sent(SeqNum{1000u + 1000u * i}, SeqNum{2000u + 1000u * i}, ms(i), false);
    }
  }
  void sack(std::uint32_t left, std::uint32_t right, Instant now, std::uint32_t una = 1000) {
    const std::array<SackBlock, 1> block{SackBlock{SeqNum{left}, SeqNum{right}}};
    scoreboard.add(block, SeqNum{una}, SeqNum{5000});
    rack.on_ack(SeqNum{una}, scoreboard, now);
  }
  Rack rack{16};
  SackScoreboard scoreboard;
};

TEST(Rack, ALaterDeliveryMarksEarlierSegmentsLostOnlyAfterTheReorderingWindow) {
  RackBench b;
  b.sack(4000, 5000, ms(50));  // the last segment arrives: 47 ms after it was sent
  EXPECT_EQ(b.rack.rtt(), milliseconds(47));
  ASSERT_EQ(b.rack.min_rtt(), milliseconds(47));
  const Duration reo = b.rack.reordering_window(false, milliseconds(47));
  EXPECT_EQ(reo, microseconds(11750));  // min_RTT / 4
  Rack::Detection d = b.rack.detect_loss(ms(50), reo);
  EXPECT_EQ(b.rack.lost_bytes(), 0u);
  // The segment sent at 2 ms is the last to run out: 2 + 47 + 11.75 - 50.
  EXPECT_EQ(d.timeout, microseconds(10750));
  d = b.rack.detect_loss(ms(60.749), reo);
  EXPECT_EQ(b.rack.lost_bytes(), 2000u);  // the segments sent at 0 and 1 ms
  d = b.rack.detect_loss(ms(60.75), reo);
  EXPECT_EQ(b.rack.lost_bytes(), 3000u);
  EXPECT_EQ(d.timeout, Duration{0});
  ASSERT_NE(b.rack.first_lost(), nullptr);
  EXPECT_EQ(b.rack.first_lost()->start, SeqNum{1000});
}

TEST(Rack, NoWaitingInRecoveryOrAfterThreeSackedUntilReorderingIsSeen) {
  RackBench b;
  b.sack(2000, 5000, ms(50));  // the last three arrive, in order among themselves
  EXPECT_EQ(b.rack.segs_sacked(), 3u);
  EXPECT_FALSE(b.rack.reordering_seen());
  EXPECT_EQ(b.rack.min_rtt(), milliseconds(47));
  EXPECT_EQ(b.rack.reordering_window(false, milliseconds(47)), Duration{0});  // DupThresh
  EXPECT_EQ(b.rack.reordering_window(true, milliseconds(47)), Duration{0});   // recovery
  // The first segment, sent once, arrives below the highest delivered one: reordering.
  b.scoreboard.acknowledge(SeqNum{5000});
  b.rack.on_ack(SeqNum{5000}, b.scoreboard, ms(52));
  EXPECT_TRUE(b.rack.reordering_seen());
  EXPECT_EQ(b.rack.size(), 0u);
  EXPECT_EQ(b.rack.reordering_window(true, milliseconds(47)), microseconds(11750));
  // Never wider than SRTT.
  EXPECT_EQ(b.rack.reordering_window(true, milliseconds(5)), milliseconds(5));
}

TEST(Rack, ALostRetransmissionIsDetectedByTimeToo) {
  RackBench b;
  b.sack(2000, 5000, ms(50));
  b.rack.detect_loss(ms(50), Duration{0});
  ASSERT_EQ(b.rack.lost_bytes(), 1000u);
  b.rack.on_sent(SeqNum{1000}, SeqNum{2000}, ms(50), true);  // the retransmission
  EXPECT_EQ(b.rack.lost_bytes(), 0u);
  b.rack.on_sent(SeqNum{5000}, SeqNum{6000}, ms(51), false);  // new data after it
  const std::array<SackBlock, 1> block{SackBlock{SeqNum{5000}, SeqNum{6000}}};
  b.scoreboard.add(block, SeqNum{1000}, SeqNum{6000});
  b.rack.on_ack(SeqNum{1000}, b.scoreboard, ms(100));                  // sent at 51, delivered: the
  const Rack::Detection d = b.rack.detect_loss(ms(100), Duration{0});  // retransmission is lost
  EXPECT_EQ(d.lost_retransmissions, 1u);
  EXPECT_EQ(b.rack.lost_bytes(), 1000u);
}

TEST(Rack, DsackWidensTheWindowOncePerRoundTrip) {
  RackBench b;
  b.sack(4000, 5000, ms(50));
  b.rack.on_dsack(SeqNum{1000}, SeqNum{5000});
  b.rack.on_dsack(SeqNum{2000}, SeqNum{5000});  // same round: no change
  EXPECT_EQ(b.rack.reo_wnd_mult(), 2);
  b.rack.on_dsack(SeqNum{5000}, SeqNum{9000});
  EXPECT_EQ(b.rack.reo_wnd_mult(), 3);
  EXPECT_EQ(b.rack.reordering_window(false, milliseconds(100)), microseconds(35250));
}

TEST(Rack, AFullRingFoldsNewSegmentsIntoTheNewestRecord) {
  Rack rack{4};
  for (int i = 0; i < 6; ++i) {
    rack.on_sent(SeqNum{1000u + 100u * i}, SeqNum{1100u + 100u * i}, ms(i), false);
  }
  EXPECT_EQ(rack.size(), 4u);
  ASSERT_NE(rack.last_outstanding(), nullptr);
  EXPECT_EQ(rack.last_outstanding()->start, SeqNum{1300});
  EXPECT_EQ(rack.last_outstanding()->end, SeqNum{1600});
  EXPECT_EQ(rack.last_outstanding()->sent, ms(3));  // the older time: never a later detection
}

TEST(LossRecoveryRack, TheProbeTimeoutIsTwoRttsAndWaitsForADelayedAckOnASingleSegment) {
  TcpCounters counters;
  LossRecovery recovery{counters, SeqNum{1000}};
  recovery.set_sack(true);
  const Instant now = ms(100);
  SendFlight three{SeqNum{1000}, SeqNum{4000}, SeqNum{4000}, SeqNum{4000}, false, 1000};
  recovery.schedule_probe(now, three, milliseconds(20), ms(400));
  EXPECT_EQ(recovery.probe_deadline(), ms(140));
  SendFlight one{SeqNum{1000}, SeqNum{2000}, SeqNum{2000}, SeqNum{2000}, false, 1000};
  recovery.schedule_probe(now, one, milliseconds(20), ms(400));
  EXPECT_EQ(recovery.probe_deadline(), ms(340));  // + WCDelAckT
  recovery.schedule_probe(now, one, milliseconds(20), ms(300));
  EXPECT_EQ(recovery.probe_deadline(), ms(300));  // never later than the RTO
  recovery.set_rack(false);
  recovery.schedule_probe(now, three, milliseconds(20), ms(400));
  EXPECT_EQ(recovery.probe_deadline(), kNever);  // DupThresh mode: no TLP
}

TEST(LossRecoveryRack, AProbeThatRepairedALossReducesTheWindowOnce) {
  TcpCounters counters;
  LossRecovery recovery{counters, SeqNum{1000}};
  recovery.set_sack(true);
  auto cc = make_congestion_control(CongestionAlgorithm::kNewReno, 1000);
  recovery.on_probe_sent(SeqNum{11000}, true);
  EXPECT_EQ(counters.TCPLossProbes, 1u);
  SendFlight acked{SeqNum{11000}, SeqNum{11000}, SeqNum{11000}, SeqNum{11000}, false, 1000};
  recovery.on_cumulative_ack(ms(200), acked, 10000, 10000, milliseconds(20), *cc);
  EXPECT_EQ(counters.TCPLossProbeRecovery, 1u);
  EXPECT_EQ(cc->ssthresh(), 5000u);
  EXPECT_EQ(cc->cwnd(), 5000u);
}

}  // namespace
}  // namespace synack::testing
