#include "synack/tcp/handshake_options.hpp"

#include <algorithm>

namespace synack {

std::uint8_t window_shift_for(std::size_t buffer) {
  std::uint8_t shift = 0;
  while (shift < 14 && (buffer >> shift) > 65535) ++shift;
  return shift;
}

HandshakeOptions negotiate(const TcpConfig& config, const TcpOptions& peer_syn,
                           std::uint8_t our_shift) {
  HandshakeOptions h;
  // Linux's tcp_min_snd_mss (48, CVE-2019-11479): a tiny or zero MSS option would make us cut
  // the stream into countless segments (and zero would wrap below the option space).
  h.peer_mss = std::max<std::uint16_t>(peer_syn.mss.value_or(config.default_mss), 48);
  if (config.window_scaling && peer_syn.window_scale) {
    // RFC 7323 section 2.3: a shift above 14 is used as 14.
    h.send_shift = std::min<std::uint8_t>(*peer_syn.window_scale, 14);
    h.receive_shift = our_shift;
    h.window_scaling = true;
  }
  if (config.timestamps && peer_syn.timestamps) {
    h.timestamps = true;
    h.ts_recent = peer_syn.timestamps->value;
  }
  h.sack_permitted = config.sack && peer_syn.sack_permitted;
  return h;
}

}  // namespace synack
