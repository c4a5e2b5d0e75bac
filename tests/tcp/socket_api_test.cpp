// The socket API's errno contract and readiness events.
#include <gtest/gtest.h>

#include <array>
#include <cerrno>
#include <set>

#include "support/tcp_pair.hpp"

namespace synack::testing {
namespace {

TEST(SocketApi, ListenTwiceOnOnePortIsAddressInUse) {
  TcpPair p;
  p.listen(80);
  auto second = p.server.tcp().listen(p.server_endpoint(80), 4);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error(), EADDRINUSE);
}

TEST(SocketApi, ListenOnAForeignAddressIsNotAvailable) {
  TcpPair p;
  auto r = p.server.tcp().listen(Endpoint{IpAddress::v4(Ipv4Address{{198, 19, 9, 9}}), 80}, 4);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), EADDRNOTAVAIL);
}

TEST(SocketApi, ConnectWithoutRouteIsNetworkUnreachable) {
  TcpPair p;
  auto r = p.client.tcp().connect(p.sim.now(),
                                  Endpoint{IpAddress::v4(Ipv4Address{{198, 19, 1, 1}}), 80});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), ENETUNREACH);
}

TEST(SocketApi, EphemeralPortsAreDistinctAndInRange) {
  TcpPair p;
  p.listen();
  std::set<std::uint16_t> ports;
  for (int i = 0; i < 50; ++i) {
    const SocketId c = p.connect();
    const std::uint16_t port = p.client.tcp().tuple(c)->local.port;
    EXPECT_GE(port, 32768);
    EXPECT_LE(port, 60999);
    ports.insert(port);
  }
  EXPECT_EQ(ports.size(), 50u);
}

TEST(SocketApi, ExplicitLocalEndpointCollisionIsAddressInUse) {
  TcpPair p;
  p.listen();
  ASSERT_TRUE(p.client.tcp().connect(p.sim.now(), p.server_endpoint(), p.client_endpoint(7000)));
  auto again = p.client.tcp().connect(p.sim.now(), p.server_endpoint(), p.client_endpoint(7000));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error(), EADDRINUSE);
  // The same local port toward another remote port is a different 4-tuple: allowed.
  EXPECT_TRUE(p.client.tcp().connect(p.sim.now(), p.server_endpoint(81), p.client_endpoint(7000)));
}

TEST(SocketApi, AcceptWithNothingPendingIsWouldBlock) {
  TcpPair p;
  const SocketId l = p.listen();
  EXPECT_EQ(p.server.tcp().accept(l).error(), EAGAIN);
  EXPECT_EQ(p.server.tcp().events(l), 0u);
}

TEST(SocketApi, ReadinessFollowsTheConnection) {
  TcpPair p;
  const SocketId l = p.listen();
  const SocketId c = p.connect();
  EXPECT_EQ(p.client.tcp().events(c) & readiness::kWritable, 0u);  // not yet connected
  p.run_for(milliseconds(25));
  EXPECT_NE(p.client.tcp().events(c) & readiness::kWritable, 0u);
  p.run_for(milliseconds(10));
  EXPECT_EQ(p.server.tcp().events(l), readiness::kReadable);  // a connection to accept
  const SocketId s = *p.server.tcp().accept(l);
  std::array<std::uint8_t, 8> buf{};
  EXPECT_EQ(p.server.tcp().recv(s, buf).error(), EAGAIN);
  EXPECT_EQ(p.server.tcp().events(s) & readiness::kReadable, 0u);
  ASSERT_TRUE(p.client.tcp().send(c, std::array<std::uint8_t, 3>{1, 2, 3}));
  p.run_for(milliseconds(20));
  EXPECT_NE(p.server.tcp().events(s) & readiness::kReadable, 0u);
  EXPECT_EQ(*p.server.tcp().recv(s, buf), 3u);
}

TEST(SocketApi, SendAfterShutdownIsBrokenPipe) {
  TcpPair p;
  auto [c, s] = p.open();
  ASSERT_TRUE(p.client.tcp().shutdown(c, ShutdownHow::kWrite));
  p.run_for(milliseconds(50));
  EXPECT_EQ(p.client.tcp().send(c, std::array<std::uint8_t, 1>{1}).error(), EPIPE);
}

TEST(SocketApi, StaleHandlesAreRejected) {
  TcpPair p;
  auto [c, s] = p.open();
  ASSERT_TRUE(p.client.tcp().abort(c));
  EXPECT_EQ(p.client.tcp().close(c).error(), EBADF);
  EXPECT_EQ(p.client.tcp().send(c, std::array<std::uint8_t, 1>{1}).error(), EBADF);
  EXPECT_EQ(p.client.tcp().events(c), readiness::kError | readiness::kHangup);
}

TEST(SocketApi, EventsArePrintableAsJsonLines) {
  TcpPair p;
  p.open();
  ASSERT_FALSE(p.client_events.empty());
  const std::string port = std::to_string(p.client_events[0].tuple.local.port);
  EXPECT_EQ(
      p.client_events[0].to_json(),
      R"({"t_us":0,"event":"state","local":"198.18.0.1:)" + port +
          R"(","remote":"198.18.0.2:80","from":"CLOSED","to":"SYN_SENT","reason":"connect"})");
  const auto sent = TcpPair::sent(p.client_events);
  const std::string syn = sent[0].to_json();
  EXPECT_NE(syn.find(R"("event":"send")"), std::string::npos);
  EXPECT_NE(syn.find(R"("flags":"SYN")"), std::string::npos);
  EXPECT_NE(syn.find(R"("reason":"SYN"})"), std::string::npos);
}

}  // namespace
}  // namespace synack::testing
