#pragma once
// ICMPv4 (RFC 792): echo request/reply and destination unreachable; other types parse as
// kOther with their raw type and code.
#include <cstdint>

#include "synack/core/bytes.hpp"
#include "synack/core/expected.hpp"
#include "synack/wire/error.hpp"

namespace synack {

inline constexpr std::size_t kIcmpv4HeaderLength = 8;

enum class Icmpv4Kind : std::uint8_t { kEchoReply, kEchoRequest, kDestinationUnreachable, kOther };

struct Icmpv4Repr {
  Icmpv4Kind kind = Icmpv4Kind::kEchoRequest;
  std::uint8_t type = 8;
  std::uint8_t code = 0;
  std::uint16_t identifier = 0;    // echo only
  std::uint16_t sequence = 0;      // echo only
  std::uint16_t next_hop_mtu = 0;  // destination unreachable, code 4 (RFC 1191)
  bool operator==(const Icmpv4Repr&) const = default;
};

class Icmpv4View {
 public:
  // Checks length and checksum (over the whole ICMP message).
  static Expected<Icmpv4View, WireError> parse(Bytes message);
  Icmpv4Repr repr() const;
  // Echo data, or for destination unreachable the quoted IP header + 8 bytes.
  Bytes payload() const { return bytes_.subspan(kIcmpv4HeaderLength); }

 private:
  explicit Icmpv4View(Bytes bytes) : bytes_(bytes) {}
  Bytes bytes_;
};

// Builders: echo request/reply with `data`, and destination unreachable quoting `original`
// (the offending IP header and at least 8 bytes of its payload). Return bytes written;
// `out` must hold 8 + data/original size, else they return 0. The unreachable builder writes
// next_hop_mtu only for code 4 (RFC 1191); for other codes the unused word is zero (RFC 792).
std::size_t emit_icmpv4_echo(bool reply, std::uint16_t identifier, std::uint16_t sequence,
                             Bytes data, MutableBytes out);
std::size_t emit_icmpv4_unreachable(std::uint8_t code, Bytes original, MutableBytes out,
                                    std::uint16_t next_hop_mtu = 0);

}  // namespace synack
