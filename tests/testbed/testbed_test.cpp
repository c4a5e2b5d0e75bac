// The testbed itself: where its hosts are, how long its links take, where its hub sends frames,
// what its connection helpers return and when, and that its seeds and secrets do what they say.
#include <gtest/gtest.h>

#include <string>

#include "synack/testbed/attacker_topology.hpp"
#include "synack/testbed/event_queries.hpp"
#include "synack/testbed/frame_predicates.hpp"
#include "synack/testbed/open_connection.hpp"
#include "synack/testbed/scripted_client_world.hpp"
#include "synack/testbed/socket_io.hpp"
#include "synack/testbed/two_host_world.hpp"

namespace synack::testbed {
namespace {

using namespace tcp_flags;

TEST(TwoHostWorld, OpensAConnectionBetweenTheTwoAddressesInOneAndAHalfRoundTrips) {
  TwoHostWorld w;
  const auto c = open_connection(w);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->tuple.local.address, IpAddress::v4(kClientIp));
  EXPECT_EQ(c->tuple.remote, server_endpoint(kServerPort));
  EXPECT_EQ(c->server_tuple().local, c->tuple.remote);
  EXPECT_EQ(*w.server.tcp().tuple(c->server), c->server_tuple());
  EXPECT_EQ(c->listener, w.listener());
  // 10 ms each way: the client is ESTABLISHED at one round trip, the server half a trip later,
  // and the helper returns at that moment.
  EXPECT_EQ(when_entered(w.client_events, TcpState::kEstablished), from_micros(20'000));
  EXPECT_EQ(when_entered(w.server_events, TcpState::kEstablished), from_micros(30'000));
  EXPECT_EQ(w.sim.now(), from_micros(30'000));
}

TEST(TwoHostWorld, RecordsEachSidesStatesAndSegments) {
  TwoHostWorld w;
  ASSERT_TRUE(open_connection(w).has_value());
  EXPECT_EQ(state_sequence(w.client_events),
            (std::vector<TcpState>{TcpState::kClosed, TcpState::kSynSent, TcpState::kEstablished}));
  EXPECT_EQ(state_path(w.client_events), "CLOSED > SYN_SENT > ESTABLISHED");
  const auto sent = segments_sent(w.client_events);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].segment.flags, kSyn);
  EXPECT_EQ(sent[1].segment.flags, kAck);
  EXPECT_EQ(segments_sent(w.client_events, kAck).size(), 1u);
  EXPECT_EQ(segments_sent(w.client_events, std::nullopt, from_micros(1)).size(), 1u);
  EXPECT_EQ(times_of(segments_sent(w.server_events)), (std::vector<Instant>{from_micros(10'000)}));
}

TEST(TwoHostWorld, TheSeedDecidesTheSecretsAndEachHostHasItsOwn) {
  const auto client_isn = [](const TwoHostOptions& o) {
    TwoHostWorld w(o);
    return w.client.tcp().connection(*w.connect(kClientPort))->iss();
  };
  TwoHostOptions seed1;
  TwoHostOptions seed2;
  seed2.seed = 2;
  EXPECT_EQ(client_isn(seed1), client_isn(seed1));
  EXPECT_NE(client_isn(seed1), client_isn(seed2));
  // Fixed secrets replace the seeded ones: the ISN is RFC 6528's under that key at time 0.
  TwoHostOptions fixed;
  fixed.client_secrets = fixed_secrets(7);
  const FourTuple tuple{client_endpoint(kClientPort), server_endpoint()};
  EXPECT_EQ(client_isn(fixed), IsnGenerator(fixed_secrets(7).isn_key).generate(kEpoch, tuple));
  // The server's secrets differ from the client's: the same tuple, seen from the server's side,
  // would get another hash (checked through the keys themselves).
  const StackConfig client_config = stack_config({}, 1, HostRole::client);
  const StackConfig server_config = stack_config({}, 1, HostRole::server);
  EXPECT_NE(client_config.secrets->isn_key, server_config.secrets->isn_key);
  EXPECT_EQ(client_config.host.output_queue_capacity, kDeepOutputQueue);
}

TEST(TwoHostWorld, DemonstrationSettingsReachEachSide) {
  TwoHostOptions o;
  o.client_demonstration = DemonstrationSettings{};
  o.client_demonstration->fixed_isn = 1000;
  o.server_demonstration = DemonstrationSettings{};
  o.server_demonstration->fixed_isn = 5000;
  TwoHostWorld w(o);
  const auto c = open_connection(w);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(w.client.tcp().connection(c->client)->iss(), SeqNum{1000});
  EXPECT_EQ(w.server.tcp().connection(c->server)->iss(), SeqNum{5000});
  EXPECT_EQ(w.client.tcp().demonstration_settings().fixed_isn, 1000u);
}

TEST(OpenConnection, ThenIdleReturnsAtTheQuietTime) {
  TwoHostWorld w;
  const auto c = open_connection_then_idle(w, from_micros(1'000'000));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(w.sim.now(), from_micros(1'000'000));
  EXPECT_EQ(w.client.tcp().state(c->client), TcpState::kEstablished);
}

TEST(OpenConnection, FailsWhenTheHandshakeDoesNotCompleteInTime) {
  TwoHostWorld w;
  w.link->add_fault(sim::Direction::a_to_b, sim::FaultRule::drop(tcp_flags_equal(kSyn), 0));
  EXPECT_FALSE(open_connection(w, seconds(2)).has_value());
  EXPECT_EQ(w.sim.now(), from_micros(2'000'000));
  // Started but not completed: the caller still gets both handles to look at.
  TwoHostWorld again;
  again.link->add_fault(sim::Direction::a_to_b, sim::FaultRule::drop(tcp_flags_equal(kSyn), 1));
  auto started = start_connection(again);
  ASSERT_TRUE(started.has_value());
  EXPECT_FALSE(complete_handshake(again, *started, milliseconds(500)));
  EXPECT_EQ(started->server, 0u);
  EXPECT_TRUE(complete_handshake(again, *started, seconds(2)));  // the SYN retransmitted at 1 s
  EXPECT_EQ(when_entered(again.client_events, TcpState::kEstablished), from_micros(1'020'000));
}

TEST(OpenConnection, UsesTheListenerAlreadyThere) {
  TwoHostWorld w;
  const auto l = w.listen(kServerPort, 1);
  ASSERT_TRUE(l.has_value());
  const auto c = open_connection(w);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->listener, *l);
}

TEST(SocketIo, DrainReadsEverythingThenReportsEndOfStream) {
  TwoHostWorld w;
  const auto c = open_connection(w);
  ASSERT_TRUE(c.has_value());
  const std::string hello = "hello";
  const auto sent = w.client.tcp().send(c->client, text(hello));
  ASSERT_TRUE(sent.has_value());
  ASSERT_EQ(*sent, hello.size());
  w.client.tcp().close(c->client);
  std::string got;
  EXPECT_TRUE(drain(w.server.tcp(), c->server, got));  // nothing has arrived yet
  EXPECT_EQ(got, "");
  const SocketId server = c->server;
  EXPECT_TRUE(w.run_until([&] { return !drain(w.server.tcp(), server, got); }, seconds(1)));
  EXPECT_EQ(got, hello);
}

TEST(AttackerTopology, TheClientReachesTheServerThroughTheHub) {
  AttackerOptions o;
  o.record_events = true;
  AttackerTopology t(o);
  ASSERT_TRUE(open_connection(t).has_value());
  // Two 5 ms links each way.
  EXPECT_EQ(when_entered(t.client_events, TcpState::kEstablished), from_micros(20'000));
  EXPECT_TRUE(t.attacker.received().empty());
}

TEST(AttackerTopology, TheAttackerReceivesWhatTheServerSendsToSpoofedSources) {
  AttackerTopology t;
  ASSERT_TRUE(t.listen().has_value());
  const Ipv4Address spoofed{{198, 19, 0, 9}};
  t.attacker.send(spoofed, kServerIp, make_header(1234, kServerPort, SeqNum{700}, SeqNum{0}, kSyn));
  t.run_until([&] { return !t.attacker.received().empty(); }, seconds(1));
  ASSERT_EQ(t.attacker.received().size(), 1u);
  const RawSegment& synack = t.attacker.received()[0];
  EXPECT_EQ(synack.time, from_micros(20'000));
  EXPECT_EQ(synack.src, kServerIp);
  EXPECT_EQ(synack.dst, spoofed);
  EXPECT_EQ(synack.header.flags, kSyn | kAck);
  EXPECT_EQ(synack.header.ack, SeqNum{701});
  EXPECT_TRUE(t.client_events.empty());  // not recorded unless asked
}

TEST(AttackerTopology, AServerOnASlash24DoesNotAnswerSourcesOffItsLink) {
  AttackerOptions o;
  o.server_prefix_length = 24;
  AttackerTopology t(o);
  ASSERT_TRUE(t.listen().has_value());
  t.attacker.send(Ipv4Address{{198, 19, 0, 9}}, kServerIp,
                  make_header(1234, kServerPort, SeqNum{700}, SeqNum{0}, kSyn));
  t.run_for(seconds(1));
  EXPECT_TRUE(t.attacker.received().empty());
}

TEST(ScriptedClientWorld, ThePeerSpeaksForTheClientAddress) {
  ScriptedClientWorld w;
  ASSERT_TRUE(w.listen().has_value());
  w.send(make_header(kClientPort, kServerPort, SeqNum{1000}, SeqNum{0}, kSyn));
  ASSERT_TRUE(w.run_until_received(1));
  const RawSegment& synack = w.peer.received()[0];
  EXPECT_EQ(synack.time, from_micros(20'000));
  EXPECT_EQ(synack.dst, kClientIp);
  EXPECT_EQ(synack.header.dst_port, kClientPort);
  EXPECT_EQ(synack.header.ack, SeqNum{1001});
  EXPECT_FALSE(segments_sent(w.server_events, kSyn | kAck).empty());
  EXPECT_FALSE(w.run_until_received(2, milliseconds(500)));  // nothing more until the RTO
}

TEST(FramePredicates, MatchExactlyTheFlagsOfTcpFrames) {
  ScriptedClientWorld w;
  std::vector<bool> syn_ack;
  w.sim.on_frame([&](const sim::FrameRecord& f) {
    syn_ack.push_back(is_tcp_with_flags(f.bytes, kSyn | kAck));
  });
  ASSERT_TRUE(w.listen().has_value());
  w.send(make_header(kClientPort, kServerPort, SeqNum{1000}, SeqNum{0}, kSyn));
  ASSERT_TRUE(w.run_until_received(1));
  EXPECT_EQ(syn_ack, (std::vector<bool>{false, true}));
  const std::uint8_t not_ip[20] = {0x60};
  EXPECT_FALSE(is_tcp_with_flags(Bytes{not_ip, sizeof not_ip}, 0));
}

}  // namespace
}  // namespace synack::testbed
