#include "synack/tcp/isn.hpp"

#include <sodium.h>

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

std::uint64_t keyed_tuple_hash(const SecretKey& key, const FourTuple& tuple, std::uint32_t extra) {
  // Serialise the tuple in a fixed layout: family, both addresses (16 bytes each), both ports.
  std::uint8_t message[1 + 16 + 16 + 2 + 2 + 4];
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
  for (int i = 3; i >= 0; --i) message[n++] = static_cast<std::uint8_t>(extra >> (8 * i));
  std::uint8_t out[crypto_shorthash_siphash24_BYTES];
  crypto_shorthash_siphash24(out, message, n, key.data());
  std::uint64_t h = 0;
  for (int i = 7; i >= 0; --i) h = (h << 8) | out[i];
  return h;
}

std::uint32_t IsnGenerator::hash_component(const FourTuple& tuple) const {
  return static_cast<std::uint32_t>(keyed_tuple_hash(key_, tuple));
}

}  // namespace synack
