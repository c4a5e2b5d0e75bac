#include "synack/tcp/tuple_key.hpp"

#include <algorithm>
#include <cstring>

namespace synack {

namespace {
bool is_packable_v4(const IpAddress& a) {
  return a.is_v4() &&
         std::all_of(a.bytes.begin() + 4, a.bytes.end(), [](auto b) { return b == 0; });
}
}  // namespace

std::optional<Ipv4TupleKey> Ipv4TupleKey::pack(const FourTuple& tuple) {
  if (!is_packable_v4(tuple.local.address) || !is_packable_v4(tuple.remote.address)) {
    return std::nullopt;
  }
  return Ipv4TupleKey{tuple.local.address.as_v4().to_u32(), tuple.remote.address.as_v4().to_u32(),
                      tuple.local.port, tuple.remote.port};
}

FourTuple Ipv4TupleKey::unpack() const {
  return FourTuple{Endpoint{IpAddress::v4(Ipv4Address::from_u32(local_address)), local_port},
                   Endpoint{IpAddress::v4(Ipv4Address::from_u32(remote_address)), remote_port}};
}

SecretKey KeyedTupleHash::derive_key(const SecretKey& secret, std::uint32_t label) {
  // Two 64-bit SipHash outputs over inputs nothing else hashes with the secret: the all-zero
  // tuple followed by 5 bytes, a label and a half number (the ISN secret, for one, only ever
  // hashes a tuple followed by 4 bytes). Outputs of a PRF on distinct inputs are independent.
  SecretKey out;
  for (std::uint8_t half = 0; half < 2; ++half) {
    const std::uint8_t extra[5] = {
        static_cast<std::uint8_t>(label >> 24), static_cast<std::uint8_t>(label >> 16),
        static_cast<std::uint8_t>(label >> 8), static_cast<std::uint8_t>(label), half};
    const std::uint64_t h =
        keyed_tuple_hash(secret, FourTuple{}, std::span<const std::uint8_t>{extra});
    for (int i = 0; i < 8; ++i) out[half * 8 + i] = static_cast<std::uint8_t>(h >> (8 * i));
  }
  return out;
}

std::uint64_t KeyedTupleHash::operator()(const Ipv4TupleKey& key) const {
  // The 12 bytes in a fixed (big-endian) order, so the value does not depend on the host.
  std::uint8_t message[12];
  const auto put32 = [&](int at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) message[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
  };
  put32(0, key.local_address);
  put32(4, key.remote_address);
  put32(8, (std::uint32_t{key.local_port} << 16) | key.remote_port);
  return siphash24(key_, message);
}

}  // namespace synack
