#pragma once
// Ethernet II framing (no 802.1Q tags; a tagged frame parses with its TPID as the ethertype).
#include <cstdint>

#include "synack/core/bytes.hpp"
#include "synack/core/expected.hpp"
#include "synack/wire/address.hpp"
#include "synack/wire/error.hpp"

namespace synack {

inline constexpr std::size_t kEthernetHeaderLength = 14;
inline constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEtherTypeArp = 0x0806;
inline constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;

struct EthernetRepr {
  MacAddress dst;
  MacAddress src;
  std::uint16_t ethertype = 0;
  bool operator==(const EthernetRepr&) const = default;
};

class EthernetView {
 public:
  static Expected<EthernetView, WireError> parse(Bytes frame);
  EthernetRepr repr() const;
  Bytes payload() const { return bytes_.subspan(kEthernetHeaderLength); }

 private:
  explicit EthernetView(Bytes bytes) : bytes_(bytes) {}
  Bytes bytes_;
};

// Writes the 14-byte header at the start of `out` (out.size() >= 14); returns 14, or 0
// (nothing written) when `out` is too small.
std::size_t emit_ethernet(const EthernetRepr& repr, MutableBytes out);

}  // namespace synack
