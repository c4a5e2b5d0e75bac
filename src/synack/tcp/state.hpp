#pragma once
// The eleven connection states of RFC 9293 section 3.3.2.
#include <cstdint>
#include <string_view>

namespace synack {

enum class TcpState : std::uint8_t {
  kClosed,
  kListen,
  kSynSent,
  kSynReceived,
  kEstablished,
  kFinWait1,
  kFinWait2,
  kCloseWait,
  kClosing,
  kLastAck,
  kTimeWait,
};

// "SYN_SENT", "FIN_WAIT_1", ...: the names `ss` and `netstat` print.
std::string_view to_string(TcpState state);

// States in which both ISNs are known (RFC 9293 section 3.3.2 "synchronized states").
constexpr bool is_synchronized(TcpState s) {
  return s != TcpState::kClosed && s != TcpState::kListen && s != TcpState::kSynSent;
}

// States in which the application may send (RFC 9293 section 3.10.2): ESTABLISHED and
// CLOSE_WAIT, and SYN_SENT and SYN_RECEIVED, where the data is queued until ESTABLISHED.
constexpr bool accepts_send(TcpState s) {
  return s == TcpState::kSynSent || s == TcpState::kSynReceived || s == TcpState::kEstablished ||
         s == TcpState::kCloseWait;
}

}  // namespace synack
