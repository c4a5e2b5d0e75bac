// LossRecovery on its own: when recovery starts, which segment it resends next and how the
// window moves, with and without SACK. Sequence numbers are set by hand; nothing is sent.
#include <gtest/gtest.h>

#include <array>

#include "synack/tcp/loss_recovery.hpp"

namespace synack::testing {
namespace {

struct RecoveryBench {
  // RFC 6675's DupThresh (RACK has tests of its own in rack_test.cpp).
  explicit RecoveryBench(bool sack) {
    recovery.set_sack(sack);
    recovery.set_rack(false);
  }

  // Ten 1000-byte segments outstanding from 1000.
  SendFlight flight(std::uint32_t una = 1000) const {
    return SendFlight{SeqNum{una}, SeqNum{11000}, SeqNum{11000}, SeqNum{11000}, false, 1000};
  }
  bool sack(std::uint32_t left, std::uint32_t right) {
    const std::array<SackBlock, 1> block{SackBlock{SeqNum{left}, SeqNum{right}}};
    return recovery.on_sack_blocks(block, flight(), SeqNum{1000});
  }
  void duplicate() { recovery.on_duplicate_ack(now, flight(), *cc); }
  void cumulative(std::uint32_t from, std::uint32_t to) {
    recovery.on_cumulative_ack(now, flight(to), to - from, 10000, std::nullopt, *cc);
  }
  std::optional<Retransmission> next() {
    auto r = recovery.next_retransmission(flight(), cc->cwnd());
    if (r) recovery.on_retransmitted(*r);
    return r;
  }

  TcpCounters counters;
  LossRecovery recovery{counters, SeqNum{1000}};
  std::unique_ptr<CongestionControl> cc =
      make_congestion_control(CongestionAlgorithm::kNewReno, 1000);
  Instant now = from_micros(1'000'000);
};

TEST(LossRecovery, NewRenoEntersOnTheThirdDuplicateAndResendsTheFirstSegment) {
  RecoveryBench b(false);
  b.duplicate();
  EXPECT_EQ(b.recovery.limited_transmit(1000), 1000u);  // RFC 3042
  b.duplicate();
  EXPECT_EQ(b.recovery.limited_transmit(1000), 2000u);
  EXPECT_FALSE(b.recovery.in_recovery());
  b.duplicate();
  ASSERT_TRUE(b.recovery.in_recovery());
  EXPECT_EQ(b.counters.TCPRenoRecovery, 1u);
  EXPECT_EQ(b.cc->ssthresh(), 5000u);  // FlightSize / 2
  EXPECT_EQ(b.cc->cwnd(), 8000u);      // + 3 SMSS (RFC 6582 step 2)
  EXPECT_EQ(b.recovery.limited_transmit(1000), 0u);
  ASSERT_TRUE(b.recovery.retransmission_due());
  const auto first = b.next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->seq, SeqNum{1000});
  EXPECT_EQ(first->length, 1000u);
  EXPECT_EQ(first->reason, "fast retransmit");
  EXPECT_FALSE(b.next().has_value());  // one per partial ACK, no more
  EXPECT_EQ(b.counters.TCPFastRetrans, 1u);
  b.duplicate();
  EXPECT_EQ(b.cc->cwnd(), 9000u);  // RFC 6582 step 4

  // A partial ACK: the next hole goes at once, cwnd deflates by what was acknowledged less one.
  b.cumulative(1000, 3000);
  EXPECT_TRUE(b.recovery.in_recovery());
  EXPECT_EQ(b.cc->cwnd(), 8000u);
  const auto second = b.recovery.next_retransmission(b.flight(3000), b.cc->cwnd());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->seq, SeqNum{3000});

  // The recovery point acknowledged: recovery ends with cwnd at ssthresh.
  b.cumulative(3000, 11000);
  EXPECT_FALSE(b.recovery.in_recovery());
  EXPECT_EQ(b.cc->cwnd(), 5000u);
}

