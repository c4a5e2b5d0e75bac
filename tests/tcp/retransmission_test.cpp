// The retransmission timer for data (RFC 6298): exponential backoff from the measured RTO, the
// 120 s ceiling, and tcp_retries2 after which the connection is aborted with ETIMEDOUT.
#include <gtest/gtest.h>

#include <array>
#include <cerrno>

#include "support/tcp_pair.hpp"

namespace synack::testing {
namespace {

using namespace tcp_flags;

TEST(Retransmission, DataIsRetransmittedWithDoublingIntervalsThenAborted) {
  TcpPair p;
  auto [c, s] = p.open();
  p.sim.run_until(from_micros(1'000'000));
  // From now on nothing the client sends arrives.
  sim::Impairments dead = p.link->impairments(sim::Direction::a_to_b);
  dead.loss = 1.0;
  p.link->set_impairments(sim::Direction::a_to_b, dead);
  const std::array<std::uint8_t, 100> data{};
  ASSERT_EQ(*p.client.tcp().send(c, data), 100u);
  p.run_for(seconds(2000));

  std::vector<std::int64_t> sends_ms;
  for (const auto& e : TcpPair::sent(p.client_events)) {
    if (e.segment.length == 100) sends_ms.push_back(to_micros(e.time) / 1000);
  }
  // RTO from the handshake sample (20 ms) is the 200 ms floor. RFC 8985 7.2: the tail loss
  // probe's timeout for one segment (2 SRTT + 200 ms) is capped at the RTO, so at 1.2 s a probe
  // goes in the RTO's place and the RTO is rearmed from it (7.3, as Linux does); then the RTO
  // doubles to the 120 s cap. Original + probe + tcp_retries2 = 16 retransmissions.
  const std::vector<std::int64_t> expected = {1000,   1200,   1400,   1800,   2600,   4200,
                                              7400,   13800,  26600,  52200,  103400, 205800,
                                              325800, 445800, 565800, 685800, 805800};
  EXPECT_EQ(sends_ms, expected);
  // The 16th expiry gives up: 805.8 + 120 s.
  EXPECT_EQ(TcpPair::when_entered(p.client_events, TcpState::kClosed), from_micros(925'800'000));
  EXPECT_EQ(p.client.tcp().take_error(c), ETIMEDOUT);
  EXPECT_EQ(p.client.tcp().counters().TCPAbortOnTimeout, 1u);
  EXPECT_EQ(p.client.tcp().counters().TCPLossProbes, 1u);
  EXPECT_EQ(p.client.tcp().counters().RetransSegs, 16u);
}

TEST(Retransmission, RetriesAreConfigurable) {
  TcpPairOptions o;
  o.client_tcp.retries2 = 3;
  TcpPair p(o);
  auto [c, s] = p.open();
  p.sim.run_until(from_micros(1'000'000));
  sim::Impairments dead = p.link->impairments(sim::Direction::a_to_b);
  dead.loss = 1.0;
  p.link->set_impairments(sim::Direction::a_to_b, dead);
  const std::array<std::uint8_t, 10> data{};
  ASSERT_EQ(*p.client.tcp().send(c, data), 10u);
  p.run_for(seconds(60));
  // 1.0 + 0.2 (tail loss probe at the RTO's instant, RFC 8985 7.2) + 0.2 + 0.4 + 0.8 + 1.6
  EXPECT_EQ(TcpPair::when_entered(p.client_events, TcpState::kClosed), from_micros(4'200'000));
  EXPECT_EQ(p.client.tcp().take_error(c), ETIMEDOUT);
}

TEST(Retransmission, LostSegmentIsResentAfterOneRtoAndTheStreamStaysExact) {
  TcpPair p;
  auto [c, s] = p.open();
  p.sim.run_until(from_micros(1'000'000));
  p.link->add_fault(sim::Direction::a_to_b, sim::FaultRule::drop(tcp_flags_equal(kAck | kPsh)));
  const std::string message = "GET / HTTP/1.1\r\n\r\n";
  ASSERT_TRUE(p.client.tcp().send(
      c, Bytes{reinterpret_cast<const std::uint8_t*>(message.data()), message.size()}));
  p.run_for(seconds(2));
  std::array<std::uint8_t, 64> buf{};
  auto n = p.server.tcp().recv(s, buf);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(std::string(buf.begin(), buf.begin() + *n), message);
  const auto sent = TcpPair::sent(p.client_events);
  std::vector<std::int64_t> data_ms;
  for (const auto& e : sent) {
    if (e.segment.length > 0) data_ms.push_back(to_micros(e.time) / 1000);
  }
  EXPECT_EQ(data_ms, (std::vector<std::int64_t>{1000, 1200}));
  // RFC 8985 7.2: the resend at the RTO's instant is a tail loss probe, not a timeout.
  EXPECT_EQ(p.client.tcp().counters().TCPLossProbes, 1u);
  EXPECT_EQ(p.client.tcp().counters().TCPTimeouts, 0u);
}

}  // namespace
}  // namespace synack::testing
