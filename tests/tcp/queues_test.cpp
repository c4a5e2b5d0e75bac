// The listener's two queues: half-open (SYN) entries bounded by max_syn_backlog and completed
// connections bounded by the listen backlog. What happens when each is full (Linux behaviour
// without SYN cookies): the SYN or the handshake ACK is dropped and counted.
#include <gtest/gtest.h>

#include "support/tcp_pair.hpp"

namespace synack::testing {
namespace {

using namespace tcp_flags;

TcpRepr syn_from(std::uint16_t port) {
  return make_header(port, kServerPort, SeqNum{1000u + port}, SeqNum{0}, kSyn);
}

TEST(Queues, HalfOpenQueueFullDropsFurtherSyns) {
  TcpConfig config;
  config.max_syn_backlog = 4;
  config.syncookies = 0;  // the behaviour without SYN cookies (mode 1 would answer with one)
  RawPair p(config);
  auto listener = p.server.tcp().listen(Endpoint{IpAddress::v4(kServerIp), kServerPort}, 16);
  ASSERT_TRUE(listener);
  for (std::uint16_t port = 5000; port < 5005; ++port) p.send(syn_from(port));
  p.sim.run_for(milliseconds(100));
  ASSERT_EQ(p.peer.received().size(), 4u);
  for (const auto& s : p.peer.received()) EXPECT_EQ(s.header.flags, kSyn | kAck);
  EXPECT_EQ(p.peer.received().back().header.dst_port, 5003);
  EXPECT_EQ(p.server.tcp().listener(*listener)->half_open_count(), 4u);
  EXPECT_EQ(p.server.tcp().counters().TCPReqQFullDrop, 1u);
  EXPECT_EQ(p.server.tcp().counters().ListenDrops, 1u);
  EXPECT_EQ(p.server.tcp().counters().PassiveOpens, 4u);
}

TEST(Queues, HalfOpenEntriesAreCompactNotConnections) {
  RawPair p;
  auto listener = p.server.tcp().listen(Endpoint{IpAddress::v4(kServerIp), kServerPort}, 16);
  ASSERT_TRUE(listener);
  for (std::uint16_t port = 5000; port < 5100; ++port) p.send(syn_from(port));
  p.sim.run_for(milliseconds(100));
  EXPECT_EQ(p.server.tcp().listener(*listener)->half_open_count(), 100u);
  EXPECT_EQ(p.server.tcp().connection_count(), 0u);  // no connection object exists yet
  EXPECT_LE(sizeof(HalfOpenEntry), 128u);
}

TEST(Queues, FullAcceptQueueDropsNewSyns) {
  RawPair p;
  auto listener = p.server.tcp().listen(Endpoint{IpAddress::v4(kServerIp), kServerPort}, 1);
  ASSERT_TRUE(listener);
  p.send(syn_from(5000));
  ASSERT_TRUE(p.run_until_received(1));
  const SeqNum iss = p.peer.received()[0].header.seq;
  p.send(make_header(5000, kServerPort, SeqNum{6001}, iss + 1, kAck));
  p.sim.run_for(milliseconds(50));
  ASSERT_EQ(p.server.tcp().listener(*listener)->accept_queue().size(), 1u);
  p.send(syn_from(5001));
  p.sim.run_for(milliseconds(100));
  EXPECT_EQ(p.peer.received().size(), 1u);  // no SYN-ACK for the second client
  EXPECT_EQ(p.server.tcp().counters().ListenOverflows, 1u);
  EXPECT_EQ(p.server.tcp().counters().ListenDrops, 1u);
  // Once the application accepts, the same SYN (retransmitted) gets its SYN-ACK.
  ASSERT_TRUE(p.server.tcp().accept(*listener));
  p.send(syn_from(5001));
  ASSERT_TRUE(p.run_until_received(2));
  EXPECT_EQ(p.peer.received()[1].header.flags, kSyn | kAck);
  EXPECT_EQ(p.peer.received()[1].header.dst_port, 5001);
}

TEST(Queues, HandshakeAckIntoFullAcceptQueueIsDroppedAndRecoveredLater) {
  RawPair p;
  auto listener = p.server.tcp().listen(Endpoint{IpAddress::v4(kServerIp), kServerPort}, 1);
  ASSERT_TRUE(listener);
  p.send(syn_from(5000));
  p.send(syn_from(5001));
  ASSERT_TRUE(p.run_until_received(2));
  const SeqNum iss0 = p.peer.received()[0].header.seq;
  const SeqNum iss1 = p.peer.received()[1].header.seq;
  p.send(make_header(5000, kServerPort, SeqNum{6001}, iss0 + 1, kAck));
  p.send(make_header(5001, kServerPort, SeqNum{6002}, iss1 + 1, kAck));
  p.sim.run_for(milliseconds(50));
  EXPECT_EQ(p.server.tcp().listener(*listener)->accept_queue().size(), 1u);
  EXPECT_EQ(p.server.tcp().listener(*listener)->half_open_count(), 1u);  // kept, not freed
  EXPECT_EQ(p.server.tcp().counters().ListenOverflows, 1u);
  ASSERT_TRUE(p.server.tcp().accept(*listener));
  // The kept entry's SYN-ACK retransmission (1 s after the first) makes the client ACK again.
  p.peer.clear();
  p.sim.run_until(from_micros(1'100'000));
  ASSERT_EQ(p.peer.received().size(), 1u);
  EXPECT_EQ(p.peer.received()[0].header.dst_port, 5001);
  EXPECT_EQ(p.peer.received()[0].time, from_micros(1'020'000));
  p.send(make_header(5001, kServerPort, SeqNum{6002}, iss1 + 1, kAck));
  p.sim.run_for(milliseconds(50));
  EXPECT_TRUE(p.server.tcp().accept(*listener));
}

}  // namespace
}  // namespace synack::testing

namespace synack::testing {
namespace {

TEST(Queues, EveryHalfOpenEntryKeepsItsOwnBackoffSchedule) {
  RawPair p;
  ASSERT_TRUE(p.server.tcp().listen(Endpoint{IpAddress::v4(kServerIp), kServerPort}, 64));
  // Twenty SYNs 100 ms apart, never answered.
  for (int i = 0; i < 20; ++i) {
    p.sim.schedule_at(from_micros(i * 100'000),
                      [&p, i] { p.send(syn_from(static_cast<std::uint16_t>(6000 + i))); });
  }
  p.sim.run_for(seconds(100));
  for (int i = 0; i < 20; ++i) {
    std::vector<std::int64_t> times_ms;
    for (const auto& s : p.peer.received()) {
      if (s.header.dst_port == 6000 + i) times_ms.push_back(to_micros(s.time) / 1000);
    }
    const std::int64_t t0 = i * 100 + 20;  // SYN-ACK leaves at +10 ms, arrives at +20 ms
    EXPECT_EQ(times_ms, (std::vector<std::int64_t>{t0, t0 + 1000, t0 + 3000, t0 + 7000, t0 + 15000,
                                                   t0 + 31000}))
        << "entry " << i;
  }
  EXPECT_EQ(p.server.tcp().counters().TCPHalfOpenFreed, 20u);
}

}  // namespace
}  // namespace synack::testing
