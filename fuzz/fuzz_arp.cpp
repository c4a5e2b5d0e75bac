// Fuzzes parse_arp; an accepted packet re-emits to the same 28 bytes and the same values.
#include <cstdlib>
#include <cstring>

#include "synack/wire/arp.hpp"

using namespace synack;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto repr = parse_arp(Bytes{data, size});
  if (!repr) return 0;
  (void)repr->sender_mac.to_string();
  (void)repr->target_ip.to_string();
  std::uint8_t out[kArpPacketLength];
  if (emit_arp(*repr, out) != kArpPacketLength) std::abort();
  if (std::memcmp(out, data, kArpPacketLength) != 0) std::abort();
  auto again = parse_arp(out);
  if (!again || !(*again == *repr)) std::abort();
  return 0;
}
