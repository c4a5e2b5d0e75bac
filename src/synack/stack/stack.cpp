#include "synack/stack/stack.hpp"

namespace synack {

namespace {

// Fixed TCP secrets mean a reproducible run: the IP identification key is then derived from
// them too (under its own label), so captures repeat byte for byte.
HostConfig host_config_for(const StackConfig& config) {
  HostConfig host = config.host;
  if (host.ip_id_key || !config.secrets) return host;
  constexpr std::uint32_t kIpIdLabel = 0x49504944;  // "IPID"
  SecretKey key{};
  for (std::uint32_t half = 0; half < 2; ++half) {
    const std::uint64_t h =
        keyed_tuple_hash(config.secrets->isn_key, FourTuple{}, kIpIdLabel + half);
    for (std::size_t i = 0; i < 8; ++i) key[half * 8 + i] = static_cast<std::uint8_t>(h >> (8 * i));
  }
  host.ip_id_key = key;
  return host;
}

}  // namespace

Stack::Stack(const StackConfig& config)
    : host_(host_config_for(config)), tcp_(host_, config.tcp, config.secrets) {
  host_.set_tcp_handler(&tcp_);
}

}  // namespace synack
