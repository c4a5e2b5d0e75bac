// Everything an attacker can make grow has a limit, and a flood stops at it: connections per
// stack, TIME_WAIT entries, out-of-order ranges, the send buffer. (Half-open entries: the SYN
// flood and queue tests.)
#include <gtest/gtest.h>

#include <cerrno>
#include <vector>

#include "support/tcp_pair.hpp"
#include "synack/tcp/reassembly.hpp"

namespace synack::testing {
namespace {

using namespace tcp_flags;

// Peer-driven handshake from `port`; returns the server's ISN for that port.
SeqNum handshake(RawPair& p, std::uint16_t port) {
  const std::size_t before = p.peer.received().size();
  p.send(make_header(port, kServerPort, SeqNum{1000}, SeqNum{0}, kSyn));
  EXPECT_TRUE(p.run_until_received(before + 1));
  const SeqNum iss = p.peer.received().back().header.seq;
  p.send(make_header(port, kServerPort, SeqNum{1001}, iss + 1, kAck));
  p.sim.run_for(milliseconds(30));
  return iss;
}

TEST(Limits, ConnectionFloodStopsAtMaxConnections) {
  TcpConfig config;
  config.max_connections = 10;
  RawPair p(config);
  auto l = p.server.tcp().listen(Endpoint{IpAddress::v4(kServerIp), kServerPort}, 64);
  ASSERT_TRUE(l);
  for (std::uint16_t port = 5000; port < 5010; ++port) handshake(p, port);
  EXPECT_EQ(p.server.tcp().connection_count(), 10u);
  // Five more clients: their SYNs are dropped and counted, nothing is allocated.
  const std::size_t answers = p.peer.received().size();
  for (std::uint16_t port = 6000; port < 6005; ++port)
    p.send(make_header(port, kServerPort, SeqNum{1000}, SeqNum{0}, kSyn));
  p.sim.run_for(milliseconds(100));
  EXPECT_EQ(p.peer.received().size(), answers);
  EXPECT_EQ(p.server.tcp().connection_count(), 10u);
  EXPECT_EQ(p.server.tcp().listener(*l)->half_open_count(), 0u);
  EXPECT_EQ(p.server.tcp().counters().TCPConnLimitDrop, 5u);
  // An active open at the limit fails at once.
  const auto c = p.server.tcp().connect(p.sim.now(), Endpoint{IpAddress::v4(kClientIp), 7});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error(), ENOBUFS);
  // Once one connection is gone, a new client gets in.
  auto s = p.server.tcp().accept(*l);
  ASSERT_TRUE(s);
  p.server.tcp().abort(*s);
  p.sim.run_for(milliseconds(30));
  EXPECT_EQ(p.server.tcp().connection_count(), 9u);
  handshake(p, 6000);
  EXPECT_EQ(p.server.tcp().connection_count(), 10u);
}

TEST(Limits, TimeWaitFloodStopsAtTheTableCapacity) {
  TcpPairOptions o;
  o.client_tcp.max_time_wait = 5;
  TcpPair p(o);
  const SocketId l = p.listen();
  for (int i = 0; i < 8; ++i) {
    const SocketId c = p.connect();
    SocketId s = 0;
    ASSERT_TRUE(p.run_until(
        [&] {
          if (s == 0) {
            if (auto a = p.server.tcp().accept(l)) s = *a;
          }
          return s != 0 && p.client.tcp().state(c) == TcpState::kEstablished;
        },
        seconds(1)));
    p.client.tcp().close(c);  // the client closes first: it will hold TIME_WAIT
    p.run_for(milliseconds(50));
    p.server.tcp().close(s);
    p.run_for(milliseconds(50));
  }
  // Policy when full (Linux tcp_max_tw_buckets): the connection closes without TIME_WAIT.
  EXPECT_EQ(p.client.tcp().time_wait().size(), 5u);
  EXPECT_EQ(p.client.tcp().time_wait().capacity(), 5u);
  EXPECT_EQ(p.client.tcp().counters().TCPTimeWaitOverflow, 3u);
  EXPECT_EQ(p.client.tcp().connection_count(), 0u);
}

TEST(Limits, OutOfOrderFloodKeepsAtMostTheRangeLimit) {
  RawPair p;
  auto l = p.server.tcp().listen(Endpoint{IpAddress::v4(kServerIp), kServerPort}, 8);
  ASSERT_TRUE(l);
  const SeqNum iss = handshake(p, 5000);
  auto s = p.server.tcp().accept(*l);
  ASSERT_TRUE(s);
  // 40 segments of 100 bytes, each with a gap before it: 40 separate out-of-order ranges.
  std::vector<std::uint8_t> payload(100, 0x41);
  for (std::uint32_t k = 1; k <= 40; ++k) {
    p.send(make_header(5000, kServerPort, SeqNum{1001 + 200 * k}, iss + 1, kAck),
           Bytes{payload.data(), payload.size()});
  }
  p.sim.run_for(milliseconds(100));
  const auto& c = p.server.tcp().counters();
  EXPECT_EQ(c.TCPOFOQueue, ReassemblyRanges::kMaxRanges);
  EXPECT_EQ(c.TCPOFODrop, 40u - ReassemblyRanges::kMaxRanges);
  EXPECT_EQ(p.server.tcp().connection(*s)->bytes_readable(), 0u);
  EXPECT_EQ(p.server.tcp().state(*s), TcpState::kEstablished);
}

TEST(Limits, SendAndReceiveBuffersStopAtTheirSize) {
  TcpPair p;
  const auto [c, s] = p.open();
  std::vector<std::uint8_t> chunk(64 * 1024, 0x5a);
  std::size_t taken = 0;
  for (int round = 0; round < 40; ++round) {  // 2.5 MB offered; the server never reads
    while (auto n = p.client.tcp().send(c, Bytes{chunk.data(), chunk.size()})) taken += *n;
    p.run_for(milliseconds(100));
  }
  const TcpConnection* cc = p.client.tcp().connection(c);
  const TcpConnection* sc = p.server.tcp().connection(s);
  EXPECT_EQ(cc->bytes_unsent_or_unacked(), cc->socket_options().send_buffer);
  // The receiver fills its buffer up to what its last window allowed (the window is rounded
  // to the scale and kept from shrinking into silly windows, so up to one MSS stays free).
  EXPECT_LE(sc->bytes_readable(), sc->socket_options().receive_buffer);
  EXPECT_GT(sc->bytes_readable(), sc->socket_options().receive_buffer - cc->send_mss());
  EXPECT_EQ(taken, cc->bytes_unsent_or_unacked() + sc->bytes_readable());
  const auto more = p.client.tcp().send(c, Bytes{chunk.data(), chunk.size()});
  ASSERT_FALSE(more);
  EXPECT_EQ(more.error(), EAGAIN);
}

}  // namespace
}  // namespace synack::testing
