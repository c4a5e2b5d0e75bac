// Byte-stream behaviours beyond the matrix: sequence wraparound, a receiver that keeps its window
// closed, window scaling to 16 MiB, RTT estimation, fast retransmit and the window reduction of
// each congestion control, SACK recovery of several losses in one round trip, keepalive.
#include <gtest/gtest.h>

#include <array>
#include <cerrno>
#include <cmath>

#include "support/tcp_pair.hpp"
#include "synack/sim/bulk_transfer.hpp"

namespace synack::testing {
namespace {

using sim::BulkOptions;
using sim::BulkResult;
using sim::path;
using sim::run_bulk;

using namespace tcp_flags;

TEST(Stream, SequenceNumbersWrapAroundWithoutHarm) {
  BulkOptions o;
  o.bytes = 4u << 20;
  o.data_path = path(0.01);
  o.ack_path = path(0.01);
  o.client_config.fixed_isn = 0xffffffffu - 1'000'000;  // wraps a million bytes in
  o.server_config.fixed_isn = 0xfffffff0u;
  const BulkResult r = run_bulk(o);
  EXPECT_TRUE(r.byte_exact());
  EXPECT_GT(r.client.RetransSegs, 0u);  // losses were repaired across the wrap too
}

TEST(Stream, ReceiverWithAClosedWindowForAMinuteIsProbedThenResumes) {
  BulkOptions o;
  o.bytes = 2u << 20;
  o.data_path = path();
  o.ack_path = path();
  o.server_reads = [](Instant now) { return now >= from_micros(60'000'000); };
  const BulkResult r = run_bulk(o);
  EXPECT_TRUE(r.byte_exact());
  EXPECT_GT(r.finished, from_micros(60'000'000));
  EXPECT_LT(r.finished, from_micros(65'000'000));
  // Probes back off exponentially from the RTO (200 ms): 0.2, 0.4, ... up to 60 s of waiting
  // takes about eight probes, not hundreds.
  EXPECT_GE(r.client.TCPWinProbe, 6u);
  EXPECT_LE(r.client.TCPWinProbe, 10u);
  EXPECT_EQ(r.client.TCPTimeouts, 0u);  // probing is not retransmission
}

TEST(Stream, SixteenMebibyteWindowUsesWindowScaling) {
  EXPECT_EQ(window_shift_for(16u << 20), 9);
  EXPECT_EQ(window_shift_for(65535), 0);
  EXPECT_EQ(window_shift_for(65536), 1);
  BulkOptions o;
  o.bytes = 64u << 20;
  o.data_path = path(0, milliseconds(50));
  o.ack_path = path(0, milliseconds(50));
  TcpSocketOptions big = TcpSocketOptions::from(o.client_config);
  big.send_buffer = big.receive_buffer = 16u << 20;
  o.client_socket = o.server_socket = big;
  const BulkResult r = run_bulk(o);
  ASSERT_TRUE(r.byte_exact());
  // 16 MiB per 100 ms round trip: far beyond what a 64 KiB unscaled window allows (5 Mbit/s).
  EXPECT_GT(r.goodput_mbps(), 300.0);
}

TEST(Stream, RttEstimateConvergesToTheLinkRoundTrip) {
  TcpPairOptions o;
  o.one_way_delay = milliseconds(50);
  TcpPair p(o);
  auto [c, s] = p.open();
  std::array<std::uint8_t, 1000> data{};
  std::array<std::uint8_t, 4096> sink{};
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(p.client.tcp().send(c, data));
    p.run_for(milliseconds(300));
    while (p.server.tcp().recv(s, sink)) {
    }
  }
  const auto srtt = p.client.tcp().connection(c)->rtt().srtt();
  ASSERT_TRUE(srtt.has_value());
  // 100 ms round trip; the peer's delayed ACK may add up to 40 ms to some samples.
  EXPECT_GE(*srtt, milliseconds(100));
  EXPECT_LE(*srtt, milliseconds(145));
  EXPECT_LE(p.client.tcp().connection(c)->rtt().rttvar(), milliseconds(25));
}

// Sends `segments` full segments once the window has grown, loses the `lost`-th, and reports
// the congestion state just before and just after fast retransmit.
struct FastRetransmitObservation {
  std::uint32_t cwnd_before = 0;
  std::uint32_t flight_before = 0;
  std::uint32_t ssthresh_after = 0;
  std::uint32_t mss = 0;
  int duplicate_acks_seen = 0;
  bool retransmitted = false;
  std::uint64_t timeouts = 0;
};

FastRetransmitObservation observe_fast_retransmit(CongestionAlgorithm algorithm, bool sack) {
  TcpPairOptions o;
  o.client_tcp.congestion = algorithm;
  o.client_tcp.sack = sack;
  o.server_tcp.sack = sack;
  TcpPair p(o);
  auto [c, s] = p.open();
  const TcpConnection* conn = p.client.tcp().connection(c);
  std::vector<std::uint8_t> block(200'000, 0x5a);
  std::vector<std::uint8_t> sink(1 << 20);
  // Warm up: grow cwnd past the initial window.
  EXPECT_TRUE(p.client.tcp().send(c, block).has_value());
  p.run_for(seconds(1));
  while (p.server.tcp().recv(s, sink)) {
  }
  FastRetransmitObservation obs;
  obs.mss = conn->send_mss();
  // Lose the 5th data segment of the next burst.
  int data_segments = 0;
  p.link->add_fault(sim::Direction::a_to_b, sim::FaultRule::drop([&data_segments](Bytes f) {
                      return is_tcp_with_flags(f, kAck) && f.size() > 200 && ++data_segments == 5;
                    }));
  const SeqNum lost_seq = conn->snd_nxt() + 4 * obs.mss;
  bool done = false;
  p.client.tcp().set_event_callback([&](const TcpEvent& e) {
    p.client_events.push_back(e);
    if (done) return;
    if (e.kind == TcpEventKind::kSegmentReceived && e.segment.ack == lost_seq &&
        e.segment.length == 0) {
      ++obs.duplicate_acks_seen;
      obs.cwnd_before = conn->cwnd();
      obs.flight_before = static_cast<std::uint32_t>(conn->snd_nxt() - conn->snd_una());
    }
    if (e.kind == TcpEventKind::kSegmentSent && e.segment.retransmission &&
        e.segment.seq == lost_seq) {
      obs.retransmitted = true;
      obs.ssthresh_after = conn->ssthresh();
      done = true;
    }
  });
  std::vector<std::uint8_t> burst(40 * obs.mss, 0x33);
  EXPECT_TRUE(p.client.tcp().send(c, burst).has_value());
  p.run_for(seconds(2));
  obs.timeouts = p.client.tcp().counters().TCPTimeouts;
  return obs;
}

TEST(Stream, NewRenoFastRetransmitsOnTheThirdDuplicateAndHalvesTheFlight) {
  const auto obs = observe_fast_retransmit(CongestionAlgorithm::kNewReno, /*sack=*/false);
  EXPECT_TRUE(obs.retransmitted);
  EXPECT_EQ(obs.duplicate_acks_seen, 4);  // the ACK that opened the hole, then three duplicates
  EXPECT_EQ(obs.timeouts, 0u);
  // RFC 5681 equation 4: ssthresh = max(FlightSize / 2, 2 SMSS).
  EXPECT_EQ(obs.ssthresh_after, std::max(obs.flight_before / 2, 2 * obs.mss));
}

TEST(Stream, CubicFastRetransmitReducesTheWindowToSevenTenths) {
  const auto obs = observe_fast_retransmit(CongestionAlgorithm::kCubic, /*sack=*/false);
  EXPECT_TRUE(obs.retransmitted);
  EXPECT_EQ(obs.timeouts, 0u);
  // RFC 9438 section 4.6: ssthresh = cwnd * beta_cubic, beta_cubic = 0.7.
  EXPECT_EQ(obs.ssthresh_after, static_cast<std::uint32_t>(obs.cwnd_before * Cubic::kBeta));
}

TEST(Stream, SackRepairsSeveralLossesInOneWindowInAboutOneRoundTrip) {
  TcpPair p;  // 20 ms round trip
  auto [c, s] = p.open();
  const TcpConnection* conn = p.client.tcp().connection(c);
  ASSERT_TRUE(conn->options().sack_permitted);
  std::vector<std::uint8_t> sink(1 << 20);
  std::vector<std::uint8_t> warm(300'000, 1);
  ASSERT_TRUE(p.client.tcp().send(c, warm).has_value());
  p.run_for(seconds(1));
  while (p.server.tcp().recv(s, sink)) {
  }
  // Three separate losses in one flight of 30 segments: the 5th, 12th and 20th.
  int n = 0;
  p.link->add_fault(sim::Direction::a_to_b,
                    sim::FaultRule::drop(
                        [&n](Bytes f) {
                          if (!is_tcp_with_flags(f, kAck) || f.size() <= 200) return false;
                          ++n;
                          return n == 5 || n == 12 || n == 20;
                        },
                        0));
  const Instant start = p.sim.now();
  std::vector<std::uint8_t> burst(30 * conn->send_mss(), 2);
  ASSERT_TRUE(p.client.tcp().send(c, burst).has_value());
  const std::size_t before = p.client_events.size();
  p.run_for(seconds(2));
  std::vector<Instant> repairs;
  for (std::size_t i = before; i < p.client_events.size(); ++i) {
    const auto& e = p.client_events[i];
    if (e.kind == TcpEventKind::kSegmentSent && e.segment.retransmission) repairs.push_back(e.time);
  }
  ASSERT_EQ(repairs.size(), 3u);
  EXPECT_EQ(p.client.tcp().counters().TCPTimeouts, 0u);
  EXPECT_EQ(p.client.tcp().counters().TCPSackRecovery, 1u);
  // The first repair goes out when the loss is known (one round trip after the burst); all three
  // are out within the next round trip.
  EXPECT_LE(repairs.front() - start, milliseconds(45));
  EXPECT_LE(repairs.back() - repairs.front(), milliseconds(22));
  std::size_t received = 0;
  while (auto r = p.server.tcp().recv(s, sink)) received += *r;
  EXPECT_EQ(received, burst.size());
}

TEST(Stream, KeepaliveProbesAnIdleConnectionAndAbortsWhenThePeerIsGone) {
  TcpPair p;
  auto [c, s] = p.open();
  ASSERT_TRUE(p.client.tcp().set_keepalive(c, true, seconds(10), seconds(1), 3));
  p.run_for(seconds(31));
  // The peer answers: one probe per idle period (10 s after the last segment heard), alive.
  EXPECT_EQ(p.client.tcp().state(c), TcpState::kEstablished);
  EXPECT_EQ(p.client.tcp().counters().TCPKeepAlive, 3u);  // at about 10, 20 and 30 s
  // Now the peer vanishes: three unanswered probes one second apart, then ETIMEDOUT.
  sim::Impairments dead = p.link->impairments(sim::Direction::a_to_b);
  dead.loss = 1.0;
  p.link->set_impairments(sim::Direction::a_to_b, dead);
  const Instant cut = p.sim.now();
  p.run_for(seconds(30));
  EXPECT_EQ(p.client.tcp().take_error(c), ETIMEDOUT);
  EXPECT_EQ(p.client.tcp().counters().TCPAbortOnKeepalive, 1u);
  const auto closed = TcpPair::when_entered(p.client_events, TcpState::kClosed);
  ASSERT_TRUE(closed.has_value());
  // Idle since the last answer (about 30.07 s): probes at +10, +11, +12 s, abort at +13 s.
  EXPECT_GT(*closed - cut, seconds(10));
  EXPECT_LE(*closed - cut, seconds(13));
}

TEST(Stream, NagleHoldsSmallSegmentsWhileDataIsUnacknowledgedAndNoDelayDoesNot) {
  for (const bool no_delay : {false, true}) {
    TcpPair p;
    auto [c, s] = p.open();
    ASSERT_TRUE(p.client.tcp().set_no_delay(c, no_delay));
    const std::size_t before = TcpPair::sent(p.client_events).size();
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(p.client.tcp().send(c, std::array<std::uint8_t, 10>{}));
      p.run_for(milliseconds(1));
    }
    p.run_for(milliseconds(5));
    const std::size_t small_segments = TcpPair::sent(p.client_events).size() - before;
    EXPECT_EQ(small_segments, no_delay ? 5u : 1u) << "no_delay=" << no_delay;
  }
}

}  // namespace
}  // namespace synack::testing

