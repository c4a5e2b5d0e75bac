// A neighbour that never answers ARP: connect() fails with EHOSTUNREACH once resolution has
// failed (3 s, as on Linux), not with ETIMEDOUT after every SYN retry (1+2+4+...+64 = 127 s);
// an established connection keeps it as a soft error (RFC 1122 4.2.3.9). Virtual time.
#include <gtest/gtest.h>

#include <cerrno>

#include "stack_test_support.hpp"
#include "support/tcp_pair.hpp"
#include "synack/stack/stack.hpp"

namespace synack::test {
namespace {

bool is_arp_request(const ByteVector& f) {
  return f.size() >= 22 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 1;
}

TEST(UnreachableNeighbour, ConnectFailsWithHostUnreachableWhenResolutionFailsAtThreeSeconds) {
  StackConfig config;
  config.secrets = testing::test_secrets(1);
  Stack stack(config);
  stack.add_interface(config_a());
  CapturingOutput out;
  auto socket = stack.tcp().connect(at_ms(0), Endpoint{IpAddress::v4(kIpB), 80});
  ASSERT_TRUE(socket.has_value());

  std::vector<Instant> arp_requests;
  Instant failed_at = kNever;
  int error = 0;
  Instant now = at_ms(0);
  while (now < at_ms(200'000) && error == 0) {
    const std::size_t before = out.frames.size();
    stack.poll(now, out);
    for (std::size_t i = before; i < out.frames.size(); ++i) {
      EXPECT_TRUE(is_arp_request(out.frames[i].bytes)) << "nothing but ARP can leave";
      arp_requests.push_back(now);
    }
    error = stack.tcp().take_error(*socket);
    if (error != 0) failed_at = now;
    now = std::max(now, stack.next_deadline());
  }
  EXPECT_EQ(error, EHOSTUNREACH);
  EXPECT_EQ(failed_at, at_ms(3000));
  EXPECT_EQ(arp_requests, (std::vector<Instant>{at_ms(0), at_ms(100), at_ms(1000), at_ms(2000)}));
  EXPECT_EQ(stack.tcp().state(*socket), TcpState::kClosed);
  // The SYN and its retransmission at 1 s waited for ARP; both were reported.
  EXPECT_EQ(stack.host().counters().arp_unresolved_drops, 2u);
  EXPECT_EQ(stack.host().counters().arp_unreachable_reports, 2u);
  EXPECT_EQ(stack.tcp().counters().AttemptFails, 1u);
  EXPECT_EQ(stack.tcp().counters().TCPSynRetrans, 1u);
}

// After the handshake, an unreachable report does not end the connection; if it then times
// out, the application learns EHOSTUNREACH rather than ETIMEDOUT (Linux: sk_err_soft).
TEST(UnreachableNeighbour, EstablishedConnectionKeepsItAsSoftErrorForTheTimeout) {
  testing::TcpPairOptions options;
  options.client_tcp.retries2 = 3;
  testing::TcpPair p(options);
  const auto [client, server] = p.open();
  const FourTuple tuple = *p.client.tcp().tuple(client);
  std::uint8_t ports[4];
  store_be16(ports, tuple.local.port);
  store_be16(ports + 2, tuple.remote.port);
  p.client.tcp().on_unreachable(p.sim.now(), tuple.local.address, tuple.remote.address,
                                Bytes{ports});
  EXPECT_EQ(p.client.tcp().state(client), TcpState::kEstablished);
  EXPECT_EQ(p.client.tcp().take_error(client), 0);

  p.link->add_fault(sim::Direction::a_to_b, sim::FaultRule::drop([](Bytes) { return true; }, 0));
  const std::uint8_t data[] = {1, 2, 3};
  ASSERT_TRUE(p.client.tcp().send(client, Bytes{data}).has_value());
  int error = 0;
  ASSERT_TRUE(p.run_until(
      [&] {
        error = p.client.tcp().take_error(client);
        return error != 0;
      },
      seconds(600)));
  EXPECT_EQ(error, EHOSTUNREACH);
  EXPECT_EQ(p.client.tcp().counters().TCPAbortOnTimeout, 1u);
  (void)server;
}

}  // namespace
}  // namespace synack::test