TEST(LossRecovery, DupThreshWithSackDeclaresLossOnceMoreThanTwoSegmentsAreSackedAbove) {
  RecoveryBench b(true);
  EXPECT_TRUE(b.sack(2000, 4000));
  b.duplicate();
  EXPECT_FALSE(b.recovery.in_recovery());  // 2000 bytes SACKed: not more than 2 SMSS
  EXPECT_TRUE(b.sack(4000, 5000));
  EXPECT_FALSE(b.sack(2000, 5000));  // nothing new: not a duplicate ACK (RFC 6675 section 2)
  b.duplicate();
  ASSERT_TRUE(b.recovery.in_recovery());
  EXPECT_EQ(b.counters.TCPSackRecovery, 1u);
  EXPECT_EQ(b.cc->cwnd(), 5000u);  // no NewReno inflation with SACK
  // pipe: 10000 outstanding - 3000 SACKed - the 1000-byte hole below them.
  EXPECT_EQ(b.recovery.pipe(b.flight()), 6000u);
  const auto first = b.next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->seq, SeqNum{1000});
  EXPECT_EQ(first->length, 1000u);
  EXPECT_EQ(first->reason, "SACK retransmit");
  EXPECT_EQ(b.recovery.pipe(b.flight()), 7000u);  // the resent hole is in the network again
  EXPECT_FALSE(b.next().has_value());             // pipe + SMSS > cwnd

  // More SACKed above a new hole at [5000, 6000): room for one more resend.
  EXPECT_TRUE(b.sack(6000, 8000));
  EXPECT_EQ(b.recovery.pipe(b.flight()), 4000u);
  const auto second = b.next();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->seq, SeqNum{5000});
  EXPECT_EQ(b.counters.TCPFastRetrans, 2u);
  // New data skips what the receiver already holds.
  EXPECT_EQ(b.recovery.skip_sacked(SeqNum{6500}), SeqNum{8000});
}

TEST(LossRecovery, ATimeoutEndsRecoveryAndForgetsTheScoreboard) {
  RecoveryBench b(true);
  b.sack(2000, 6000);
  b.duplicate();
  ASSERT_TRUE(b.recovery.in_recovery());
  b.recovery.on_retransmission_timeout(SeqNum{1000});
  EXPECT_FALSE(b.recovery.in_recovery());
  EXPECT_FALSE(b.recovery.retransmission_due());
  EXPECT_TRUE(b.recovery.scoreboard().empty());  // RFC 2018 section 8: may have reneged
  EXPECT_EQ(b.recovery.skip_sacked(SeqNum{2000}), SeqNum{2000});
  EXPECT_EQ(b.recovery.pipe(b.flight()), 10000u);
}

TEST(LossRecovery, ADuplicateAckWithoutSackIsTheSameAckAndWindowWithNothingOnIt) {
  const SendFlight flight{SeqNum{1000}, SeqNum{2000}, SeqNum{2000}, SeqNum{2000}, false, 1000};
  TcpRepr h;
  h.flags = tcp_flags::kAck;
  h.ack = SeqNum{1000};
  EXPECT_TRUE(LossRecovery::is_duplicate_ack(h, 0, flight, 5000, 5000));
  EXPECT_FALSE(LossRecovery::is_duplicate_ack(h, 10, flight, 5000, 5000));  // data on it
  EXPECT_FALSE(LossRecovery::is_duplicate_ack(h, 0, flight, 6000, 5000));   // window update
  h.flags |= tcp_flags::kFin;
  EXPECT_FALSE(LossRecovery::is_duplicate_ack(h, 0, flight, 5000, 5000));
}

}  // namespace
}  // namespace synack::testing

namespace synack::testing {
namespace {

TEST(LossRecovery, ADsackBlockIsCountedWidensRacksWindowAndIsNoNews) {
  TcpCounters counters;
  LossRecovery recovery{counters, SeqNum{1000}};
  recovery.set_sack(true);
  const SendFlight flight{SeqNum{3000}, SeqNum{11000}, SeqNum{11000}, SeqNum{11000}, false, 1000};
  // Below the cumulative ACK (RFC 2883 section 4, first case).
  const std::array<SackBlock, 1> below{SackBlock{SeqNum{1000}, SeqNum{2000}}};
  EXPECT_FALSE(recovery.on_sack_blocks(below, flight, SeqNum{3000}));
  EXPECT_EQ(counters.TCPDSACKRecv, 1u);
  EXPECT_EQ(recovery.rack().reo_wnd_mult(), 2);
  // Within the second block (second case): the second block is still news.
  const std::array<SackBlock, 2> inside{SackBlock{SeqNum{5000}, SeqNum{6000}},
                                        SackBlock{SeqNum{4000}, SeqNum{7000}}};
  EXPECT_TRUE(recovery.on_sack_blocks(inside, flight, SeqNum{3000}));
  EXPECT_EQ(counters.TCPDSACKRecv, 2u);
  EXPECT_EQ(recovery.rack().reo_wnd_mult(), 2);  // once per round trip
  EXPECT_EQ(recovery.scoreboard().sacked_bytes_above(SeqNum{3000}), 3000u);
  // An ordinary block is not a D-SACK.
  const std::array<SackBlock, 1> plain{SackBlock{SeqNum{8000}, SeqNum{9000}}};
  EXPECT_TRUE(recovery.on_sack_blocks(plain, flight, SeqNum{3000}));
  EXPECT_EQ(counters.TCPDSACKRecv, 2u);
}

}  // namespace
}  // namespace synack::testing
