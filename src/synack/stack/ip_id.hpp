#pragma once
// IPv4 identification values (RFC 6864, RFC 7739), chosen the way Linux does
// (net/ipv4/route.c, __ip_select_ident): a keyed hash of (source, destination, protocol) picks
// one of kBuckets counters and an offset. Datagrams toward one destination get consecutive IDs,
// as RFC 791 needs for reassembly, while a peer learns nothing about the traffic toward others:
// a single global counter would reveal the host's packet rate and allow idle scans (RFC 7739
// section 5). The key is secret, so no one can predict which destinations share a counter.
#include <array>
#include <cstddef>
#include <cstdint>

#include "synack/tcp/isn.hpp"
#include "synack/wire/address.hpp"

namespace synack {

class IpIdGenerator {
 public:
  // Linux's IP_IDENTS_SZ floor: 2048 counters of 16 bits, 4 KiB.
  static constexpr std::size_t kBuckets = 2048;

  explicit IpIdGenerator(const SecretKey& key) : key_(key) {}

  // The next identification for a datagram from `src` to `dst` carrying `protocol`.
  std::uint16_t next(Ipv4Address src, Ipv4Address dst, std::uint8_t protocol);

 private:
  SecretKey key_;
  std::array<std::uint16_t, kBuckets> counters_{};
};

}  // namespace synack
