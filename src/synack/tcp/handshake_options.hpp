#pragma once
// Options agreed in the handshake (RFC 9293 section 3.7.1 MSS, RFC 7323 window scale and
// timestamps). Both the compact half-open entry and the full connection carry this.
#include <cstdint>
#include <optional>

#include "synack/tcp/config.hpp"
#include "synack/wire/tcp.hpp"

namespace synack {

struct HandshakeOptions {
  std::uint16_t peer_mss = 536;    // what the peer can receive
  std::uint8_t send_shift = 0;     // peer's window-scale shift, applied to windows it sends
  std::uint8_t receive_shift = 0;  // our shift, applied to windows we send
  bool window_scaling = false;     // both sides sent the option (RFC 7323 section 2.2)
  bool timestamps = false;
  bool sack_permitted = false;  // peer can receive SACK blocks
  std::uint32_t ts_recent = 0;  // peer's latest TSval (RFC 7323 section 4.3)
};

// The window-scale shift that lets a window of `buffer` bytes be advertised (RFC 7323 2.3: <= 14).
std::uint8_t window_shift_for(std::size_t buffer);

// What a SYN offered plus what we offer, combined as both sides will use them.
HandshakeOptions negotiate(const TcpConfig& config, const TcpOptions& peer_syn,
                           std::uint8_t our_shift);

}  // namespace synack
