#include "synack/wire/icmpv4.hpp"

#include <cstring>

#include "synack/wire/checksum.hpp"

namespace synack {
namespace {

// RFC 792 message types.
constexpr std::uint8_t kTypeEchoReply = 0;
constexpr std::uint8_t kTypeDestinationUnreachable = 3;
constexpr std::uint8_t kTypeEchoRequest = 8;
// RFC 1191 section 4: "fragmentation needed and DF set" carries the next-hop MTU.
constexpr std::uint8_t kCodeFragmentationNeeded = 4;

Icmpv4Kind kind_of(std::uint8_t type) {
  switch (type) {
    case kTypeEchoReply:
      return Icmpv4Kind::kEchoReply;
    case kTypeEchoRequest:
      return Icmpv4Kind::kEchoRequest;
    case kTypeDestinationUnreachable:
      return Icmpv4Kind::kDestinationUnreachable;
    default:
      return Icmpv4Kind::kOther;
  }
}

// Writes type, code, the 4-byte rest-of-header word and `body`, then the checksum.
std::size_t emit_message(std::uint8_t type, std::uint8_t code, std::uint16_t word_high,
                         std::uint16_t word_low, Bytes body, MutableBytes out) {
  const std::size_t total = kIcmpv4HeaderLength + body.size();
  if (out.size() < total) return 0;
  std::uint8_t* p = out.data();
  p[0] = type;
  p[1] = code;
  store_be16(p + 2, 0);
  store_be16(p + 4, word_high);
  store_be16(p + 6, word_low);
  if (!body.empty()) std::memcpy(p + kIcmpv4HeaderLength, body.data(), body.size());
  store_be16(p + 2, internet_checksum(Bytes{p, total}));
  return total;
}

}  // namespace

Expected<Icmpv4View, WireError> Icmpv4View::parse(Bytes message) {
  if (message.size() < kIcmpv4HeaderLength) return Unexpected{WireError::kTruncated};
  if (internet_checksum(message) != 0) return Unexpected{WireError::kBadChecksum};
  return Icmpv4View{message};
}

Icmpv4Repr Icmpv4View::repr() const {
  Icmpv4Repr r;
  r.type = bytes_[0];
  r.code = bytes_[1];
  r.kind = kind_of(r.type);
  if (r.kind == Icmpv4Kind::kEchoReply || r.kind == Icmpv4Kind::kEchoRequest) {
    r.identifier = load_be16(&bytes_[4]);
    r.sequence = load_be16(&bytes_[6]);
  } else if (r.kind == Icmpv4Kind::kDestinationUnreachable && r.code == kCodeFragmentationNeeded) {
    r.next_hop_mtu = load_be16(&bytes_[6]);
  }
  return r;
}

std::size_t emit_icmpv4_echo(bool reply, std::uint16_t identifier, std::uint16_t sequence,
                             Bytes data, MutableBytes out) {
  return emit_message(reply ? kTypeEchoReply : kTypeEchoRequest, 0, identifier, sequence, data,
                      out);
}

std::size_t emit_icmpv4_unreachable(std::uint8_t code, Bytes original, MutableBytes out,
                                    std::uint16_t next_hop_mtu) {
  // RFC 792: the word after the checksum is unused (zero) except for code 4 (RFC 1191).
  const std::uint16_t mtu = code == kCodeFragmentationNeeded ? next_hop_mtu : 0;
  return emit_message(kTypeDestinationUnreachable, code, 0, mtu, original, out);
}

}  // namespace synack
