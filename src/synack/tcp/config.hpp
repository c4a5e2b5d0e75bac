#pragma once
// Per-stack TCP settings. Defaults follow Linux so behaviour and numbers are familiar; the
// sysctl each one mirrors is named beside it.
#include <cstddef>
#include <cstdint>

#include "synack/core/time.hpp"
#include "synack/tcp/congestion_control.hpp"

namespace synack {

struct TcpConfig {
  // Active open: SYN retransmissions before connect() fails with ETIMEDOUT (tcp_syn_retries).
  int syn_retries = 6;
  // Passive open: SYN-ACK retransmissions before the half-open entry is freed
  // (tcp_synack_retries).
  int synack_retries = 5;
  // Half-open (SYN queue) entries per listener (tcp_max_syn_backlog).
  std::size_t max_syn_backlog = 2048;
  // SYN cookies (RFC 4987, tcp_syncookies): 0 never, 1 only when the SYN queue is full,
  // 2 for every SYN (no half-open entries at all).
  int syncookies = 1;
  // Connections (any state but LISTEN and TIME_WAIT) per stack; SYNs and handshake ACKs beyond
  // it are dropped (TCPConnLimitDrop) and connect() fails with ENOBUFS. Bounds memory per stack.
  std::size_t max_connections = 65536;
  // TIME_WAIT entries per stack (tcp_max_tw_buckets); when full a closing connection skips
  // TIME_WAIT and is counted (TCPTimeWaitOverflow), as Linux does.
  std::size_t max_time_wait = 262144;
  // RFC 5961 section 7: challenge ACKs per second per stack (tcp_challenge_ack_limit). As in
  // Linux since CVE-2016-5696, each second's budget is drawn at random from [limit/2,
  // limit*3/2) so that an off-path attacker cannot count them to infer sequence numbers.
  std::uint32_t challenge_ack_limit = 1000;
  // Data/FIN retransmissions before the connection is aborted with ETIMEDOUT (tcp_retries2).
  int retries2 = 15;

  // RFC 6298: initial RTO 1 s (section 2.1), Linux's 200 ms floor (RFC says 1 s, section 2.4;
  // Linux and most stacks use TCP_RTO_MIN) and 120 s ceiling (TCP_RTO_MAX).
  Duration rto_initial = seconds(1);
  Duration rto_min = milliseconds(200);
  Duration rto_max = seconds(120);

  // Maximum segment lifetime; TIME_WAIT lasts 2 * msl (Linux: fixed 60 s).
  Duration msl = seconds(30);
  // Orphaned FIN_WAIT_2 lifetime (tcp_fin_timeout).
  Duration fin_timeout = seconds(60);
  // RFC 1337: ignore RST in TIME_WAIT (Linux tcp_rfc1337, but on by default here).
  bool rfc1337 = true;

  // Delayed ACK (RFC 9293 section 3.8.6.3): at most this long, and at least every second
  // full-sized segment is ACKed at once.
  Duration delayed_ack = milliseconds(40);

  // Buffers per connection (tcp_wmem / tcp_rmem defaults are dynamic; these are fixed).
  std::size_t send_buffer = 256 * 1024;
  std::size_t receive_buffer = 256 * 1024;

  // Options offered on SYN and SYN-ACK.
  bool timestamps = true;      // RFC 7323 (tcp_timestamps)
  bool window_scaling = true;  // RFC 7323 (tcp_window_scaling)
  bool sack = true;            // RFC 2018 (tcp_sack)

  // Congestion control for new sockets (tcp_congestion_control; Linux defaults to cubic).
  CongestionAlgorithm congestion = CongestionAlgorithm::kCubic;

  // Keepalive defaults for sockets that turn it on (tcp_keepalive_time, _intvl, _probes).
  Duration keepalive_idle = seconds(7200);
  Duration keepalive_interval = seconds(75);
  int keepalive_probes = 9;

  // MSS assumed when the peer sends none (RFC 9293 section 3.7.1: 536 for IPv4).
  std::uint16_t default_mss = 536;

  // Ephemeral port range (ip_local_port_range).
  std::uint16_t ephemeral_port_low = 32768;
  std::uint16_t ephemeral_port_high = 60999;

  // Deliberately unsafe behaviour for demonstrations is not configured here: see
  // DemonstrationSettings (tcp/demonstration.hpp).
};

}  // namespace synack
