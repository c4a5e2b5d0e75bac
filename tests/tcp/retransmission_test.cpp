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
  for (const auto& e : segments_sent(p.client_events)) {
    if (e.segment.length == 100) sends_ms.push_back(to_micros(e.time) / 1000);
  }
  // RTO from the handshake sample (20 ms) is the 200 ms floor; it doubles to the 120 s cap.
  // Original + tcp_retries2 = 15 retransmissions.
  const std::vector<std::int64_t> expected = {1000,   1200,   1600,   2400,   4000,   7200,
                                              13600,  26400,  52000,  103200, 205600, 325600,
                                              445600, 565600, 685600, 805600};
  EXPECT_EQ(sends_ms, expected);
  // The 16th expiry gives up: 805.6 + 120 s.
  EXPECT_EQ(when_entered(p.client_events, TcpState::kClosed), from_micros(925'600'000));
  EXPECT_EQ(p.client.tcp().take_error(c), ETIMEDOUT);
  EXPECT_EQ(p.client.tcp().counters().TCPAbortOnTimeout, 1u);
  EXPECT_EQ(p.client.tcp().counters().RetransSegs, 15u);
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
  // 1.0 + 0.2 + 0.4 + 0.8 + 1.6
  EXPECT_EQ(when_entered(p.client_events, TcpState::kClosed), from_micros(4'000'000));
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
  const auto sent = segments_sent(p.client_events);
  std::vector<std::int64_t> data_ms;
  for (const auto& e : sent) {
    if (e.segment.length > 0) data_ms.push_back(to_micros(e.time) / 1000);
  }
  EXPECT_EQ(data_ms, (std::vector<std::int64_t>{1000, 1200}));
  EXPECT_EQ(p.client.tcp().counters().TCPTimeouts, 1u);
}

}  // namespace
}  // namespace synack::testing
