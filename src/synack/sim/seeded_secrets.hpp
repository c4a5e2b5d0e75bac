#pragma once
// Secrets for a simulated host derived from the simulation seed, so that ISNs, timestamp
// offsets and ephemeral ports - and with them whole captures - repeat exactly for one seed.
// Real stacks use random_secret_key(); only simulations may be this predictable.
#include <cstdint>

#include "synack/core/random.hpp"
#include "synack/tcp/context.hpp"

namespace synack::sim {

inline TcpSecrets seeded_secrets(std::uint64_t seed, std::uint64_t host) {
  Random random(seed * 0x9e3779b97f4a7c15ULL + host + 1);
  auto key = [&random] {
    SecretKey k;
    for (auto& byte : k) byte = static_cast<std::uint8_t>(random.next_u64());
    return k;
  };
  TcpSecrets s;
  s.isn_key = key();
  s.timestamp_key = key();
  s.cookie_key = key();
  return s;
}

}  // namespace synack::sim
