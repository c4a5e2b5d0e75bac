#pragma once
// ARP for IPv4 over Ethernet (RFC 826): hardware type 1, protocol 0x0800, sizes 6 and 4.
#include <cstdint>

#include "synack/core/bytes.hpp"
#include "synack/core/expected.hpp"
#include "synack/wire/address.hpp"
#include "synack/wire/error.hpp"

namespace synack {

inline constexpr std::size_t kArpPacketLength = 28;

enum class ArpOperation : std::uint16_t { kRequest = 1, kReply = 2 };

struct ArpRepr {
  ArpOperation operation = ArpOperation::kRequest;
  MacAddress sender_mac;
  Ipv4Address sender_ip;
  MacAddress target_mac;
  Ipv4Address target_ip;
  bool operator==(const ArpRepr&) const = default;
};

// Parses and validates (Ethernet/IPv4 sizes, known operation) the ARP packet in `bytes`.
Expected<ArpRepr, WireError> parse_arp(Bytes bytes);
// Writes 28 bytes at the start of `out`; returns 28, or 0 when `out` is too small.
// Trailing bytes after the 28 (Ethernet padding) are ignored by parse_arp.
std::size_t emit_arp(const ArpRepr& repr, MutableBytes out);

}  // namespace synack
