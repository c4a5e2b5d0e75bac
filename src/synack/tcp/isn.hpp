#pragma once
// Initial sequence numbers per RFC 6528: ISN = M + F(localip, localport, remoteip, remoteport,
// secretkey), M a clock ticking every 4 microseconds, F SipHash-2-4 with a 128-bit secret.
// The clock makes successive ISNs of one 4-tuple advance (old duplicates fall behind), and the
// keyed hash makes an off-path attacker unable to guess another 4-tuple's ISN.
#include <array>
#include <cstdint>
#include <span>

#include "synack/core/error.hpp"
#include "synack/core/seq_num.hpp"
#include "synack/core/siphash.hpp"
#include "synack/core/time.hpp"
#include "synack/wire/address.hpp"

namespace synack {

using SecretKey = SipHashKey;

// A fresh random key from the operating system's CSPRNG (core/entropy.hpp), or the error of a
// system that has none to give; StackConfig::secrets avoids the call.
Result<SecretKey> random_secret_key();

// SipHash-2-4 of the 4-tuple (and `extra`) under `key`: the F of RFC 6528, reused by SYN
// cookies and timestamp offsets with their own keys.
std::uint64_t keyed_tuple_hash(const SecretKey& key, const FourTuple& tuple,
                               std::uint32_t extra = 0);
// The same over the 4-tuple followed by `extra` (at most 16 bytes), for MACs over more fields.
std::uint64_t keyed_tuple_hash(const SecretKey& key, const FourTuple& tuple,
                               std::span<const std::uint8_t> extra);

class IsnGenerator {
 public:
  explicit IsnGenerator(const SecretKey& key) : key_(key) {}

  // M: the 4 microsecond clock, truncated to 32 bits.
  static std::uint32_t clock_component(Instant now) {
    return static_cast<std::uint32_t>(to_micros(now) / 4);
  }
  // F: the keyed hash of the connection identifiers.
  std::uint32_t hash_component(const FourTuple& tuple) const;
  SeqNum generate(Instant now, const FourTuple& tuple) const {
    return SeqNum{clock_component(now) + hash_component(tuple)};
  }

 private:
  SecretKey key_;
};

}  // namespace synack
