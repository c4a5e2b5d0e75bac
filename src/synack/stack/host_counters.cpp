#include "synack/stack/host_counters.hpp"

#include <string>

namespace synack {

namespace {

// CamelCase names for WireError, independent of to_string(WireError)'s wording.
constexpr std::array<std::string_view, kWireErrorCount> kWireErrorNames = {
    "Truncated", "BadVersion", "BadHeaderLength", "BadTotalLength", "BadChecksum",
    "BadOption", "Fragment",   "Unsupported",     "BadAddress",
};

void visit_errors(std::string_view prefix, const WireErrorCounts& counts,
                  FunctionRef<void(std::string_view, std::uint64_t)> visit) {
  std::string name;
  for (std::size_t i = 0; i < kWireErrorCount; ++i) {
    name.assign(prefix);
    name += '.';
    name += kWireErrorNames[i];
    visit(name, counts.by_error[i]);
  }
}

}  // namespace

void HostCounters::for_each(FunctionRef<void(std::string_view, std::uint64_t)> visit) const {
  visit("EthInFrames", eth_in_frames);
  visit("EthNotForUs", eth_not_for_us);
  visit("EthUnknownType", eth_unknown_type);
  visit("BadInterface", bad_interface);
  visit("RawIpNotV4", raw_ip_not_v4);
  visit("EthBroadcastUnicastIp", eth_broadcast_unicast_ip);
  visit("ArpRequestsReceived", arp_requests_received);
  visit("ArpRepliesReceived", arp_replies_received);
  visit("ArpRequestsSent", arp_requests_sent);
  visit("ArpRepliesSent", arp_replies_sent);
  visit("ArpPendingDrops", arp_pending_drops);
  visit("ArpNoResolutionSlot", arp_no_resolution_slot);
  visit("ArpResolutionFailures", arp_resolution_failures);
  visit("ArpUnresolvedDrops", arp_unresolved_drops);
  visit("ArpUnreachableReports", arp_unreachable_reports);
  visit("InReceives", in_receives);
  visit("InHdrErrors", in_hdr_errors);
  visit("InTruncatedPkts", in_truncated_pkts);
  visit("InCsumErrors", in_csum_errors);
  visit("InAddrErrors", in_addr_errors);
  visit("InUnknownProtos", in_unknown_protos);
  visit("InDelivers", in_delivers);
  reassembly.for_each(visit);
  visit("OutRequests", out_requests);
  visit("OutNoRoutes", out_no_routes);
  visit("OutDiscards", out_discards);
  visit("OutTooBig", out_too_big);
  visit("FragOKs", frag_oks);
  visit("FragFails", frag_fails);
  visit("FragCreates", frag_creates);
  visit("OutNoBuffer", out_no_buffer);
  visit("OutQueueFull", out_queue_full);
  visit("IcmpInMsgs", icmp_in_msgs);
  visit("IcmpInErrors", icmp_in_errors);
  visit("IcmpInEchos", icmp_in_echos);
  visit("IcmpInEchoReps", icmp_in_echo_reps);
  visit("IcmpInDestUnreachs", icmp_in_dest_unreachs);
  visit("IcmpInOther", icmp_in_other);
  visit("IcmpEchoBroadcastIgnored", icmp_echo_broadcast_ignored);
  visit("IcmpOutMsgs", icmp_out_msgs);
  visit("IcmpOutEchos", icmp_out_echos);
  visit("IcmpOutEchoReps", icmp_out_echo_reps);
  visit("IcmpOutDestUnreachs", icmp_out_dest_unreachs);
  visit("PingRepliesDropped", ping_replies_dropped);
  visit("TcpInCsumErrors", tcp_in_csum_errors);
  visit("TcpNoHandler", tcp_no_handler);
  visit("TcpToBroadcast", tcp_to_broadcast);
  visit_errors("EthernetError", ethernet_errors, visit);
  visit_errors("ArpError", arp_errors, visit);
  visit_errors("Ipv4Error", ipv4_errors, visit);
  visit_errors("IcmpError", icmp_errors, visit);
}

}  // namespace synack
