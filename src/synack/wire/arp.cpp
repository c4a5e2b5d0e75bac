#include "synack/wire/arp.hpp"

#include <algorithm>

namespace synack {
namespace {

// RFC 826 field values for Ethernet hardware carrying IPv4.
constexpr std::uint16_t kHardwareEthernet = 1;
constexpr std::uint16_t kProtocolIpv4 = 0x0800;
constexpr std::uint8_t kMacLength = 6;
constexpr std::uint8_t kIpv4Length = 4;

MacAddress load_mac(const std::uint8_t* p) {
  MacAddress mac;
  std::copy_n(p, mac.octets.size(), mac.octets.begin());
  return mac;
}

Ipv4Address load_ipv4(const std::uint8_t* p) {
  return Ipv4Address::from_u32(load_be32(p));
}

}  // namespace

Expected<ArpRepr, WireError> parse_arp(Bytes bytes) {
  // Trailing bytes (Ethernet minimum-frame padding) are ignored.
  if (bytes.size() < kArpPacketLength) return Unexpected{WireError::kTruncated};
  if (load_be16(&bytes[0]) != kHardwareEthernet || load_be16(&bytes[2]) != kProtocolIpv4 ||
      bytes[4] != kMacLength || bytes[5] != kIpv4Length) {
    return Unexpected{WireError::kBadAddress};
  }
  const std::uint16_t operation = load_be16(&bytes[6]);
  if (operation != static_cast<std::uint16_t>(ArpOperation::kRequest) &&
      operation != static_cast<std::uint16_t>(ArpOperation::kReply)) {
    return Unexpected{WireError::kUnsupported};
  }
  ArpRepr repr;
  repr.operation = static_cast<ArpOperation>(operation);
  repr.sender_mac = load_mac(&bytes[8]);
  repr.sender_ip = load_ipv4(&bytes[14]);
  repr.target_mac = load_mac(&bytes[18]);
  repr.target_ip = load_ipv4(&bytes[24]);
  return repr;
}

std::size_t emit_arp(const ArpRepr& repr, MutableBytes out) {
  if (out.size() < kArpPacketLength) return 0;
  std::uint8_t* p = out.data();
  store_be16(p + 0, kHardwareEthernet);
  store_be16(p + 2, kProtocolIpv4);
  p[4] = kMacLength;
  p[5] = kIpv4Length;
  store_be16(p + 6, static_cast<std::uint16_t>(repr.operation));
  std::copy(repr.sender_mac.octets.begin(), repr.sender_mac.octets.end(), p + 8);
  store_be32(p + 14, repr.sender_ip.to_u32());
  std::copy(repr.target_mac.octets.begin(), repr.target_mac.octets.end(), p + 18);
  store_be32(p + 24, repr.target_ip.to_u32());
  return kArpPacketLength;
}

}  // namespace synack
