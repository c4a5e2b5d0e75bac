#include "synack/tcp/isn.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace synack {

static_assert(crypto_shorthash_siphash24_KEYBYTES == 16, "SipHash-2-4 takes a 128-bit key");

SecretKey random_secret_key() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  SecretKey key;
  randombytes_buf(key.data(), key.size());
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
  std::uint8_t out[crypto_shorthash_siphash24_BYTES];
  crypto_shorthash_siphash24(out, message, n, key.data());
  std::uint64_t h = 0;
  for (int i = 7; i >= 0; --i) h = (h << 8) | out[i];
  return h;
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
