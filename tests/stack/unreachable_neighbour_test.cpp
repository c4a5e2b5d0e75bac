// A neighbour that never answers ARP: connect() fails with EHOSTUNREACH once resolution has
// failed (3 s, as on Linux), not with ETIMEDOUT after every SYN retry (1+2+4+...+64 = 127 s).
// Virtual time. (The soft error of an established connection: tests/tcp/unreachable_test.cpp.)
#include <gtest/gtest.h>

#include <cerrno>

#include "stack_test_support.hpp"
#include "synack/stack/stack.hpp"

namespace synack::test {
namespace {

bool is_arp_request(const ByteVector& f) {
  return f.size() >= 22 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 1;
}

TEST(UnreachableNeighbour, ConnectFailsWithHostUnreachableWhenResolutionFailsAtThreeSeconds) {
  StackConfig config;
  TcpSecrets secrets;
  secrets.isn_key.fill(1);
  secrets.timestamp_key.fill(2);
  secrets.cookie_key.fill(3);
  config.secrets = secrets;
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

}  // namespace
}  // namespace synack::test
