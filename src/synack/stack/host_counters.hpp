#pragma once
// Host statistics, named after Linux's SNMP MIB counters (/proc/net/snmp: Ip, Icmp) where one
// exists, so a reader can compare with `nstat`. Every dropped frame increments one counter
// that says why.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "synack/core/function_ref.hpp"
#include "synack/stack/ipv4_reassembler.hpp"
#include "synack/wire/error.hpp"

namespace synack {

inline constexpr std::size_t kWireErrorCount = static_cast<std::size_t>(WireError::kBadAddress) + 1;

// Parse failures of one protocol, indexed by WireError.
struct WireErrorCounts {
  std::array<std::uint64_t, kWireErrorCount> by_error{};

  void add(WireError e) { ++by_error[static_cast<std::size_t>(e)]; }
  std::uint64_t operator[](WireError e) const { return by_error[static_cast<std::size_t>(e)]; }
  std::uint64_t total() const {
    std::uint64_t sum = 0;
    for (auto v : by_error) sum += v;
    return sum;
  }
};

struct HostCounters {
  // Link layer.
  std::uint64_t eth_in_frames = 0;
  std::uint64_t eth_not_for_us = 0;    // unicast to another MAC
  std::uint64_t eth_unknown_type = 0;  // neither IPv4 nor ARP
  std::uint64_t bad_interface = 0;     // receive_frame with an unknown iface index
  std::uint64_t raw_ip_not_v4 = 0;     // raw-IP link frame whose version nibble is not 4
  // RFC 1122 3.3.6: a unicast IP datagram in a link-layer broadcast frame is discarded.
  std::uint64_t eth_broadcast_unicast_ip = 0;
  WireErrorCounts ethernet_errors;

  // ARP (RFC 826).
  std::uint64_t arp_requests_received = 0;
  std::uint64_t arp_replies_received = 0;
  std::uint64_t arp_requests_sent = 0;
  std::uint64_t arp_replies_sent = 0;
  std::uint64_t arp_pending_drops = 0;        // oldest packet evicted from a full per-hop queue
  std::uint64_t arp_no_resolution_slot = 0;   // too many unresolved next hops: packet dropped
  std::uint64_t arp_resolution_failures = 0;  // retries exhausted
  std::uint64_t arp_unresolved_drops = 0;     // packets dropped with a failed resolution
  std::uint64_t arp_unreachable_reports = 0;  // of those, TCP ones reported to their connection
  WireErrorCounts arp_errors;

  // IPv4 (RFC 791, RFC 1122 3.2.1).
  std::uint64_t in_receives = 0;
  std::uint64_t in_hdr_errors = 0;  // any header parse failure except truncation
  std::uint64_t in_truncated_pkts = 0;
  std::uint64_t in_csum_errors = 0;  // also counted in in_hdr_errors, as Linux does
  std::uint64_t in_addr_errors = 0;  // not addressed to this host
  std::uint64_t in_unknown_protos = 0;
  std::uint64_t in_delivers = 0;
  ReassemblyCounters reassembly;  // ReasmReqds, ReasmOKs, ReasmFails, ReasmTimeout, ...
  std::uint64_t out_requests = 0;
  std::uint64_t out_no_routes = 0;
  std::uint64_t out_discards = 0;  // sum of the three below
  std::uint64_t out_too_big = 0;   // larger than the MTU with DF set (TCP), or than 65,535
  std::uint64_t frag_oks = 0;      // datagrams fragmented (Linux FragOKs)
  std::uint64_t frag_fails = 0;    // datagrams that needed fragmenting and could not be
  std::uint64_t frag_creates = 0;  // fragments made
  std::uint64_t out_no_buffer = 0;
  std::uint64_t out_queue_full = 0;
  WireErrorCounts ipv4_errors;

  // ICMP (RFC 792).
  std::uint64_t icmp_in_msgs = 0;
  std::uint64_t icmp_in_errors = 0;  // malformed ICMP messages
  std::uint64_t icmp_in_echos = 0;
  std::uint64_t icmp_in_echo_reps = 0;
  std::uint64_t icmp_in_dest_unreachs = 0;
  std::uint64_t icmp_in_other = 0;
  std::uint64_t icmp_echo_broadcast_ignored = 0;  // like Linux icmp_echo_ignore_broadcasts=1
  std::uint64_t icmp_out_msgs = 0;
  std::uint64_t icmp_out_echos = 0;
  std::uint64_t icmp_out_echo_reps = 0;
  std::uint64_t icmp_out_dest_unreachs = 0;
  std::uint64_t ping_replies_dropped = 0;  // the app did not drain replies in time
  WireErrorCounts icmp_errors;

  // TCP delivery (the transport's own counters live with the transport).
  std::uint64_t tcp_in_csum_errors = 0;
  std::uint64_t tcp_no_handler = 0;
  std::uint64_t tcp_to_broadcast = 0;  // TCP is unicast only (RFC 1122 4.2.3.10)

  // Calls `visit(name, value)` for every scalar counter, with Linux-style names
  // ("InReceives", "ArpRequestsSent", "Ipv4Error.BadChecksum", ...), zero values included.
  void for_each(FunctionRef<void(std::string_view, std::uint64_t)> visit) const;
};

}  // namespace synack
