// A network error reported for an established connection (here: its neighbour stopped
// answering ARP) is a soft error (RFC 1122 4.2.3.9): the connection goes on, and if it then times
// out the application learns EHOSTUNREACH rather than ETIMEDOUT (Linux: sk_err_soft).
#include <gtest/gtest.h>

#include <cerrno>

#include "support/tcp_pair.hpp"
#include "synack/core/bytes.hpp"

namespace synack::testing {
namespace {

TEST(UnreachableNeighbour, EstablishedConnectionKeepsItAsSoftErrorForTheTimeout) {
  TcpPairOptions options;
  options.client_tcp.retries2 = 3;
  TcpPair p(options);
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
}  // namespace synack::testing
