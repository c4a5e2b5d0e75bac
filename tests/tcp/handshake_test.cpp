// The three-way handshake on the simulator (RFC 9293 section 3.5), with exact segments, states
// and times. One-way delay is 10 ms on a raw-IP link.
#include <gtest/gtest.h>

#include <array>
#include <cerrno>
#include <memory>
#include <string>

#include "support/tcp_pair.hpp"

namespace synack::testing {
namespace {

using namespace tcp_flags;

TEST(Handshake, NormalOpenExchangesThreeSegmentsWithExactNumbers) {
  TcpPair p;
  const SocketId listener = p.listen();
  const SocketId c = p.connect();
  p.run_for(milliseconds(100));
  auto accepted = p.server.tcp().accept(listener);
  ASSERT_TRUE(accepted.has_value());

  const auto client_sent = TcpPair::sent(p.client_events);
  const auto server_sent = TcpPair::sent(p.server_events);
  ASSERT_EQ(client_sent.size(), 2u);
  ASSERT_EQ(server_sent.size(), 1u);
  const TcpEvent& syn = client_sent[0];
  const TcpEvent& synack = server_sent[0];
  // 1: SYN with the client's ISN at t = 0.
  EXPECT_EQ(syn.segment.flags, kSyn);
  EXPECT_EQ(syn.time, kEpoch);
  const SeqNum client_isn = syn.segment.seq;
  EXPECT_EQ(client_isn, p.client.tcp().connection(c)->iss());
  // 2: SYN-ACK with the server's ISN and ack = client ISN + 1, one delay later.
  EXPECT_EQ(synack.segment.flags, kSyn | kAck);
  EXPECT_EQ(synack.segment.ack, client_isn + 1);
  EXPECT_EQ(synack.time, from_micros(10'000));
  const SeqNum server_isn = synack.segment.seq;
  // 3: the client's ACK of server ISN + 1 (a pure ACK: nothing was queued to send).
  const TcpEvent& ack = client_sent[1];
  EXPECT_EQ(ack.segment.flags, kAck);
  EXPECT_EQ(ack.segment.seq, client_isn + 1);
  EXPECT_EQ(ack.segment.ack, server_isn + 1);
  EXPECT_EQ(ack.segment.length, 0u);
  EXPECT_EQ(ack.time, from_micros(20'000));
  EXPECT_EQ(p.client.tcp().connection(c)->snd_una(), client_isn + 1);
  EXPECT_EQ(p.client.tcp().connection(c)->rcv_nxt(), server_isn + 1);
  EXPECT_EQ(p.server.tcp().connection(*accepted)->rcv_nxt(), client_isn + 1);
  EXPECT_EQ(p.server.tcp().connection(*accepted)->snd_una(), server_isn + 1);

  EXPECT_EQ(TcpPair::states(p.client_events),
            (std::vector{TcpState::kClosed, TcpState::kSynSent, TcpState::kEstablished}));
  EXPECT_EQ(TcpPair::when_entered(p.client_events, TcpState::kEstablished), from_micros(20'000));
  EXPECT_EQ(TcpPair::when_entered(p.server_events, TcpState::kSynReceived), from_micros(10'000));
  EXPECT_EQ(TcpPair::when_entered(p.server_events, TcpState::kEstablished), from_micros(30'000));
  EXPECT_EQ(p.client.tcp().counters().ActiveOpens, 1u);
  EXPECT_EQ(p.server.tcp().counters().PassiveOpens, 1u);
  EXPECT_EQ(p.client.tcp().counters().CurrEstab, 1u);
  EXPECT_EQ(p.server.tcp().counters().CurrEstab, 1u);
}

std::vector<double> times_of(const std::vector<TcpEvent>& sent, std::uint8_t flags) {
  std::vector<double> out;
  for (const auto& e : sent) {
    if (e.segment.flags == flags) out.push_back(to_seconds(e.time));
  }
  return out;
}

TEST(Handshake, LostSynIsRetransmittedAfterOneSecond) {
  TcpPair p;
  p.link->add_fault(sim::Direction::a_to_b, sim::FaultRule::drop(tcp_flags_equal(kSyn)));
  p.listen();
  const SocketId c = p.connect();
  p.run_for(seconds(2));
  EXPECT_EQ(times_of(TcpPair::sent(p.client_events), kSyn), (std::vector<double>{0.0, 1.0}));
  EXPECT_TRUE(TcpPair::sent(p.client_events)[1].segment.retransmission);
  EXPECT_EQ(TcpPair::sent(p.client_events)[1].segment.seq,
            TcpPair::sent(p.client_events)[0].segment.seq);
  EXPECT_EQ(TcpPair::when_entered(p.client_events, TcpState::kEstablished), from_micros(1'020'000));
  EXPECT_EQ(p.client.tcp().state(c), TcpState::kEstablished);
  EXPECT_EQ(p.client.tcp().counters().TCPSynRetrans, 1u);
  EXPECT_EQ(p.client.tcp().counters().RetransSegs, 1u);
}

TEST(Handshake, SynRetriesDoubleUntilConnectTimesOut) {
  TcpPair p;
  p.link->add_fault(sim::Direction::a_to_b, sim::FaultRule::drop(tcp_flags_equal(kSyn), 0));
  p.listen();
  const SocketId c = p.connect();
  p.run_for(seconds(200));
  // Default tcp_syn_retries = 6: SYNs at 0, 1, 3, 7, 15, 31, 63 s; give up at 127 s.
  EXPECT_EQ(times_of(TcpPair::sent(p.client_events), kSyn),
            (std::vector<double>{0, 1, 3, 7, 15, 31, 63}));
  EXPECT_EQ(TcpPair::when_entered(p.client_events, TcpState::kClosed), from_micros(127'000'000));
  EXPECT_EQ(p.client.tcp().take_error(c), ETIMEDOUT);
  EXPECT_EQ(p.client.tcp().counters().AttemptFails, 1u);
  EXPECT_EQ(p.client.tcp().counters().TCPSynRetrans, 6u);
}

TEST(Handshake, SynRetryCountIsConfigurable) {
  TcpPairOptions o;
  o.client_tcp.syn_retries = 2;
  TcpPair p(o);
  p.link->add_fault(sim::Direction::a_to_b, sim::FaultRule::drop(tcp_flags_equal(kSyn), 0));
  const SocketId c = p.connect();
  p.run_for(seconds(20));
  EXPECT_EQ(times_of(TcpPair::sent(p.client_events), kSyn), (std::vector<double>{0, 1, 3}));
  EXPECT_EQ(TcpPair::when_entered(p.client_events, TcpState::kClosed), from_micros(7'000'000));
  // The error reaches the application once, through recv (or take_error).
  std::array<std::uint8_t, 4> buf{};
  EXPECT_EQ(p.client.tcp().recv(c, buf).error(), ETIMEDOUT);
  EXPECT_EQ(p.client.tcp().take_error(c), 0);
}

TEST(Handshake, LostSynAckIsAnsweredAgainWhenTheSynIsRetransmitted) {
  TcpPair p;
  p.link->add_fault(sim::Direction::b_to_a, sim::FaultRule::drop(tcp_flags_equal(kSyn | kAck)));
  p.listen();
  p.connect();
  p.run_for(seconds(3));
  EXPECT_EQ(times_of(TcpPair::sent(p.server_events), kSyn | kAck),
            (std::vector<double>{0.010, 1.010}));
  EXPECT_EQ(TcpPair::when_entered(p.client_events, TcpState::kEstablished), from_micros(1'020'000));
  EXPECT_EQ(TcpPair::when_entered(p.server_events, TcpState::kEstablished), from_micros(1'030'000));
}

TEST(Handshake, SynAckRetransmissionsBackOffThenTheHalfOpenEntryIsFreed) {
  TcpPair p;
  // The client's first SYN gets through; nothing it sends afterwards does.
  auto seen = std::make_shared<int>(0);
  p.link->add_fault(sim::Direction::a_to_b,
                    sim::FaultRule::drop([seen](Bytes) { return (*seen)++ > 0; }, 0));
  const SocketId listener = p.listen();
  p.connect();
  p.run_for(seconds(100));
  // tcp_synack_retries = 5: SYN-ACKs 1, 2, 4, 8, 16 s apart, entry freed 32 s after the last.
  EXPECT_EQ(times_of(TcpPair::sent(p.server_events), kSyn | kAck),
            (std::vector<double>{0.010, 1.010, 3.010, 7.010, 15.010, 31.010}));
  EXPECT_EQ(p.server.tcp().listener(listener)->half_open_count(), 0u);
  EXPECT_EQ(p.server.tcp().counters().TCPHalfOpenFreed, 1u);
  std::optional<Instant> freed;
  for (const auto& e : p.server_events) {
    if (e.kind == TcpEventKind::kStateChange && e.from == TcpState::kSynReceived) freed = e.time;
  }
  EXPECT_EQ(freed, from_micros(63'010'000));
}

TEST(Handshake, LostThirdAckIsRecoveredBySynAckRetransmission) {
  TcpPair p;
  p.link->add_fault(sim::Direction::a_to_b, sim::FaultRule::drop(tcp_flags_equal(kAck)));
  p.listen();
  p.connect();
  p.run_for(seconds(3));
  EXPECT_EQ(TcpPair::when_entered(p.client_events, TcpState::kEstablished), from_micros(20'000));
  EXPECT_EQ(times_of(TcpPair::sent(p.server_events), kSyn | kAck),
            (std::vector<double>{0.010, 1.010}));
  // The established client answers the repeated SYN-ACK with an ACK (RFC 9293 3.10.7.4).
  EXPECT_EQ(times_of(TcpPair::sent(p.client_events), kAck), (std::vector<double>{0.020, 1.020}));
  EXPECT_EQ(TcpPair::when_entered(p.server_events, TcpState::kEstablished), from_micros(1'030'000));
}

TEST(Handshake, ConnectToClosedPortIsRefusedByReset) {
  TcpPair p;
  const SocketId c = p.connect(81);
  p.run_for(seconds(1));
  const auto rst = TcpPair::sent(p.server_events);
  ASSERT_EQ(rst.size(), 1u);
  // RFC 9293 3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
  EXPECT_EQ(rst[0].segment.flags, kRst | kAck);
  EXPECT_EQ(rst[0].segment.seq, SeqNum{0});
  EXPECT_EQ(rst[0].segment.ack, p.client.tcp().connection(c)->iss() + 1);
  EXPECT_EQ(TcpPair::when_entered(p.client_events, TcpState::kClosed), from_micros(20'000));
  EXPECT_EQ(p.client.tcp().take_error(c), ECONNREFUSED);
  EXPECT_EQ(p.client.tcp().counters().AttemptFails, 1u);
  EXPECT_EQ(p.server.tcp().counters().OutRsts, 1u);
}

TEST(Handshake, SimultaneousOpenGoesThroughSynReceivedOnBothSides) {
  TcpPair p;
  auto a = p.client.tcp().connect(kEpoch, p.server_endpoint(5000), p.client_endpoint(6000));
  auto b = p.server.tcp().connect(kEpoch, p.client_endpoint(6000), p.server_endpoint(5000));
  ASSERT_TRUE(a && b);
  p.run_for(seconds(1));
  const auto expected = std::vector{TcpState::kClosed, TcpState::kSynSent, TcpState::kSynReceived,
                                    TcpState::kEstablished};
  EXPECT_EQ(TcpPair::states(p.client_events), expected);
  EXPECT_EQ(TcpPair::states(p.server_events), expected);
  // RFC 9293 figure 7: SYN, then SYN-ACK, from each side; nothing else.
  for (const auto* events : {&p.client_events, &p.server_events}) {
    const auto sent = TcpPair::sent(*events);
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0].segment.flags, kSyn);
    EXPECT_EQ(sent[1].segment.flags, kSyn | kAck);
    EXPECT_EQ(sent[1].segment.seq, sent[0].segment.seq);
    EXPECT_EQ(sent[1].time, from_micros(10'000));
    EXPECT_EQ(TcpPair::when_entered(*events, TcpState::kEstablished), from_micros(20'000));
  }
  EXPECT_EQ(p.client.tcp().connection(*a)->rcv_nxt(), p.server.tcp().connection(*b)->iss() + 1);
  EXPECT_EQ(p.server.tcp().connection(*b)->rcv_nxt(), p.client.tcp().connection(*a)->iss() + 1);
}

TEST(Handshake, DataOnTheThirdSegmentIsDeliveredAtOnce) {
  TcpPair p;
  const SocketId listener = p.listen();
  const SocketId c = p.connect();
  const std::string hello = "hello";
  ASSERT_EQ(*p.client.tcp().send(
                c, Bytes{reinterpret_cast<const std::uint8_t*>(hello.data()), hello.size()}),
            5u);
  p.run_for(milliseconds(30));
  const auto sent = TcpPair::sent(p.client_events);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].segment.flags, kAck | kPsh);
  EXPECT_EQ(sent[1].segment.length, 5u);
  EXPECT_EQ(sent[1].time, from_micros(20'000));
  auto s = p.server.tcp().accept(listener);
  ASSERT_TRUE(s.has_value());
  std::array<std::uint8_t, 16> buf{};
  auto n = p.server.tcp().recv(*s, buf);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(std::string(buf.begin(), buf.begin() + *n), "hello");
  EXPECT_EQ(TcpPair::when_entered(p.server_events, TcpState::kEstablished), from_micros(30'000));
}

TEST(Handshake, DataOnSynIsNeitherStoredByTheListenerNorDelivered) {
  RawPair p;
  auto listener = p.server.tcp().listen(Endpoint{IpAddress::v4(kServerIp), 80}, 8);
  ASSERT_TRUE(listener);
  const std::string early = "early";
  const Bytes early_bytes{reinterpret_cast<const std::uint8_t*>(early.data()), early.size()};
  p.send(make_header(4000, 80, SeqNum{1000}, SeqNum{0}, kSyn), early_bytes);
  ASSERT_TRUE(p.run_until_received(1));
  const RawSegment synack = p.peer.received()[0];
  EXPECT_EQ(synack.header.flags, kSyn | kAck);
  EXPECT_EQ(synack.header.ack, SeqNum{1001});  // the SYN only, not its 5 bytes
  p.send(make_header(4000, 80, SeqNum{1001}, synack.header.seq + 1, kAck));
  p.sim.run_for(milliseconds(50));
  auto s = p.server.tcp().accept(*listener);
  ASSERT_TRUE(s.has_value());
  std::array<std::uint8_t, 16> buf{};
  EXPECT_EQ(p.server.tcp().recv(*s, buf).error(), EAGAIN);
  // Sent again after the handshake, the bytes arrive.
  p.send(make_header(4000, 80, SeqNum{1001}, synack.header.seq + 1, kAck | kPsh), early_bytes);
  p.sim.run_for(milliseconds(50));
  auto n = p.server.tcp().recv(*s, buf);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(std::string(buf.begin(), buf.begin() + *n), "early");
}

TEST(Handshake, OldDuplicateSynIsResetByTheClientAndTheServerKeepsNothing) {
  // Why three messages: a SYN that lingered in the network reaches the server after the client
  // gave up on it. The server only answers with a SYN-ACK; the client, knowing no such
  // connection, resets it, and the half-open entry is freed. Nothing was ever accepted.
  TcpPair p;
  p.link->add_fault(sim::Direction::a_to_b,
                    sim::FaultRule::delay(tcp_flags_equal(kSyn), 1, seconds(5)));
  const SocketId listener = p.listen();
  const SocketId c = p.connect();
  const SeqNum old_isn = p.client.tcp().connection(c)->iss();
  p.run_for(milliseconds(500));
  ASSERT_TRUE(p.client.tcp().close(c));  // the client moves on; its SYN is still in flight
  p.run_for(seconds(10));
  const auto server_sent = TcpPair::sent(p.server_events);
  ASSERT_EQ(server_sent.size(), 1u);
  EXPECT_EQ(server_sent[0].segment.flags, kSyn | kAck);
  EXPECT_EQ(server_sent[0].time, from_micros(5'010'000));
  const auto client_sent = TcpPair::sent(p.client_events);
  ASSERT_EQ(client_sent.size(), 2u);
  EXPECT_EQ(client_sent[1].segment.flags, kRst);
  EXPECT_EQ(client_sent[1].segment.seq, old_isn + 1);  // <SEQ=SEG.ACK>
  EXPECT_EQ(client_sent[1].time, from_micros(5'020'000));
  EXPECT_EQ(p.server.tcp().listener(listener)->half_open_count(), 0u);
  EXPECT_FALSE(p.server.tcp().accept(listener).has_value());
  EXPECT_EQ(p.server.tcp().counters().AttemptFails, 1u);
  EXPECT_EQ(TcpPair::states(p.server_events).back(), TcpState::kListen);
}

}  // namespace
}  // namespace synack::testing
