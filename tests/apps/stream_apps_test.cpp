// Echo, discard and the netcat bridge over two simulated stacks in virtual time.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "apps/app_harness.hpp"
#include "synack/apps/discard_server.hpp"
#include "synack/apps/echo_server.hpp"
#include "synack/apps/stream_bridge.hpp"

namespace synack::testing {
namespace {

using apps::StreamBridge;

// Feeds `data` into the bridge as fast as its input buffer takes it, then input_eof.
struct Feeder {
  StreamBridge& bridge;
  std::string_view data;
  std::size_t offered = 0;
  bool eof_given = false;
  void step() {
    while (offered < data.size()) {
      const std::size_t n = bridge.offer_input(text_bytes(data.substr(offered)));
      if (n == 0) break;
      offered += n;
    }
    if (offered == data.size() && !eof_given) {
      bridge.input_eof();
      eof_given = true;
    }
  }
};

TEST(EchoServer, EchoesAOneMebibytePseudoRandomStreamByteExact) {
  TcpPair p;
  const SocketId listener = p.listen(7);
  apps::EchoServer echo(p.server.tcp(), listener);
  std::string echoed;
  StreamBridge bridge(p.client.tcp(), p.sim.now(), p.server_endpoint(7), [&](Bytes b) {
    echoed.append(reinterpret_cast<const char*>(b.data()), b.size());
  });
  const std::string data = random_bytes(1 << 20, 42);
  Feeder feeder{bridge, data};
  ASSERT_TRUE(run_apps(
      p, {&echo, &bridge},
      [&] {
        feeder.step();
        return bridge.finished();
      },
      seconds(60)));
  EXPECT_EQ(bridge.error(), 0);
  ASSERT_EQ(echoed.size(), data.size());
  EXPECT_TRUE(echoed == data);
  EXPECT_EQ(bridge.stats().bytes_sent, 1u << 20);
  EXPECT_EQ(bridge.stats().bytes_received, 1u << 20);
  EXPECT_EQ(echo.stats().connections_accepted, 1u);
  EXPECT_EQ(echo.stats().connections_closed, 1u);
  EXPECT_EQ(echo.stats().connections_failed, 0u);
  EXPECT_EQ(echo.stats().bytes_received, 1u << 20);
  EXPECT_EQ(echo.stats().bytes_sent, 1u << 20);
  EXPECT_EQ(echo.open_connections(), 0u);
}

TEST(EchoServer, ServesTwoClientsIndependently) {
  TcpPair p;
  const SocketId listener = p.listen(7);
  apps::EchoServer echo(p.server.tcp(), listener);
  std::string out_a, out_b;
  StreamBridge a(p.client.tcp(), p.sim.now(), p.server_endpoint(7),
                 [&](Bytes b) { out_a.append(reinterpret_cast<const char*>(b.data()), b.size()); });
  StreamBridge b(p.client.tcp(), p.sim.now(), p.server_endpoint(7),
                 [&](Bytes x) { out_b.append(reinterpret_cast<const char*>(x.data()), x.size()); });
  const std::string data_a = random_bytes(100000, 1);
  const std::string data_b = "second client\n";
  Feeder fa{a, data_a};
  Feeder fb{b, data_b};
  ASSERT_TRUE(run_apps(
      p, {&echo, &a, &b},
      [&] {
        fa.step();
        fb.step();
        return a.finished() && b.finished();
      },
      seconds(30)));
  EXPECT_TRUE(out_a == data_a);
  EXPECT_EQ(out_b, data_b);
  EXPECT_EQ(echo.stats().connections_accepted, 2u);
  EXPECT_EQ(echo.stats().connections_closed, 2u);
  EXPECT_EQ(echo.stats().bytes_received, 100000u + data_b.size());
}

TEST(DiscardServer, CountsEveryByteAndClosesAfterThePeer) {
  TcpPair p;
  const SocketId listener = p.listen(9);
  apps::DiscardServer discard(p.server.tcp(), listener);
  std::size_t output = 0;
  StreamBridge bridge(p.client.tcp(), p.sim.now(), p.server_endpoint(9),
                      [&](Bytes b) { output += b.size(); });
  const std::string data = random_bytes(300000, 7);
  Feeder feeder{bridge, data};
  ASSERT_TRUE(run_apps(
      p, {&discard, &bridge},
      [&] {
        feeder.step();
        return bridge.finished();
      },
      seconds(30)));
  EXPECT_EQ(bridge.error(), 0);
  EXPECT_EQ(output, 0u);
  EXPECT_EQ(discard.stats().bytes_received, 300000u);
  EXPECT_EQ(discard.stats().bytes_sent, 0u);
  EXPECT_EQ(discard.stats().connections_accepted, 1u);
  EXPECT_EQ(discard.stats().connections_closed, 1u);
  EXPECT_EQ(discard.open_connections(), 0u);
}

TEST(StreamBridge, HalfCloseSendsFinAndStillReceivesThePeersReply) {
  TcpPair p;
  const SocketId listener = p.listen(5000);
  // The server answers only after our FIN: the reply can arrive only on a half-closed
  // connection.
  ScriptedServer server(p.server.tcp(), listener, {"reply after your FIN\n"}, milliseconds(1),
                        /*wait_for_eof=*/true);
  std::string output;
  Instant output_at = kNever;
  StreamBridge bridge(p.client.tcp(), p.sim.now(), p.server_endpoint(5000), [&](Bytes b) {
    output.append(reinterpret_cast<const char*>(b.data()), b.size());
    if (output_at == kNever) output_at = p.sim.now();
  });
  EXPECT_EQ(bridge.offer_input(text_bytes("request")), 7u);
  bridge.input_eof();
  EXPECT_EQ(bridge.offer_input(text_bytes("late")), 0u);  // nothing after EOF
  ASSERT_TRUE(run_apps(
      p, {&server, &bridge}, [&] { return bridge.finished(); }, seconds(10)));
  EXPECT_EQ(bridge.error(), 0);
  EXPECT_EQ(server.request(), "request");
  EXPECT_EQ(output, "reply after your FIN\n");
  EXPECT_TRUE(bridge.input_done());
  EXPECT_TRUE(bridge.output_done());
  // Our FIN left (FIN_WAIT_1) before the server saw EOF, and the reply came after that.
  const auto fin_wait_1 = when_entered(p.client_events, TcpState::kFinWait1);
  ASSERT_TRUE(fin_wait_1.has_value());
  EXPECT_LT(*fin_wait_1, server.eof_at());
  EXPECT_LT(server.eof_at(), output_at);
  EXPECT_EQ(bridge.stats().bytes_sent, 7u);
  EXPECT_EQ(bridge.stats().bytes_received, 21u);
}

TEST(StreamBridge, InputBufferIsBoundedAndDrainsAsTcpTakesIt) {
  TcpPair p;
  const SocketId listener = p.listen(9);
  apps::DiscardServer discard(p.server.tcp(), listener);
  apps::StreamBridgeOptions options;
  options.input_buffer = 1000;
  StreamBridge bridge(p.client.tcp(), p.sim.now(), p.server_endpoint(9), {}, options);
  const std::string data = random_bytes(5000, 3);
  // Before ESTABLISHED the send buffer takes data too (queued), so the first offer is limited
  // only by our own buffer.
  EXPECT_EQ(bridge.offer_input(text_bytes(data)), 1000u);
  EXPECT_EQ(bridge.input_space(), 1000u);  // handed straight to TCP's send buffer
  Feeder feeder{bridge, std::string_view(data).substr(1000)};
  ASSERT_TRUE(run_apps(
      p, {&discard, &bridge},
      [&] {
        feeder.step();
        return bridge.finished();
      },
      seconds(10)));
  EXPECT_EQ(discard.stats().bytes_received, 5000u);
}

TEST(StreamBridge, ConnectionRefusedEndsWithEconnrefused) {
  TcpPair p;
  StreamBridge bridge(p.client.tcp(), p.sim.now(), p.server_endpoint(4444), {});
  ASSERT_TRUE(run_apps(
      p, {&bridge}, [&] { return bridge.finished(); }, seconds(5)));
  EXPECT_EQ(bridge.error(), ECONNREFUSED);
  EXPECT_EQ(bridge.offer_input(text_bytes("x")), 0u);
}

}  // namespace
}  // namespace synack::testing