namespace synack {
namespace {

TEST(SeqRangeSet, MergesOverlappingAndAdjacentRanges) {
  SeqRangeSet<4> set;
  using W = SeqRangeSet<4>::WhenFull;
  EXPECT_TRUE(set.add(SeqNum{100}, SeqNum{200}, W::kRefuse));
  EXPECT_TRUE(set.add(SeqNum{300}, SeqNum{400}, W::kRefuse));
  EXPECT_TRUE(set.add(SeqNum{200}, SeqNum{300}, W::kRefuse));  // bridges both
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set.front(), (SackBlock{SeqNum{100}, SeqNum{400}}));
  // Across the 2^32 wrap.
  SeqRangeSet<4> wrap;
  EXPECT_TRUE(wrap.add(SeqNum{0xfffffff0u}, SeqNum{0x10}, W::kRefuse));
  EXPECT_TRUE(wrap.add(SeqNum{0x10}, SeqNum{0x20}, W::kRefuse));
  ASSERT_EQ(wrap.size(), 1u);
  EXPECT_EQ(wrap.front().right, SeqNum{0x20});
}

TEST(SeqRangeSet, FullSetRefusesOrEvictsTheLowest) {
  using W = SeqRangeSet<2>::WhenFull;
  SeqRangeSet<2> set;
  set.add(SeqNum{100}, SeqNum{110}, W::kRefuse);
  set.add(SeqNum{200}, SeqNum{210}, W::kRefuse);
  EXPECT_FALSE(set.add(SeqNum{300}, SeqNum{310}, W::kRefuse));
  EXPECT_TRUE(set.add(SeqNum{300}, SeqNum{310}, W::kEvictLowest));
  EXPECT_EQ(set.front().left, SeqNum{200});
  EXPECT_FALSE(set.add(SeqNum{50}, SeqNum{60}, W::kEvictLowest));  // would be evicted itself
  set.erase_below(SeqNum{205});
  EXPECT_EQ(set.front(), (SackBlock{SeqNum{205}, SeqNum{210}}));
}

TEST(ReassemblyRanges, ReportsTheLatestArrivalFirstThenTheHighest) {
  ReassemblyRanges r;
  r.add(SeqNum{2000}, SeqNum{3000});
  r.add(SeqNum{5000}, SeqNum{6000});
  r.add(SeqNum{3000}, SeqNum{3500});  // extends the first range: it holds the latest arrival
  std::array<SackBlock, 3> out{};
  ASSERT_EQ(r.sack_blocks(out), 2u);
  EXPECT_EQ(out[0], (SackBlock{SeqNum{2000}, SeqNum{3500}}));
  EXPECT_EQ(out[1], (SackBlock{SeqNum{5000}, SeqNum{6000}}));
  EXPECT_EQ(r.advance(SeqNum{2000}), SeqNum{3500});
  EXPECT_EQ(r.size(), 1u);
}

}  // namespace
}  // namespace synack
