// RACK-TLP end to end between two stacks: a lost last segment is repaired by a tail loss probe
// (RFC 8985 section 7) well before the retransmission timer, and RFC 6675 DupThresh, still
// selectable per socket, waits for the timer instead.
#include <gtest/gtest.h>

#include <array>

#include "support/tcp_pair.hpp"

namespace synack::testing {
namespace {

using namespace tcp_flags;

struct TailLoss {
  // Drops the first transmission of the last segment of a 5000-byte write (the one with PSH)
  // and, if `also_third`, of the third one too.
  TailLoss(bool rack, bool also_third = false, bool no_delay = false) {
    const SocketId listener = p.listen();
    TcpSocketOptions options = TcpSocketOptions::from(TcpConfig{});
    options.rack = rack;
    options.no_delay = no_delay;
    const auto c = p.client.tcp().connect(p.sim.now(), p.server_endpoint(), std::nullopt, options);
    EXPECT_TRUE(c.has_value());
    p.sim.run_until(from_micros(1'000'000));
    const auto s = p.server.tcp().accept(listener);
    EXPECT_TRUE(s.has_value());
    // The segment that ends the write carries PSH: drop its first transmission.
    p.link->add_fault(sim::Direction::a_to_b, sim::FaultRule::drop(tcp_flags_equal(kAck | kPsh)));
    if (also_third) {
      p.link->add_fault(sim::Direction::a_to_b, sim::FaultRule::drop(tcp_flags_equal(kAck), 3));
    }
    std::array<std::uint8_t, 5000> data{};
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i);
    EXPECT_EQ(*p.client.tcp().send(*c, data), data.size());
    p.run_for(seconds(3));
    std::array<std::uint8_t, 6000> got{};
    const auto n = p.server.tcp().recv(*s, got);
    EXPECT_TRUE(n.has_value());
    if (n) received = *n;
    EXPECT_TRUE(std::equal(data.begin(), data.end(), got.begin()));
  }
  // Send times (ms) and reasons of the client's retransmissions.
  std::vector<std::pair<std::int64_t, std::string>> retransmissions() const {
    std::vector<std::pair<std::int64_t, std::string>> r;
    for (const auto& e : TcpPair::sent(p.client_events)) {
      if (e.segment.retransmission) r.emplace_back(to_micros(e.time) / 1000, std::string(e.reason));
    }
    return r;
  }

  TcpPair p;
  std::size_t received = 0;
};

TEST(TailLossProbe, TwoLostAtTheTailAreFoundByAProbeAfterTwoRoundTrips) {
  // Without Nagle segments 1-4 leave at 1000 ms; the ACK of 1 and 2 arrives at 1020, and with
  // two segments outstanding the probe timeout is 2 * SRTT = 40 ms (RFC 8985 7.2): at 1060 the
  // last segment goes again. Its SACK shows segment 3 missing, sent before a delivered one and
  // older than RTT + min_RTT / 4: RACK resends it at once.
  TailLoss t(true, true, true);
  EXPECT_EQ(t.received, 5000u);
  const auto& counters = t.p.client.tcp().counters();
  EXPECT_EQ(counters.TCPLossProbes, 1u);
  EXPECT_EQ(counters.TCPTimeouts, 0u);
  EXPECT_EQ(counters.TCPSackRecovery, 1u);
  const auto r = t.retransmissions();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0], (std::pair<std::int64_t, std::string>{1060, "tail loss probe"}));
  EXPECT_EQ(r[1], (std::pair<std::int64_t, std::string>{1080, "RACK retransmit"}));
}

TEST(TailLossProbe, ASingleLostSegmentIsProbedAtTheRtoInstantWithoutATimeout) {
  // Nagle holds the last 656 bytes until the delayed ACK of segment 3 arrives at 1060; then
  // they are the only segment outstanding, so the probe timeout is 2 * SRTT + WCDelAckT = 240 ms,
  // later than the RTO (200 ms): the probe goes at the RTO's instant in its place, with no
  // timeout and no collapse of cwnd to one segment.
  TailLoss t(true);
  EXPECT_EQ(t.received, 5000u);
  const auto& counters = t.p.client.tcp().counters();
  EXPECT_EQ(counters.TCPLossProbes, 1u);
  EXPECT_EQ(counters.TCPLossProbeRecovery, 1u);
  EXPECT_EQ(counters.TCPTimeouts, 0u);
  const auto r = t.retransmissions();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0], (std::pair<std::int64_t, std::string>{1260, "tail loss probe"}));
}

TEST(TailLossProbe, DupThreshWaitsForTheRetransmissionTimer) {
  TailLoss t(false);
  EXPECT_EQ(t.received, 5000u);
  const auto& counters = t.p.client.tcp().counters();
  EXPECT_EQ(counters.TCPLossProbes, 0u);
  EXPECT_EQ(counters.TCPTimeouts, 1u);
  const auto r = t.retransmissions();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0], (std::pair<std::int64_t, std::string>{1260, "data (resent after timeout)"}));
}

}  // namespace
}  // namespace synack::testing
