#pragma once
// ICMP echo replies the host received, kept for the application to drain.
#include <cstddef>
#include <cstdint>

#include "synack/core/time.hpp"
#include "synack/wire/address.hpp"

namespace synack {

struct PingReply {
  Ipv4Address from;
  std::uint16_t identifier = 0;
  std::uint16_t sequence = 0;
  std::size_t data_length = 0;
  bool data_intact = false;  // the echoed data is the pattern Host::ping sent
  Instant received_at;
  bool operator==(const PingReply&) const = default;
};

// The echo data Host::ping sends: byte i is (i & 0xff), so a reply can be checked.
inline std::uint8_t ping_pattern_byte(std::size_t i) {
  return static_cast<std::uint8_t>(i);
}

}  // namespace synack
