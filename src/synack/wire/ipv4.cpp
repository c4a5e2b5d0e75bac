#include "synack/wire/ipv4.hpp"

#include "synack/wire/checksum.hpp"

namespace synack {
namespace {

// RFC 791 section 3.1 flags/fragment-offset word.
constexpr std::uint16_t kFlagDontFragment = 0x4000;
constexpr std::uint16_t kFlagMoreFragments = 0x2000;
constexpr std::uint16_t kFragmentOffsetMask = 0x1fff;
constexpr std::size_t kMaxTotalLength = kIpv4MaxTotalLength;
constexpr std::size_t kFragmentUnit = 8;  // offsets count 8-byte units

}  // namespace

Expected<Ipv4View, WireError> Ipv4View::parse(Bytes packet, bool verify_checksum) {
  if (packet.size() < kIpv4MinHeaderLength) return Unexpected{WireError::kTruncated};
  if ((packet[0] >> 4) != 4) return Unexpected{WireError::kBadVersion};
  const std::size_t header_length = std::size_t{packet[0] & 0x0fu} * 4;
  if (header_length < kIpv4MinHeaderLength) return Unexpected{WireError::kBadHeaderLength};
  const std::size_t total_length = load_be16(&packet[2]);
  if (total_length < header_length) return Unexpected{WireError::kBadTotalLength};
  if (total_length > packet.size()) return Unexpected{WireError::kTruncated};
  // Bytes past total length are link padding (e.g. Ethernet's 60-byte minimum frame).
  const Bytes exact = packet.first(total_length);
  if (verify_checksum && internet_checksum(exact.first(header_length)) != 0) {
    return Unexpected{WireError::kBadChecksum};
  }
  return Ipv4View{exact};
}

Ipv4Repr Ipv4View::repr() const {
  Ipv4Repr r;
  r.dscp_ecn = bytes_[1];
  r.payload_length = static_cast<std::uint16_t>(bytes_.size() - header_length());
  r.identification = load_be16(&bytes_[4]);
  const std::uint16_t flags_offset = load_be16(&bytes_[6]);
  r.dont_fragment = (flags_offset & kFlagDontFragment) != 0;
  r.more_fragments = (flags_offset & kFlagMoreFragments) != 0;
  r.fragment_offset =
      static_cast<std::uint16_t>((flags_offset & kFragmentOffsetMask) * kFragmentUnit);
  r.ttl = bytes_[8];
  r.protocol = bytes_[9];
  r.src = Ipv4Address::from_u32(load_be32(&bytes_[12]));
  r.dst = Ipv4Address::from_u32(load_be32(&bytes_[16]));
  return r;
}

bool Ipv4View::is_fragment() const {
  const std::uint16_t word = load_be16(&bytes_[6]);
  return (word & kFlagMoreFragments) != 0 || (word & kFragmentOffsetMask) != 0;
}

std::size_t Ipv4View::header_length() const {
  return std::size_t{bytes_[0] & 0x0fu} * 4;
}

Bytes Ipv4View::payload() const {
  return bytes_.subspan(header_length());
}

std::size_t emit_ipv4(const Ipv4Repr& repr, MutableBytes out) {
  if (out.size() < kIpv4MinHeaderLength) return 0;
  if (repr.payload_length > kMaxTotalLength - kIpv4MinHeaderLength) return 0;
  if (repr.fragment_offset % kFragmentUnit != 0) return 0;
  std::uint8_t* p = out.data();
  p[0] = 0x45;  // version 4, IHL 5: no options
  p[1] = repr.dscp_ecn;
  store_be16(p + 2, static_cast<std::uint16_t>(kIpv4MinHeaderLength + repr.payload_length));
  store_be16(p + 4, repr.identification);
  std::uint16_t flags_offset = static_cast<std::uint16_t>(repr.fragment_offset / kFragmentUnit);
  if (repr.dont_fragment) flags_offset |= kFlagDontFragment;
  if (repr.more_fragments) flags_offset |= kFlagMoreFragments;
  store_be16(p + 6, flags_offset);
  p[8] = repr.ttl;
  p[9] = repr.protocol;
  store_be16(p + 10, 0);
  store_be32(p + 12, repr.src.to_u32());
  store_be32(p + 16, repr.dst.to_u32());
  store_be16(p + 10, internet_checksum(Bytes{p, kIpv4MinHeaderLength}));
  return kIpv4MinHeaderLength;
}

}  // namespace synack
