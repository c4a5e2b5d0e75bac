// The demonstration seam (tcp/demonstration.hpp): unsafe behaviour only after an explicit call,
// only on a stack with no sockets yet, and then exactly what was asked for. Also the one rule for
// which states accept the application's data (RFC 9293 section 3.10.2).
#include <gtest/gtest.h>

#include <cerrno>

#include "support/tcp_pair.hpp"
#include "synack/testbed/open_connection.hpp"

namespace synack::testing {
namespace {

// Opens a connection, lets the client close first and the server follow 50 ms later, and runs
// until `until`: the client is in TIME_WAIT (if it keeps one) from 1.060 s.
FourTuple client_closes_first(TcpPair& p, Instant until) {
  const auto c = open_connection_then_idle(p, from_micros(1'000'000));
  EXPECT_TRUE(c.has_value());
  if (!c) return {};
  p.client.tcp().close(c->client);
  p.run_for(milliseconds(50));
  p.server.tcp().close(c->server);
  p.sim.run_until(until);
  return c->tuple;
}

TEST(DemonstrationSettings, ProductionBehaviourUnlessAskedFor) {
  TcpPair p;
  const DemonstrationSettings& d = p.client.tcp().demonstration_settings();
  EXPECT_FALSE(d.fixed_isn.has_value());
  EXPECT_FALSE(d.time_wait_length.has_value());
  EXPECT_TRUE(d.time_wait_enabled);
}

TEST(DemonstrationSettings, RefusedOnceTheStackHasASocket) {
  TcpPair p;
  DemonstrationSettings d;
  d.fixed_isn = 7;
  EXPECT_TRUE(p.server.tcp().use_demonstration_settings(d));
  p.listen();
  EXPECT_EQ(p.server.tcp().use_demonstration_settings(DemonstrationSettings{}).error(), EBUSY);
  EXPECT_EQ(p.server.tcp().demonstration_settings().fixed_isn, 7u);
}

// When the client's TIME_WAIT entry expires if TIME_WAIT lasts `length` (none if it has none).
std::optional<Instant> client_time_wait_expiry(Duration length) {
  TcpPairOptions o;
  o.client_demonstration = DemonstrationSettings{};
  o.client_demonstration->time_wait_length = length;
  TcpPair p(o);
  const FourTuple tuple = client_closes_first(p, from_micros(1'100'000));
  const auto entry = p.client.tcp().time_wait().find(tuple);
  if (!entry) return std::nullopt;
  p.sim.run_until(entry->expires);
  EXPECT_EQ(p.client.tcp().time_wait().size(), 0u);  // gone exactly then
  return entry->expires;
}

TEST(DemonstrationSettings, ATimeWaitLengthReplacesTwoMsl) {
  EXPECT_EQ(client_time_wait_expiry(seconds(3)), from_micros(4'060'000));
}

TEST(DemonstrationSettings, AnHourOfTimeWaitKeepsItsExpiryExactToTheTick) {
  // 3.6e9 us is more than the 2^30 ticks of 1 us the table's clock holds: it counts 4 us ticks.
  EXPECT_EQ(client_time_wait_expiry(seconds(3600)), from_micros(3'601'060'000));
}

TEST(DemonstrationSettings, WithoutTimeWaitTheConnectionClosesAtOnce) {
  TcpPairOptions o;
  o.client_demonstration = DemonstrationSettings{};
  o.client_demonstration->time_wait_enabled = false;
  TcpPair p(o);
  client_closes_first(p, from_micros(1'100'000));
  EXPECT_EQ(p.client.tcp().time_wait().size(), 0u);
  EXPECT_EQ(when_entered(p.client_events, TcpState::kTimeWait), from_micros(1'060'000));
  EXPECT_EQ(when_entered(p.client_events, TcpState::kClosed), from_micros(1'060'000));
}

TEST(SendRule, TheApplicationMaySendInTheFourStatesThatCarryOrQueueData) {
  for (TcpState s :
       {TcpState::kSynSent, TcpState::kSynReceived, TcpState::kEstablished, TcpState::kCloseWait}) {
    EXPECT_TRUE(accepts_send(s)) << to_string(s);
  }
  for (TcpState s : {TcpState::kClosed, TcpState::kListen, TcpState::kFinWait1, TcpState::kFinWait2,
                     TcpState::kClosing, TcpState::kLastAck, TcpState::kTimeWait}) {
    EXPECT_FALSE(accepts_send(s)) << to_string(s);
  }
}

TEST(SendRule, TheSocketApiFollowsIt) {
  TcpPair p;
  p.listen();
  const SocketId c = p.connect();
  const std::uint8_t byte = 'x';
  EXPECT_EQ(p.client.tcp().state(c), TcpState::kSynSent);
  const auto queued = p.client.tcp().send(c, Bytes{&byte, 1});  // queued until ESTABLISHED
  ASSERT_TRUE(queued.has_value());
  EXPECT_EQ(*queued, 1u);
  p.run_for(milliseconds(100));
  EXPECT_TRUE(p.client.tcp().shutdown(c, ShutdownHow::kWrite));
  p.run_for(milliseconds(1));
  EXPECT_EQ(p.client.tcp().state(c), TcpState::kFinWait1);
  const auto after_fin = p.client.tcp().send(c, Bytes{&byte, 1});
  ASSERT_FALSE(after_fin.has_value());
  EXPECT_EQ(after_fin.error(), EPIPE);
}

}  // namespace
}  // namespace synack::testing
