#pragma once
// IPv4 header (RFC 791). Options are accepted and skipped; fragments parse like any datagram
// and carry their offset and MF flag in the representation, for the host's reassembler.
#include <cstdint>

#include "synack/core/bytes.hpp"
#include "synack/core/expected.hpp"
#include "synack/wire/address.hpp"
#include "synack/wire/error.hpp"

namespace synack {

inline constexpr std::size_t kIpv4MinHeaderLength = 20;
inline constexpr std::size_t kIpv4MaxHeaderLength = 60;
inline constexpr std::size_t kIpv4MaxTotalLength = 0xffff;  // RFC 791: 16-bit total length
inline constexpr std::uint8_t kIpProtocolIcmp = 1;

struct Ipv4Repr {
  Ipv4Address src;
  Ipv4Address dst;
  std::uint8_t protocol = 0;
  std::uint8_t ttl = 64;
  std::uint16_t identification = 0;
  bool dont_fragment = true;
  bool more_fragments = false;        // MF (RFC 791 section 3.1)
  std::uint16_t fragment_offset = 0;  // in bytes; a multiple of 8 below 65536
  std::uint8_t dscp_ecn = 0;
  std::uint16_t payload_length = 0;  // bytes after the header
  bool operator==(const Ipv4Repr&) const = default;
};

class Ipv4View {
 public:
  // Checks version, header length, total length against the buffer (trailing link padding is
  // allowed and cut off) and the header checksum unless `verify_checksum` is false.
  // A fragment (MF set or offset != 0) parses successfully: test is_fragment().
  static Expected<Ipv4View, WireError> parse(Bytes packet, bool verify_checksum = true);

  Ipv4Repr repr() const;
  bool is_fragment() const;
  std::size_t header_length() const;
  // The header bytes, options included.
  Bytes header() const { return bytes_.first(header_length()); }
  // The whole datagram, cut to the total-length field.
  Bytes packet() const { return bytes_; }
  // The payload, cut to the total-length field.
  Bytes payload() const;

 private:
  explicit Ipv4View(Bytes bytes) : bytes_(bytes) {}
  Bytes bytes_;  // exactly total-length bytes
};

// Writes a 20-byte header (no options) with a correct checksum at the start of `out`; returns 20.
// Returns 0 (nothing written) when `out` is shorter than 20, payload_length > 65515, or the
// fragment offset is not a multiple of 8.
std::size_t emit_ipv4(const Ipv4Repr& repr, MutableBytes out);

}  // namespace synack
