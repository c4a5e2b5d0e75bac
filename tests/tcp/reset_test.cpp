// RST processing in every synchronized state (RFC 9293 3.10.7.4 second step, RFC 5961 section 3)
// and a SYN arriving in a synchronized state (RFC 5961 section 4). A scripted peer plays the
// client so the test controls every sequence number.
#include <gtest/gtest.h>

#include <array>
#include <cerrno>

#include "support/tcp_pair.hpp"

namespace synack::testing {
namespace {

using namespace tcp_flags;

constexpr std::uint16_t kPeerPort = 4000;
const SeqNum kPeerIsn{1000};

struct Established {
  SocketId socket = 0;
  SeqNum server_isn;
  SocketId listener = 0;
};

// Peer SYN, server SYN-ACK, peer ACK; the server accepts. Afterwards the peer's next sequence
// number is kPeerIsn + 1 and the server's is server_isn + 1.
Established establish(RawPair& p, const TcpConfig& = {}) {
  auto listener = p.server.tcp().listen(Endpoint{IpAddress::v4(kServerIp), kServerPort}, 8);
  EXPECT_TRUE(listener);
  p.send(make_header(kPeerPort, kServerPort, kPeerIsn, SeqNum{0}, kSyn));
  EXPECT_TRUE(p.run_until_received(1));
  const SeqNum server_isn = p.peer.received()[0].header.seq;
  p.send(make_header(kPeerPort, kServerPort, kPeerIsn + 1, server_isn + 1, kAck));
  p.sim.run_for(milliseconds(50));
  auto s = p.server.tcp().accept(*listener);
  EXPECT_TRUE(s);
  p.peer.clear();
  return {s ? *s : 0, server_isn, listener ? *listener : 0};
}

TcpRepr peer(SeqNum seq, SeqNum ack, std::uint8_t flags) {
  return make_header(kPeerPort, kServerPort, seq, ack, flags);
}

TEST(Reset, ExactResetInEstablishedResetsTheConnection) {
  RawPair p;
  const auto e = establish(p);
  p.send(peer(kPeerIsn + 1, SeqNum{0}, kRst));
  p.sim.run_for(milliseconds(50));
  EXPECT_EQ(p.server.tcp().state(e.socket), TcpState::kClosed);
  std::array<std::uint8_t, 4> buf{};
  EXPECT_EQ(p.server.tcp().recv(e.socket, buf).error(), ECONNRESET);
  EXPECT_EQ(p.server.tcp().counters().EstabResets, 1u);
  EXPECT_TRUE(p.peer.received().empty());  // never an RST (or anything) in answer to an RST
}

TEST(Reset, InexactInWindowResetGetsAChallengeAck) {
  RawPair p;
  const auto e = establish(p);
  p.send(peer(kPeerIsn + 1 + 500, SeqNum{0}, kRst));
  ASSERT_TRUE(p.run_until_received(1));
  const RawSegment& challenge = p.peer.received()[0];
  EXPECT_EQ(challenge.header.flags, kAck);
  EXPECT_EQ(challenge.header.seq, e.server_isn + 1);
  EXPECT_EQ(challenge.header.ack, kPeerIsn + 1);  // tells a real peer the exact number to use
  EXPECT_EQ(p.server.tcp().state(e.socket), TcpState::kEstablished);
  EXPECT_EQ(p.server.tcp().counters().TCPChallengeACK, 1u);
}

TEST(Reset, ResetOutsideTheWindowIsDroppedSilently) {
  RawPair p;
  const auto e = establish(p);
  p.send(peer(kPeerIsn + 1 + 10'000'000, SeqNum{0}, kRst));
  p.sim.run_for(milliseconds(50));
  EXPECT_TRUE(p.peer.received().empty());
  EXPECT_EQ(p.server.tcp().state(e.socket), TcpState::kEstablished);
}

TEST(Reset, SynInEstablishedGetsAChallengeAckNotAReset) {
  RawPair p;
  const auto e = establish(p);
  p.send(peer(kPeerIsn + 77, SeqNum{0}, kSyn));
  ASSERT_TRUE(p.run_until_received(1));
  EXPECT_EQ(p.peer.received()[0].header.flags, kAck);
  EXPECT_EQ(p.peer.received()[0].header.ack, kPeerIsn + 1);
  EXPECT_EQ(p.server.tcp().state(e.socket), TcpState::kEstablished);
  EXPECT_EQ(p.server.tcp().counters().TCPSYNChallenge, 1u);
}

TEST(Reset, AckForDataNeverSentIsAnsweredAndDropped) {
  RawPair p;
  const auto e = establish(p);
  p.send(peer(kPeerIsn + 1, e.server_isn + 5000, kAck));
  ASSERT_TRUE(p.run_until_received(1));
  EXPECT_EQ(p.peer.received()[0].header.flags, kAck);
  EXPECT_EQ(p.peer.received()[0].header.seq, e.server_isn + 1);
  EXPECT_EQ(p.server.tcp().connection(e.socket)->snd_una(), e.server_isn + 1);
}

TEST(Reset, ExactResetInCloseWaitClosesWithConnectionReset) {
  RawPair p;
  const auto e = establish(p);
  p.send(peer(kPeerIsn + 1, e.server_isn + 1, kFin | kAck));
  p.sim.run_for(milliseconds(50));
  ASSERT_EQ(p.server.tcp().state(e.socket), TcpState::kCloseWait);
  p.send(peer(kPeerIsn + 2, SeqNum{0}, kRst));
  p.sim.run_for(milliseconds(50));
  EXPECT_EQ(p.server.tcp().state(e.socket), TcpState::kClosed);
  EXPECT_EQ(p.server.tcp().take_error(e.socket), ECONNRESET);
}

TEST(Reset, ExactResetInFinWait1AndFinWait2Closes) {
  for (const bool ack_our_fin : {false, true}) {
    RawPair p;
    const auto e = establish(p);
    ASSERT_TRUE(p.server.tcp().shutdown(e.socket, ShutdownHow::kWrite));
    p.sim.run_for(milliseconds(50));
    if (ack_our_fin) {
      p.send(peer(kPeerIsn + 1, e.server_isn + 2, kAck));
      p.sim.run_for(milliseconds(50));
      ASSERT_EQ(p.server.tcp().state(e.socket), TcpState::kFinWait2);
    } else {
      ASSERT_EQ(p.server.tcp().state(e.socket), TcpState::kFinWait1);
    }
    p.send(peer(kPeerIsn + 1, SeqNum{0}, kRst));
    p.sim.run_for(milliseconds(50));
    EXPECT_EQ(p.server.tcp().state(e.socket), TcpState::kClosed);
    EXPECT_EQ(p.server.tcp().take_error(e.socket), ECONNRESET);
  }
}

TEST(Reset, ExactResetInClosingAndLastAckEndsTheClose) {
  for (const TcpState target : {TcpState::kClosing, TcpState::kLastAck}) {
    RawPair p;
    const auto e = establish(p);
    std::vector<TcpState> seen;
    if (target == TcpState::kClosing) {
      ASSERT_TRUE(p.server.tcp().shutdown(e.socket, ShutdownHow::kWrite));
      p.sim.run_for(milliseconds(5));
      // The peer's FIN does not acknowledge ours: simultaneous close.
      p.send(peer(kPeerIsn + 1, e.server_isn + 1, kFin | kAck));
    } else {
      p.send(peer(kPeerIsn + 1, e.server_isn + 1, kFin | kAck));
      p.sim.run_for(milliseconds(50));
      ASSERT_TRUE(p.server.tcp().shutdown(e.socket, ShutdownHow::kWrite));
    }
    p.sim.run_for(milliseconds(50));
    ASSERT_EQ(p.server.tcp().state(e.socket), target);
    p.send(peer(kPeerIsn + 2, SeqNum{0}, kRst));
    p.sim.run_for(milliseconds(50));
    EXPECT_EQ(p.server.tcp().state(e.socket), TcpState::kClosed);
    EXPECT_EQ(TcpPair::states(p.server_events).back(), TcpState::kClosed);
  }
}

struct TimeWaitSetup {
  FourTuple tuple;
  SeqNum server_isn;
  SocketId listener = 0;
};

TimeWaitSetup into_time_wait(RawPair& p) {
  const auto e = establish(p);
  const FourTuple tuple = *p.server.tcp().tuple(e.socket);
  EXPECT_TRUE(p.server.tcp().close(e.socket));
  p.sim.run_for(milliseconds(50));
  p.send(peer(kPeerIsn + 1, e.server_isn + 2, kFin | kAck));
  p.sim.run_for(milliseconds(50));
  EXPECT_EQ(p.server.tcp().state_of(tuple), TcpState::kTimeWait);
  p.peer.clear();
  return {tuple, e.server_isn, e.listener};
}

TEST(Reset, ResetInTimeWaitIsIgnoredPerRfc1337) {
  RawPair p;
  const auto tw = into_time_wait(p);
  p.send(peer(kPeerIsn + 2, SeqNum{0}, kRst));
  p.sim.run_for(milliseconds(50));
  EXPECT_EQ(p.server.tcp().state_of(tw.tuple), TcpState::kTimeWait);
  EXPECT_TRUE(p.peer.received().empty());
}

TEST(Reset, ResetInTimeWaitEndsItWhenRfc1337IsOff) {
  TcpConfig config;
  config.rfc1337 = false;
  RawPair p(config);
  const auto tw = into_time_wait(p);
  p.send(peer(kPeerIsn + 2, SeqNum{0}, kRst));
  p.sim.run_for(milliseconds(50));
  EXPECT_EQ(p.server.tcp().state_of(tw.tuple), std::nullopt);
  EXPECT_EQ(p.server.tcp().counters().TWKilled, 1u);
}

TEST(Reset, OldSynInTimeWaitIsAckedButANewerOneReopens) {
  RawPair p;
  const auto tw = into_time_wait(p);
  // Not beyond the old connection's sequence space: could be an old duplicate. ACK it.
  p.send(peer(kPeerIsn, SeqNum{0}, kSyn));
  ASSERT_TRUE(p.run_until_received(1));
  EXPECT_EQ(p.peer.received()[0].header.flags, kAck);
  EXPECT_EQ(p.server.tcp().state_of(tw.tuple), TcpState::kTimeWait);
  // Beyond it (RFC 6191 without timestamps): a new incarnation may start now.
  p.peer.clear();
  p.send(peer(kPeerIsn + 100'000, SeqNum{0}, kSyn));
  ASSERT_TRUE(p.run_until_received(1));
  const RawSegment& synack = p.peer.received()[0];
  EXPECT_EQ(synack.header.flags, kSyn | kAck);
  EXPECT_EQ(synack.header.ack, kPeerIsn + 100'001);
  EXPECT_GT(synack.header.seq, tw.server_isn + 2);  // above the old incarnation's numbers
  EXPECT_EQ(p.server.tcp().state_of(tw.tuple), TcpState::kSynReceived);
  EXPECT_EQ(p.server.tcp().counters().TWRecycled, 1u);
}

// A cookie ISN cannot be kept above the old incarnation's sequence space, so a SYN reusing a
// TIME_WAIT 4-tuple never gets one (Linux does the same): it gets a half-open entry with the
// RFC 6191 floor even with cookies always on, and even when the SYN queue is full.
TEST(Reset, SynReusingTimeWaitGetsARealEntryNotACookie) {
  for (const bool queue_full : {false, true}) {
    SCOPED_TRACE(queue_full ? "SYN queue full, cookies mode 1" : "cookies mode 2");
    TcpConfig config;
    config.syncookies = queue_full ? 1 : 2;
    config.max_syn_backlog = queue_full ? 1 : 2048;
    RawPair p(config);
    const auto tw = into_time_wait(p);
    if (queue_full) {
      // Another client fills the one-entry SYN queue.
      TcpRepr other = peer(SeqNum{777}, SeqNum{0}, kSyn);
      other.src_port = kPeerPort + 1;
      p.send(other);
      ASSERT_TRUE(p.run_until_received(1));
      ASSERT_EQ(p.server.tcp().listener(tw.listener)->half_open_count(), 1u);
      p.peer.clear();
    }
    const auto cookies_before = p.server.tcp().counters().SyncookiesSent;
    p.send(peer(kPeerIsn + 100'000, SeqNum{0}, kSyn));
    ASSERT_TRUE(p.run_until_received(1));
    const RawSegment& synack = p.peer.received()[0];
    EXPECT_EQ(synack.header.flags, kSyn | kAck);
    EXPECT_TRUE(synack.header.seq > tw.server_isn + 2);
    EXPECT_EQ(p.server.tcp().counters().SyncookiesSent, cookies_before);
    EXPECT_EQ(p.server.tcp().state_of(tw.tuple), TcpState::kSynReceived);
    EXPECT_EQ(p.server.tcp().listener(tw.listener)->half_open_count(), queue_full ? 2u : 1u);
    // A fresh 4-tuple still gets a cookie, and nothing else is admitted above the limit.
    p.peer.clear();
    TcpRepr fresh = peer(SeqNum{999}, SeqNum{0}, kSyn);
    fresh.src_port = kPeerPort + 2;
    p.send(fresh);
    ASSERT_TRUE(p.run_until_received(1));
    EXPECT_EQ(p.server.tcp().counters().SyncookiesSent, cookies_before + 1);
    EXPECT_EQ(p.server.tcp().listener(tw.listener)->half_open_count(), queue_full ? 2u : 1u);
  }
}

TEST(Reset, SegmentToNoConnectionWithAckGetsResetAtItsAckNumber) {
  RawPair p;
  p.send(peer(SeqNum{5000}, SeqNum{777}, kAck));
  ASSERT_TRUE(p.run_until_received(1));
  const RawSegment& rst = p.peer.received()[0];
  EXPECT_EQ(rst.header.flags, kRst);  // <SEQ=SEG.ACK><CTL=RST>
  EXPECT_EQ(rst.header.seq, SeqNum{777});
  // And an RST to nowhere is never answered.
  p.peer.clear();
  p.send(peer(SeqNum{5000}, SeqNum{0}, kRst));
  p.sim.run_for(milliseconds(50));
  EXPECT_TRUE(p.peer.received().empty());
}

TEST(Reset, AckInListenIsAnsweredWithReset) {
  RawPair p;
  ASSERT_TRUE(p.server.tcp().listen(Endpoint{IpAddress::v4(kServerIp), kServerPort}, 8));
  p.send(peer(SeqNum{5000}, SeqNum{4242}, kAck));
  ASSERT_TRUE(p.run_until_received(1));
  EXPECT_EQ(p.peer.received()[0].header.flags, kRst);
  EXPECT_EQ(p.peer.received()[0].header.seq, SeqNum{4242});
}

}  // namespace
}  // namespace synack::testing
