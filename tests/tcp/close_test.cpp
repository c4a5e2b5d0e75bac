// The four-way close, TIME_WAIT and the ways a close can go (RFC 9293 sections 3.6, 3.10.4).
// One-way delay 10 ms; connections are opened at t = 0 and closes start at t = 1 s.
#include <gtest/gtest.h>

#include <array>
#include <cerrno>
#include <string>

#include "support/tcp_pair.hpp"

namespace synack::testing {
namespace {

using namespace tcp_flags;

Bytes text(const std::string& s) {
  return Bytes{reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::vector<TcpEvent> sent_after(const std::vector<TcpEvent>& events, Instant t) {
  std::vector<TcpEvent> out;
  for (const auto& e : TcpPair::sent(events)) {
    if (e.time >= t) out.push_back(e);
  }
  return out;
}

std::optional<Instant> time_wait_end(const std::vector<TcpEvent>& events) {
  for (const auto& e : events) {
    if (e.kind == TcpEventKind::kStateChange && e.from == TcpState::kTimeWait) return e.time;
  }
  return std::nullopt;
}

TEST(Close, ClientClosesFirstAndHoldsTimeWaitForTwoMsl) {
  TcpPair p;
  auto [c, s] = p.open();
  const FourTuple tuple = *p.client.tcp().tuple(c);
  p.sim.run_until(from_micros(1'000'000));
  ASSERT_TRUE(p.client.tcp().close(c));
  p.run_for(milliseconds(50));
  EXPECT_EQ(p.server.tcp().state(s), TcpState::kCloseWait);
  std::array<std::uint8_t, 8> buf{};
  EXPECT_EQ(*p.server.tcp().recv(s, buf), 0u);  // end of stream
  ASSERT_TRUE(p.server.tcp().close(s));         // at t = 1.050 s
  p.run_for(seconds(1));

  const auto client_sent = sent_after(p.client_events, from_micros(1'000'000));
  const auto server_sent = sent_after(p.server_events, from_micros(1'000'000));
  ASSERT_EQ(client_sent.size(), 2u);
  ASSERT_EQ(server_sent.size(), 2u);
  // FIN (1.000) -> ACK (1.010) ... FIN (1.050) -> ACK (1.060): four messages.
  EXPECT_EQ(client_sent[0].segment.flags, kFin | kAck);
  EXPECT_EQ(client_sent[0].time, from_micros(1'000'000));
  EXPECT_EQ(server_sent[0].segment.flags, kAck);
  EXPECT_EQ(server_sent[0].segment.ack, client_sent[0].segment.seq + 1);
  EXPECT_EQ(server_sent[0].time, from_micros(1'010'000));
  EXPECT_EQ(server_sent[1].segment.flags, kFin | kAck);
  EXPECT_EQ(server_sent[1].time, from_micros(1'050'000));
  EXPECT_EQ(client_sent[1].segment.flags, kAck);
  EXPECT_EQ(client_sent[1].segment.ack, server_sent[1].segment.seq + 1);
  EXPECT_EQ(client_sent[1].time, from_micros(1'060'000));

  EXPECT_EQ(TcpPair::states(p.client_events),
            (std::vector{TcpState::kClosed, TcpState::kSynSent, TcpState::kEstablished,
                         TcpState::kFinWait1, TcpState::kFinWait2, TcpState::kTimeWait}));
  EXPECT_EQ(TcpPair::when_entered(p.client_events, TcpState::kFinWait2), from_micros(1'020'000));
  EXPECT_EQ(TcpPair::when_entered(p.client_events, TcpState::kTimeWait), from_micros(1'060'000));
  EXPECT_EQ(TcpPair::when_entered(p.server_events, TcpState::kCloseWait), from_micros(1'010'000));
  EXPECT_EQ(TcpPair::when_entered(p.server_events, TcpState::kLastAck), from_micros(1'050'000));
  EXPECT_EQ(TcpPair::when_entered(p.server_events, TcpState::kClosed), from_micros(1'070'000));

  // TIME_WAIT is a compact entry for exactly 2 * MSL = 60 s.
  EXPECT_EQ(p.client.tcp().connection_count(), 0u);
  EXPECT_EQ(p.client.tcp().state_of(tuple), TcpState::kTimeWait);
  p.sim.run_until(from_micros(61'059'999));
  EXPECT_EQ(p.client.tcp().state_of(tuple), TcpState::kTimeWait);
  p.sim.run_until(from_micros(61'060'000));
  EXPECT_EQ(p.client.tcp().state_of(tuple), std::nullopt);
  EXPECT_EQ(time_wait_end(p.client_events), from_micros(61'060'000));
  EXPECT_EQ(p.client.tcp().counters().TWExpired, 1u);
  // The passive closer never enters TIME_WAIT.
  EXPECT_EQ(p.server.tcp().time_wait().size(), 0u);
}

TEST(Close, ServerClosesFirstAndTheServerHoldsTimeWait) {
  TcpPair p;
  auto [c, s] = p.open();
  p.sim.run_until(from_micros(1'000'000));
  ASSERT_TRUE(p.server.tcp().close(s));
  p.run_for(milliseconds(50));
  EXPECT_EQ(p.client.tcp().state(c), TcpState::kCloseWait);
  ASSERT_TRUE(p.client.tcp().close(c));
  p.run_for(seconds(1));
  EXPECT_EQ(TcpPair::when_entered(p.server_events, TcpState::kTimeWait), from_micros(1'060'000));
  EXPECT_EQ(TcpPair::when_entered(p.client_events, TcpState::kLastAck), from_micros(1'050'000));
  EXPECT_EQ(p.server.tcp().time_wait().size(), 1u);
  EXPECT_EQ(p.client.tcp().time_wait().size(), 0u);
}

TEST(Close, SimultaneousCloseGoesThroughClosingOnBothSides) {
  TcpPair p;
  auto [c, s] = p.open();
  p.sim.run_until(from_micros(1'000'000));
  ASSERT_TRUE(p.client.tcp().close(c));
  ASSERT_TRUE(p.server.tcp().close(s));
  p.run_for(seconds(1));
  for (const auto* events : {&p.client_events, &p.server_events}) {
    const auto states = TcpPair::states(*events);
    const std::vector tail(states.end() - 4, states.end());
    EXPECT_EQ(tail, (std::vector{TcpState::kEstablished, TcpState::kFinWait1, TcpState::kClosing,
                                 TcpState::kTimeWait}));
    EXPECT_EQ(TcpPair::when_entered(*events, TcpState::kClosing), from_micros(1'010'000));
    EXPECT_EQ(TcpPair::when_entered(*events, TcpState::kTimeWait), from_micros(1'020'000));
    const auto sent = sent_after(*events, from_micros(1'000'000));
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0].segment.flags, kFin | kAck);
    EXPECT_EQ(sent[1].segment.flags, kAck);
  }
  EXPECT_EQ(p.client.tcp().time_wait().size(), 1u);
  EXPECT_EQ(p.server.tcp().time_wait().size(), 1u);
}

TEST(Close, LostFinalAckIsRepairedByTimeWaitWhichRestartsItsTimer) {
  TcpPair p;
  auto [c, s] = p.open();
  p.sim.run_until(from_micros(1'000'000));
  ASSERT_TRUE(p.client.tcp().close(c));
  p.run_for(milliseconds(50));
  // The client's next pure ACK is the final one of the close: lose it.
  p.link->add_fault(sim::Direction::a_to_b, sim::FaultRule::drop(tcp_flags_equal(kAck)));
  ASSERT_TRUE(p.server.tcp().close(s));  // FIN at 1.050
  p.run_for(seconds(2));
  const auto server_fins = sent_after(p.server_events, from_micros(1'050'000));
  ASSERT_EQ(server_fins.size(), 2u);
  // The server's RTO is the 200 ms floor (its RTT sample was 20 ms).
  EXPECT_EQ(server_fins[1].time, from_micros(1'250'000));
  EXPECT_TRUE(server_fins[1].segment.retransmission);
  EXPECT_EQ(server_fins[1].segment.flags, kFin | kAck);
  // TIME_WAIT answers the retransmitted FIN and the server closes cleanly, without an RST.
  const auto client_acks = sent_after(p.client_events, from_micros(1'060'000));
  ASSERT_EQ(client_acks.size(), 2u);
  EXPECT_EQ(client_acks[1].time, from_micros(1'260'000));
  EXPECT_EQ(client_acks[1].reason, "ACK of retransmitted FIN");
  EXPECT_EQ(TcpPair::when_entered(p.server_events, TcpState::kClosed), from_micros(1'270'000));
  EXPECT_EQ(p.server.tcp().counters().OutRsts, 0u);
  EXPECT_EQ(p.client.tcp().counters().OutRsts, 0u);
  // 2 MSL restarted at 1.260 s.
  p.sim.run_until(from_micros(61'259'999));
  EXPECT_EQ(p.client.tcp().time_wait().size(), 1u);
  p.sim.run_until(from_micros(61'260'000));
  EXPECT_EQ(p.client.tcp().time_wait().size(), 0u);
  EXPECT_EQ(time_wait_end(p.client_events), from_micros(61'260'000));
}

TEST(Close, WithoutTimeWaitALostFinalAckEndsInReset) {
  TcpPairOptions o;
  o.client_tcp.time_wait_enabled = false;
  TcpPair p(o);
  auto [c, s] = p.open();
  p.sim.run_until(from_micros(1'000'000));
  ASSERT_TRUE(p.client.tcp().close(c));
  p.run_for(milliseconds(50));
  p.link->add_fault(sim::Direction::a_to_b, sim::FaultRule::drop(tcp_flags_equal(kAck)));
  ASSERT_TRUE(p.server.tcp().close(s));
  p.run_for(seconds(2));
  // The retransmitted FIN finds no connection: RST, and the server's close fails.
  const auto client_sent = sent_after(p.client_events, from_micros(1'060'000));
  ASSERT_EQ(client_sent.size(), 2u);
  EXPECT_EQ(client_sent[1].segment.flags, kRst);
  EXPECT_EQ(TcpPair::when_entered(p.server_events, TcpState::kClosed), from_micros(1'270'000));
}

TEST(Close, HalfCloseLetsThePeerKeepSendingAfterOurFin) {
  TcpPair p;
  auto [c, s] = p.open();
  p.sim.run_until(from_micros(1'000'000));
  ASSERT_TRUE(p.client.tcp().shutdown(c, ShutdownHow::kWrite));
  p.run_for(milliseconds(50));
  EXPECT_EQ(p.server.tcp().state(s), TcpState::kCloseWait);
  EXPECT_EQ(p.client.tcp().state(c), TcpState::kFinWait2);
  // The server still has its answer to send: the ACK of the FIN and its own FIN are separate
  // because this data comes in between.
  const std::string answer = "the rest of the response";
  ASSERT_EQ(*p.server.tcp().send(s, text(answer)), answer.size());
  p.run_for(milliseconds(50));
  std::array<std::uint8_t, 64> buf{};
  auto n = p.client.tcp().recv(c, buf);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(std::string(buf.begin(), buf.begin() + *n), answer);
  ASSERT_TRUE(p.server.tcp().close(s));
  p.run_for(milliseconds(50));
  EXPECT_EQ(*p.client.tcp().recv(c, buf), 0u);
  EXPECT_EQ(TcpPair::states(p.client_events).back(), TcpState::kTimeWait);
  EXPECT_EQ(TcpPair::states(p.server_events).back(), TcpState::kClosed);
}

TEST(Close, OrphanedFinWait2TimesOutAfterFinTimeout) {
  TcpPair p;
  auto [c, s] = p.open();
  p.sim.run_until(from_micros(1'000'000));
  ASSERT_TRUE(p.client.tcp().close(c));
  p.run_for(seconds(100));  // the server never closes
  EXPECT_EQ(TcpPair::when_entered(p.client_events, TcpState::kFinWait2), from_micros(1'020'000));
  // tcp_fin_timeout = 60 s.
  EXPECT_EQ(TcpPair::when_entered(p.client_events, TcpState::kClosed), from_micros(61'020'000));
  EXPECT_EQ(p.client.tcp().counters().TCPAbortOnLinger, 1u);
  EXPECT_EQ(p.server.tcp().state(s), TcpState::kCloseWait);
}

TEST(Close, CloseWithUnreadDataSendsResetInsteadOfFin) {
  TcpPair p;
  auto [c, s] = p.open();
  ASSERT_EQ(*p.server.tcp().send(s, text("unread")), 6u);
  p.run_for(milliseconds(100));
  ASSERT_TRUE(p.client.tcp().close(c));
  p.run_for(milliseconds(100));
  const auto sent = TcpPair::sent(p.client_events);
  EXPECT_EQ(sent.back().segment.flags, kRst);
  EXPECT_EQ(p.client.tcp().counters().TCPAbortOnClose, 1u);
  std::array<std::uint8_t, 8> buf{};
  EXPECT_EQ(p.server.tcp().recv(s, buf).error(), ECONNRESET);
}

TEST(Close, AbortSendsResetAndThePeerSeesConnectionReset) {
  TcpPair p;
  auto [c, s] = p.open();
  const SeqNum snd_nxt = p.client.tcp().connection(c)->snd_nxt();
  ASSERT_TRUE(p.client.tcp().abort(c));
  p.run_for(milliseconds(100));
  const auto sent = TcpPair::sent(p.client_events);
  EXPECT_EQ(sent.back().segment.flags, kRst);
  EXPECT_EQ(sent.back().segment.seq, snd_nxt);  // <SEQ=SND.NXT><CTL=RST>
  EXPECT_EQ(p.server.tcp().take_error(s), ECONNRESET);
  EXPECT_EQ(p.server.tcp().state(s), TcpState::kClosed);
  EXPECT_EQ(p.server.tcp().counters().EstabResets, 1u);
  EXPECT_EQ(p.client.tcp().connection_count(), 0u);
}

}  // namespace
}  // namespace synack::testing
