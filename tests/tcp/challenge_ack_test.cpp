// RFC 5961 section 7: challenge ACKs are rate limited per stack, so that a flood of spoofed
// RSTs, SYNs or out-of-window ACKs cannot turn the stack into an ACK amplifier. The per-second
// budget is drawn from [limit/2, limit*3/2) as Linux does since CVE-2016-5696.
#include <gtest/gtest.h>

#include <set>

#include "support/tcp_pair.hpp"

namespace synack::testing {
namespace {

using namespace tcp_flags;

struct NullSink : SegmentSink {
  void send_segment(const FourTuple&, const TcpRepr&, const SplitBytes&) override {}
};

TEST(ChallengeAckLimit, BudgetIsARandomDrawAroundTheLimit) {
  NullSink sink;
  TcpContext ctx(TcpConfig{}, fixed_secrets(7), sink);
  std::set<std::uint32_t> budgets;
  for (std::int64_t second = 0; second < 50; ++second) {
    const std::uint32_t b = ctx.challenge_ack_budget(second);
    EXPECT_GE(b, 500u);
    EXPECT_LT(b, 1500u);
    budgets.insert(b);
  }
  EXPECT_GE(budgets.size(), 45u);  // a draw per second, not a constant
  // Another key draws other budgets.
  TcpContext other(TcpConfig{}, fixed_secrets(8), sink);
  int same = 0;
  for (std::int64_t second = 0; second < 50; ++second)
    same += other.challenge_ack_budget(second) == ctx.challenge_ack_budget(second) ? 1 : 0;
  EXPECT_LE(same, 2);
}

TEST(ChallengeAckLimit, ExactlyTheBudgetPerSecond) {
  NullSink sink;
  TcpContext ctx(TcpConfig{}, fixed_secrets(7), sink);
  const Instant t = from_micros(5'000'000);
  int allowed = 0;
  for (int i = 0; i < 2000; ++i) allowed += ctx.take_challenge_ack(t + microseconds(i)) ? 1 : 0;
  EXPECT_EQ(static_cast<std::uint32_t>(allowed), ctx.challenge_ack_budget(5));
  EXPECT_EQ(ctx.counters.TCPACKSkippedChallenge, 2000u - ctx.challenge_ack_budget(5));
  // The next second starts a fresh budget.
  EXPECT_TRUE(ctx.take_challenge_ack(from_micros(6'000'000)));
}

TEST(ChallengeAckLimit, ZeroMeansUnlimited) {
  NullSink sink;
  TcpConfig config;
  config.challenge_ack_limit = 0;
  TcpContext ctx(config, fixed_secrets(7), sink);
  for (int i = 0; i < 5000; ++i) ASSERT_TRUE(ctx.take_challenge_ack(from_micros(1)));
  EXPECT_EQ(ctx.counters.TCPACKSkippedChallenge, 0u);
}

TEST(ChallengeAckLimit, AFloodOfInexactRstsGetsAtMostTheBudget) {
  TcpConfig config;
  config.challenge_ack_limit = 100;
  RawPair p(config);
  auto listener = p.server.tcp().listen(Endpoint{IpAddress::v4(kServerIp), kServerPort}, 8);
  ASSERT_TRUE(listener);
  const SeqNum isn{1000};
  p.send(make_header(4000, kServerPort, isn, SeqNum{0}, kSyn));
  ASSERT_TRUE(p.run_until_received(1));
  const SeqNum server_isn = p.peer.received()[0].header.seq;
  p.send(make_header(4000, kServerPort, isn + 1, server_isn + 1, kAck));
  p.sim.run_for(milliseconds(50));
  const auto s = p.server.tcp().accept(*listener);
  ASSERT_TRUE(s);
  p.peer.clear();
  // 400 in-window but inexact RSTs, and 100 SYNs, within 0.1 s (all in second 0).
  for (int i = 0; i < 500; ++i) {
    const std::uint8_t flags = i % 5 == 4 ? kSyn : kRst;
    p.send(
        make_header(4000, kServerPort, isn + 2 + static_cast<std::uint32_t>(i), SeqNum{0}, flags));
    if (i % 50 == 49) p.sim.run_for(milliseconds(10));
  }
  p.sim.run_for(milliseconds(100));
  ASSERT_LT(p.sim.now(), from_micros(1'000'000));
  const auto& c = p.server.tcp().counters();
  EXPECT_EQ(c.TCPChallengeACK + c.TCPACKSkippedChallenge, 500u);
  EXPECT_GE(c.TCPChallengeACK, 50u);
  EXPECT_LT(c.TCPChallengeACK, 150u);
  EXPECT_EQ(p.peer.received().size(), c.TCPChallengeACK);
  for (const auto& seg : p.peer.received()) {
    EXPECT_EQ(seg.header.flags, kAck);
    EXPECT_EQ(seg.header.ack, isn + 1);
  }
  EXPECT_EQ(p.server.tcp().state(*s), TcpState::kEstablished);
  // The next second has a new budget: one more inexact RST gets its challenge ACK.
  p.sim.run_until(from_micros(1'100'000));
  p.peer.clear();
  p.send(make_header(4000, kServerPort, isn + 7, SeqNum{0}, kRst));
  ASSERT_TRUE(p.run_until_received(1));
  EXPECT_EQ(p.peer.received()[0].header.ack, isn + 1);
}

}  // namespace
}  // namespace synack::testing
