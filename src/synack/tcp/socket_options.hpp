#pragma once
// Per-socket settings, the things setsockopt(2) changes: buffer sizes (SO_SNDBUF, SO_RCVBUF),
// TCP_NODELAY, SO_KEEPALIVE with TCP_KEEPIDLE/INTVL/CNT, and TCP_CONGESTION. New sockets start
// from the stack's TcpConfig; accepted connections inherit their listener's.
#include <cstddef>

#include "synack/tcp/config.hpp"

namespace synack {

struct TcpSocketOptions {
  std::size_t send_buffer = 256 * 1024;
  std::size_t receive_buffer = 256 * 1024;
  bool no_delay = false;
  bool keepalive = false;
  Duration keepalive_idle = seconds(7200);
  Duration keepalive_interval = seconds(75);
  int keepalive_probes = 9;
  CongestionAlgorithm congestion = CongestionAlgorithm::kCubic;
  // With SACK: RACK-TLP loss detection (RFC 8985, Linux's default); off, RFC 6675's
  // three-duplicate-ACK threshold (Linux: tcp_recovery without RACK_LOSS_DETECTION).
  bool rack = true;

  static TcpSocketOptions from(const TcpConfig& c) {
    TcpSocketOptions o;
    o.send_buffer = c.send_buffer;
    o.receive_buffer = c.receive_buffer;
    o.keepalive_idle = c.keepalive_idle;
    o.keepalive_interval = c.keepalive_interval;
    o.keepalive_probes = c.keepalive_probes;
    o.congestion = c.congestion;
    return o;
  }
};

}  // namespace synack
