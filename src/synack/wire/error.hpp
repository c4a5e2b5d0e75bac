#pragma once
// Why a packet was rejected by a parser. Every rejection is returned as a value and counted by
// the layer that received the packet; nothing throws and nothing reads out of bounds.
#include <cstdint>
#include <string_view>

namespace synack {

enum class WireError : std::uint8_t {
  kTruncated,        // shorter than its fixed header or than a length field says
  kBadVersion,       // IP version field is not the one expected
  kBadHeaderLength,  // header-length field below the minimum or beyond the buffer
  kBadTotalLength,   // IP total length inconsistent with the buffer
  kBadChecksum,      // Internet checksum does not verify
  kBadOption,        // option whose length is malformed or runs past the header
  kFragment,         // an IPv4 fragment (recognised; not reassembled by the parser)
  kUnsupported,      // well-formed but of a kind this stack does not handle
  kBadAddress,       // e.g. hardware/protocol sizes in ARP not Ethernet/IPv4
};

std::string_view to_string(WireError e);

}  // namespace synack
