#pragma once
// One network interface of a Host: its link and IPv4 configuration and the on-link test.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "synack/wire/address.hpp"

namespace synack {

struct InterfaceConfig {
  MacAddress mac;
  Ipv4Address address;
  std::uint8_t prefix_length = 24;
  // Next hop for destinations outside the prefix; the first interface with a gateway carries
  // the default route.
  std::optional<Ipv4Address> gateway;
  // Largest IP packet (header included) the link carries.
  std::size_t mtu = 1500;
  // false: a raw-IP link like a TUN device: frames ARE IP packets, there is no ARP.
  bool ethernet = true;
  // The link needs no transport checksums (like Linux loopback): outgoing TCP checksums may be
  // left zero and incoming ones are not verified.
  bool checksum_offload = false;
};

class Interface {
 public:
  explicit Interface(const InterfaceConfig& config) : config_(config) {}

  const InterfaceConfig& config() const { return config_; }
  Ipv4Address address() const { return config_.address; }

  std::uint32_t netmask() const {
    return config_.prefix_length == 0 ? 0 : ~std::uint32_t{0} << (32 - config_.prefix_length);
  }
  // True when `a` is in this interface's prefix (reachable without a gateway).
  bool is_on_link(Ipv4Address a) const {
    return (a.to_u32() & netmask()) == (config_.address.to_u32() & netmask());
  }
  // The subnet-directed broadcast address (RFC 919, RFC 922); none for /31 and /32
  // (RFC 3021 point-to-point links have no broadcast address).
  std::optional<Ipv4Address> directed_broadcast() const {
    if (config_.prefix_length >= 31) return std::nullopt;
    return Ipv4Address::from_u32(config_.address.to_u32() | ~netmask());
  }
  bool is_broadcast_for(Ipv4Address a) const {
    if (a == Ipv4Address::from_u32(0xffffffff)) return true;  // limited broadcast
    auto directed = directed_broadcast();
    return directed && *directed == a;
  }

 private:
  InterfaceConfig config_;
};

}  // namespace synack
