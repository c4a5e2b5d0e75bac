#include "synack/testbed/host_config.hpp"

#include "synack/sim/seeded_secrets.hpp"

namespace synack::testbed {

StackConfig stack_config(const TcpConfig& tcp, std::uint64_t seed, HostRole role,
                         std::optional<TcpSecrets> secrets, std::size_t output_queue_capacity) {
  StackConfig c;
  c.tcp = tcp;
  c.secrets = secrets ? *secrets : sim::seeded_secrets(seed, static_cast<std::uint64_t>(role));
  c.host.output_queue_capacity = output_queue_capacity;
  return c;
}

TcpSecrets fixed_secrets(std::uint8_t fill) {
  TcpSecrets s;
  s.isn_key.fill(fill);
  s.timestamp_key.fill(static_cast<std::uint8_t>(fill + 1));
  s.cookie_key.fill(static_cast<std::uint8_t>(fill + 2));
  return s;
}

InterfaceConfig raw_interface(Ipv4Address address, std::uint8_t prefix_length) {
  InterfaceConfig i;
  i.address = address;
  i.prefix_length = prefix_length;
  i.ethernet = false;
  return i;
}

}  // namespace synack::testbed
