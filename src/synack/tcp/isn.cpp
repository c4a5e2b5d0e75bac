#include "synack/tcp/isn.hpp"

#include <algorithm>
#include <cstring>

#include "synack/core/entropy.hpp"

namespace synack {

Result<SecretKey> random_secret_key() {
  SecretKey key;
  if (const int error = fill_with_os_entropy(key); error != 0) {
    return Unexpected{Error{error, "reading the system's entropy"}};
  }
  return key;
}

std::uint64_t keyed_tuple_hash(const SecretKey& key, const FourTuple& tuple,
                               std::span<const std::uint8_t> extra) {
  // Serialise the tuple in a fixed layout: family, both addresses (16 bytes each), both ports;
  // then the caller's extra bytes.
  constexpr std::size_t kMaxExtra = 16;
  std::uint8_t message[1 + 16 + 16 + 2 + 2 + kMaxExtra];
  std::size_t n = 0;
  message[n++] = static_cast<std::uint8_t>(tuple.local.address.family);
  std::memcpy(message + n, tuple.local.address.bytes.data(), 16);
  n += 16;
  std::memcpy(message + n, tuple.remote.address.bytes.data(), 16);
  n += 16;
  message[n++] = static_cast<std::uint8_t>(tuple.local.port >> 8);
  message[n++] = static_cast<std::uint8_t>(tuple.local.port);
  message[n++] = static_cast<std::uint8_t>(tuple.remote.port >> 8);
  message[n++] = static_cast<std::uint8_t>(tuple.remote.port);
  const std::size_t extra_length = std::min(extra.size(), kMaxExtra);
  std::memcpy(message + n, extra.data(), extra_length);
  n += extra_length;
  return siphash24(key, std::span<const std::uint8_t>{message, n});
}

std::uint64_t keyed_tuple_hash(const SecretKey& key, const FourTuple& tuple, std::uint32_t extra) {
  const std::uint8_t bytes[4] = {
      static_cast<std::uint8_t>(extra >> 24), static_cast<std::uint8_t>(extra >> 16),
      static_cast<std::uint8_t>(extra >> 8), static_cast<std::uint8_t>(extra)};
  return keyed_tuple_hash(key, tuple, std::span<const std::uint8_t>{bytes});
}

std::uint32_t IsnGenerator::hash_component(const FourTuple& tuple) const {
  return static_cast<std::uint32_t>(keyed_tuple_hash(key_, tuple));
}

}  // namespace synack
