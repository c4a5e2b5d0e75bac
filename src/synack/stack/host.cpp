#include "synack/stack/host.hpp"

#include <algorithm>
#include <utility>

#include "synack/core/error.hpp"
#include "synack/wire/arp.hpp"
#include "synack/wire/checksum.hpp"
#include "synack/wire/ethernet.hpp"
#include "synack/wire/icmpv4.hpp"
#include "synack/wire/tcp.hpp"

namespace synack {

namespace {

constexpr Ipv4Address kUnspecified{};
constexpr Ipv4Address kLimitedBroadcast{{0xff, 0xff, 0xff, 0xff}};
constexpr std::uint8_t kIcmpTypeEchoRequest = 8;
// RFC 792: destination unreachable, code 2 = protocol unreachable.
constexpr std::uint8_t kIcmpCodeProtocolUnreachable = 2;
// RFC 792 / RFC 1122 3.2.2: an ICMP error quotes the IP header and 8 bytes of its payload.
constexpr std::size_t kIcmpErrorQuotedPayload = 8;
constexpr std::size_t kIpv4TcpHeaders = kIpv4MinHeaderLength + kTcpMinHeaderLength;

std::size_t pool_size_for(const HostConfig& c) {
  // Every buffer is either in the output queue, waiting for ARP, or the one being written,
  // so the pool can never run dry before those bounds are hit.
  return c.output_queue_capacity + c.arp.max_resolutions * kArpMaxPendingPerHop + 1;
}

SecretKey fresh_ip_id_key() {
  auto key = random_secret_key();
  // Without a secret the identifications would be predictable (RFC 7739 section 5): a system
  // without entropy must pass HostConfig::ip_id_key (or StackConfig::secrets).
  SYNACK_CHECK(key.has_value(), "no entropy for the IP ID key; pass HostConfig::ip_id_key");
  return *key;
}

}  // namespace

Host::Host(const HostConfig& config)
    : config_(config),
      pool_(pool_size_for(config)),
      output_(std::max<std::size_t>(config.output_queue_capacity, 1)),
      arp_(config.arp),
      reassembler_(config.reassembly, counters_.reassembly),
      ip_ids_(config.ip_id_key ? *config.ip_id_key : fresh_ip_id_key()) {
  ping_replies_.reserve(std::min<std::size_t>(config.max_ping_replies, 64));
}

std::size_t Host::add_interface(const InterfaceConfig& config) {
  interfaces_.emplace_back(config);
  pool_.ensure_buffer_size(kEthernetHeaderLength + config.mtu);
  return interfaces_.size() - 1;
}

std::size_t Host::link_header_length(std::size_t iface) const {
  return interfaces_[iface].config().ethernet ? kEthernetHeaderLength : 0;
}

void Host::observe(Instant now) {
  last_now_ = std::max(last_now_, now);
}

// ---- NetworkNode ----

void Host::receive_frame(Instant now, std::size_t iface, Bytes frame, FrameOutput& out) {
  observe(now);
  const DriverCall call(*this, out);
  if (iface >= interfaces_.size()) {
    ++counters_.bad_interface;
  } else if (!interfaces_[iface].config().ethernet) {
    // A raw-IP link carries IPv4 or IPv6 with nothing in front; the version nibble tells.
    if (!frame.empty() && (frame[0] >> 4) != 4) {
      ++counters_.raw_ip_not_v4;
    } else {
      receive_ipv4(now, iface, frame, /*link_broadcast=*/false);
    }
  } else {
    ++counters_.eth_in_frames;
    auto eth = EthernetView::parse(frame);
    if (!eth) {
      counters_.ethernet_errors.add(eth.error());
    } else {
      EthernetRepr header = eth->repr();
      if (header.dst != interfaces_[iface].config().mac && !header.dst.is_broadcast()) {
        ++counters_.eth_not_for_us;
      } else if (header.ethertype == kEtherTypeArp) {
        receive_arp(now, iface, eth->payload());
      } else if (header.ethertype == kEtherTypeIpv4) {
        receive_ipv4(now, iface, eth->payload(), header.dst.is_broadcast());
      } else {
        ++counters_.eth_unknown_type;
      }
    }
  }
  flush(out);
}

void Host::poll(Instant now, FrameOutput& out) {
  observe(now);
  const DriverCall call(*this, out);
  arp_.purge_expired(now);
  counters_.arp_resolution_failures += arp_.poll(
      now,
      [this](std::size_t iface, Ipv4Address next_hop) {
        send_arp(iface, ArpOperation::kRequest, MacAddress{}, next_hop, MacAddress::broadcast());
      },
      [this, now](std::size_t iface, const PendingPacket& p) {
        ++counters_.arp_unresolved_drops;
        report_unreachable(now, iface, p);
        drop_buffer(p.buffer);
      });
  reassembler_.poll(now);
  if (tcp_handler_ != nullptr) tcp_handler_->poll(now);
  flush(out);
}

Instant Host::next_deadline() const {
  if (!output_.empty()) return last_now_;
  Instant next = earliest(arp_.next_deadline(), reassembler_.next_deadline());
  if (tcp_handler_ != nullptr) next = earliest(next, tcp_handler_->next_deadline());
  return next;
}

// ---- ARP input (RFC 826 "Packet Reception") ----

void Host::receive_arp(Instant now, std::size_t iface, Bytes packet) {
  auto parsed = parse_arp(packet);
  if (!parsed) {
    counters_.arp_errors.add(parsed.error());
    return;
  }
  const ArpRepr& arp = *parsed;
  const InterfaceConfig& ifc = interfaces_[iface].config();
  if (arp.operation == ArpOperation::kRequest) {
    ++counters_.arp_requests_received;
  } else {
    ++counters_.arp_replies_received;
  }
  // A broadcast sender or our own MAC is bogus (or our frame looped back): never learn it.
  if (arp.sender_mac.is_broadcast() || arp.sender_mac == ifc.mac) {
    counters_.arp_errors.add(WireError::kBadAddress);
    return;
  }
  const bool for_us = arp.target_ip == ifc.address;
  // Sender 0.0.0.0 is an address probe (RFC 5227 2.1.1): answer it but learn nothing.
  if (arp.sender_ip != kUnspecified) {
    // RFC 826 merge: refresh a known sender; add it only when the packet targets us. A next
    // hop being resolved counts as known (Linux holds an INCOMPLETE entry for it), so a
    // gratuitous ARP from it completes the resolution.
    const bool known = arp_.update(now, iface, arp.sender_ip, arp.sender_mac) ||
                       arp_.is_resolving(iface, arp.sender_ip);
    if (known || for_us) {
      arp_.insert(now, iface, arp.sender_ip, arp.sender_mac);
      arp_.complete(iface, arp.sender_ip, [&](const PendingPacket& p) {
        write_ethernet_header(iface, arp.sender_mac, kEtherTypeIpv4, pool_.buffer(p.buffer));
        enqueue(iface, p.buffer, p.length);
      });
    }
  }
  if (for_us && arp.operation == ArpOperation::kRequest) {
    send_arp(iface, ArpOperation::kReply, arp.sender_mac, arp.sender_ip, arp.sender_mac);
  }
}

// ---- IPv4 input (RFC 791, RFC 1122 3.2.1) ----

bool Host::accepts_destination(std::size_t iface, Ipv4Address dst, bool& is_broadcast) const {
  is_broadcast = interfaces_[iface].is_broadcast_for(dst);
  // Weak host model (RFC 1122 3.3.4.2): any of our addresses on any interface.
  return is_broadcast || is_local_address(IpAddress::v4(dst));
}

void Host::receive_ipv4(Instant now, std::size_t iface, Bytes packet, bool link_broadcast) {
  ++counters_.in_receives;
  auto view = Ipv4View::parse(packet, /*verify_checksum=*/true);
  if (!view) {
    WireError e = view.error();
    counters_.ipv4_errors.add(e);
    if (e == WireError::kTruncated) {
      ++counters_.in_truncated_pkts;
    } else {
      ++counters_.in_hdr_errors;
      if (e == WireError::kBadChecksum) ++counters_.in_csum_errors;
    }
    return;
  }
  const Ipv4Repr ip = view->repr();
  bool to_broadcast = false;
  if (!accepts_destination(iface, ip.dst, to_broadcast)) {
    ++counters_.in_addr_errors;
    return;
  }
  // RFC 1122 3.3.6: a host SHOULD discard a datagram received in a link-layer broadcast that
  // is not addressed to an IP broadcast (or multicast) address.
  if (link_broadcast && !to_broadcast) {
    ++counters_.eth_broadcast_unicast_ip;
    return;
  }
  if (!view->is_fragment()) {
    deliver_ipv4(now, iface, *view, to_broadcast);
    return;
  }
  // RFC 6864 section 4: only a fragment's identification matters; an atomic datagram's (DF set,
  // no MF, offset 0) is never looked at.
  const std::optional<Bytes> whole = reassembler_.add(now, *view);
  if (!whole) return;
  auto reassembled = Ipv4View::parse(*whole, /*verify_checksum=*/false);
  if (reassembled) deliver_ipv4(now, iface, *reassembled, to_broadcast);
}

void Host::deliver_ipv4(Instant now, std::size_t iface, const Ipv4View& view, bool to_broadcast) {
  const Ipv4Repr ip = view.repr();
  switch (ip.protocol) {
    case kIpProtocolIcmp:
      ++counters_.in_delivers;
      receive_icmp(now, ip, to_broadcast, view.payload());
      break;
    case kIpProtocolTcp:
      receive_tcp(now, iface, ip, to_broadcast, view.payload());
      break;
    default:
      ++counters_.in_unknown_protos;
      if (!to_broadcast) {
        send_protocol_unreachable(now, ip, view.packet(), view.header_length());
      }
      break;
  }
}

void Host::receive_icmp(Instant now, const Ipv4Repr& ip, bool to_broadcast, Bytes message) {
  ++counters_.icmp_in_msgs;
  auto view = Icmpv4View::parse(message);
  if (!view) {
    ++counters_.icmp_in_errors;
    counters_.icmp_errors.add(view.error());
    return;
  }
  const Icmpv4Repr icmp = view->repr();
  switch (icmp.kind) {
    case Icmpv4Kind::kEchoRequest: {
      ++counters_.icmp_in_echos;
      if (to_broadcast) {
        ++counters_.icmp_echo_broadcast_ignored;
        return;
      }
      // RFC 792: the reply carries the request's identifier, sequence and data.
      Bytes data = view->payload();
      const bool sent =
          send_ip(now, IpAddress::v4(ip.dst), IpAddress::v4(ip.src), kIpProtocolIcmp,
                  kIcmpv4HeaderLength + data.size(), [&](MutableBytes payload) {
                    emit_icmpv4_echo(/*reply=*/true, icmp.identifier, icmp.sequence, data, payload);
                  });
      if (sent) {
        ++counters_.icmp_out_msgs;
        ++counters_.icmp_out_echo_reps;
      }
      return;
    }
    case Icmpv4Kind::kEchoReply: {
      ++counters_.icmp_in_echo_reps;
      if (ping_replies_.size() >= config_.max_ping_replies) {
        ++counters_.ping_replies_dropped;
        return;
      }
      Bytes data = view->payload();
      bool intact = true;
      for (std::size_t i = 0; i < data.size(); ++i) intact &= data[i] == ping_pattern_byte(i);
      ping_replies_.push_back(
          PingReply{ip.src, icmp.identifier, icmp.sequence, data.size(), intact, now});
      return;
    }
    case Icmpv4Kind::kDestinationUnreachable:
      ++counters_.icmp_in_dest_unreachs;
      return;
    case Icmpv4Kind::kOther:
      ++counters_.icmp_in_other;
      return;
  }
}

void Host::receive_tcp(Instant now, std::size_t iface, const Ipv4Repr& ip, bool to_broadcast,
                       Bytes segment) {
  if (to_broadcast) {
    ++counters_.tcp_to_broadcast;
    return;
  }
  if (tcp_handler_ == nullptr) {
    ++counters_.tcp_no_handler;
    return;
  }
  ++counters_.in_delivers;
  const IpAddress src = IpAddress::v4(ip.src);
  const IpAddress dst = IpAddress::v4(ip.dst);
  bool verified = interfaces_[iface].config().checksum_offload;
  if (!verified && config_.verify_tcp_checksum) {
    // RFC 9293 3.1: the checksum covers a pseudo-header, the TCP header and the data; summing
    // a correct segment including its checksum field gives 0xffff.
    const std::uint32_t sum =
        pseudo_header_sum(src, dst, kIpProtocolTcp, static_cast<std::uint32_t>(segment.size()));
    if (checksum_fold(checksum_add(sum, segment)) != 0xffff) {
      ++counters_.tcp_in_csum_errors;
      return;
    }
    verified = true;
  }
  tcp_handler_->on_tcp(now, src, dst, segment, verified);
}

void Host::send_protocol_unreachable(Instant now, const Ipv4Repr& ip, Bytes packet,
                                     std::size_t header_length) {
  // RFC 1122 3.2.2: never answer a packet whose source is not a unicast host.
  if (ip.src == kUnspecified || ip.src == kLimitedBroadcast) return;
  const std::size_t payload = std::min(kIcmpErrorQuotedPayload, packet.size() - header_length);
  Bytes quoted = packet.first(header_length + payload);
  const bool sent = send_ip(now, IpAddress::v4(ip.dst), IpAddress::v4(ip.src), kIpProtocolIcmp,
                            kIcmpv4HeaderLength + quoted.size(), [&](MutableBytes out) {
                              emit_icmpv4_unreachable(kIcmpCodeProtocolUnreachable, quoted, out);
                            });
  if (sent) {
    ++counters_.icmp_out_msgs;
    ++counters_.icmp_out_dest_unreachs;
  }
}

// ---- Routing and IpServices ----

bool Host::is_local_address(const IpAddress& a) const {
  if (!a.is_v4()) return false;
  const Ipv4Address v4 = a.as_v4();
  return std::any_of(interfaces_.begin(), interfaces_.end(),
                     [&](const Interface& i) { return i.address() == v4; });
}

std::optional<Host::Route> Host::find_route(Ipv4Address src, Ipv4Address dst) const {
  if (dst == kUnspecified || is_local_address(IpAddress::v4(dst))) return std::nullopt;
  std::optional<std::size_t> src_iface;
  if (src != kUnspecified) {
    for (std::size_t i = 0; i < interfaces_.size(); ++i) {
      if (interfaces_[i].address() == src) src_iface = i;
    }
  }
  // On-link first (the interface owning `src` preferred), then the default gateway.
  if (src_iface && (interfaces_[*src_iface].is_on_link(dst) || dst == kLimitedBroadcast)) {
    return Route{*src_iface, dst};
  }
  for (std::size_t i = 0; i < interfaces_.size(); ++i) {
    if (interfaces_[i].is_on_link(dst) || (dst == kLimitedBroadcast && !src_iface)) {
      return Route{i, dst};
    }
  }
  if (src_iface && interfaces_[*src_iface].config().gateway) {
    return Route{*src_iface, *interfaces_[*src_iface].config().gateway};
  }
  for (std::size_t i = 0; i < interfaces_.size(); ++i) {
    if (interfaces_[i].config().gateway) return Route{i, *interfaces_[i].config().gateway};
  }
  return std::nullopt;
}

std::optional<RouteInfo> Host::route_to(const IpAddress& dst) const {
  if (!dst.is_v4()) return std::nullopt;
  auto route = find_route(kUnspecified, dst.as_v4());
  if (!route) return std::nullopt;
  const InterfaceConfig& ifc = interfaces_[route->iface].config();
  RouteInfo info;
  info.iface = route->iface;
  info.source = IpAddress::v4(ifc.address);
  info.next_hop = IpAddress::v4(route->next_hop);
  info.mtu = ifc.mtu;
  info.mss = ifc.mtu > kIpv4TcpHeaders ? ifc.mtu - kIpv4TcpHeaders : 0;
  info.checksum_offload = ifc.checksum_offload;
  return info;
}

std::optional<IpAddress> Host::source_address_for(const IpAddress& dst) const {
  auto r = route_to(dst);
  if (!r) return std::nullopt;
  return r->source;
}

std::size_t Host::path_mtu(const IpAddress& dst) const {
  auto r = route_to(dst);
  return r ? r->mtu : 0;
}

std::size_t Host::mss_for(const IpAddress& dst) const {
  auto r = route_to(dst);
  return r ? r->mss : 0;
}

// ---- Output ----

bool Host::send_ip(Instant now, const IpAddress& src, const IpAddress& dst, std::uint8_t protocol,
                   std::size_t payload_length, FunctionRef<void(MutableBytes payload)> write) {
  observe(now);
  if (!dst.is_v4() || !src.is_v4()) {
    ++counters_.out_no_routes;
    return false;
  }
  const Ipv4Address src4 = src.as_v4();
  const Ipv4Address dst4 = dst.as_v4();
  auto route = find_route(src4, dst4);
  if (!route) {
    ++counters_.out_no_routes;
    return false;
  }
  ++counters_.out_requests;
  const Interface& ifc = interfaces_[route->iface];
  const std::size_t ip_length = kIpv4MinHeaderLength + payload_length;
  Ipv4Repr header;
  header.src = src4 == kUnspecified ? ifc.address() : src4;
  header.dst = dst4;
  header.protocol = protocol;
  header.ttl = config_.ttl;
  // TCP segments carry DF (RFC 1191 path MTU discovery; TCP sizes them by the MSS); the rest,
  // like Linux's ICMP replies, may be fragmented.
  header.dont_fragment = protocol == kIpProtocolTcp;
  if (ip_length > kIpv4MaxTotalLength || (ip_length > ifc.config().mtu && header.dont_fragment)) {
    ++counters_.out_too_big;
    ++counters_.out_discards;
    if (ip_length <= kIpv4MaxTotalLength) ++counters_.frag_fails;
    return false;
  }
  // RFC 6864: per-destination counters under a secret key (see IpIdGenerator).
  header.identification = ip_ids_.next(header.src, dst4, protocol);
  header.payload_length = static_cast<std::uint16_t>(payload_length);
  if (ip_length > ifc.config().mtu) return send_fragments(now, *route, header, write);
  return transmit(now, *route, header, write);
}

bool Host::send_fragments(Instant now, const Route& route, const Ipv4Repr& header,
                          FunctionRef<void(MutableBytes payload)> write) {
  // The payload is written once into a side buffer and cut from there; it only ever grows, so
  // steady fragmenting traffic does not allocate.
  if (oversized_payload_.size() < header.payload_length) {
    oversized_payload_.resize(header.payload_length);
  }
  const MutableBytes whole{oversized_payload_.data(), header.payload_length};
  write(whole);
  // RFC 791 section 3.2: every fragment but the last carries a multiple of 8 bytes.
  const std::size_t mtu = interfaces_[route.iface].config().mtu;
  const std::size_t per_fragment = (mtu - kIpv4MinHeaderLength) / 8 * 8;
  if (per_fragment == 0) {
    ++counters_.frag_fails;
    ++counters_.out_discards;
    return false;
  }
  for (std::size_t offset = 0; offset < whole.size(); offset += per_fragment) {
    const std::size_t length = std::min(per_fragment, whole.size() - offset);
    Ipv4Repr piece = header;
    piece.fragment_offset = static_cast<std::uint16_t>(offset);
    piece.more_fragments = offset + length < whole.size();
    piece.payload_length = static_cast<std::uint16_t>(length);
    const bool sent = transmit(now, route, piece, [&](MutableBytes out) {
      std::copy_n(whole.begin() + static_cast<std::ptrdiff_t>(offset), length, out.begin());
    });
    if (!sent) {
      ++counters_.frag_fails;
      return false;
    }
    ++counters_.frag_creates;
  }
  ++counters_.frag_oks;
  return true;
}

bool Host::transmit(Instant now, const Route& route, const Ipv4Repr& header,
                    FunctionRef<void(MutableBytes payload)> write) {
  const std::size_t iface = route.iface;
  const Interface& ifc = interfaces_[iface];
  // Decide where the frame goes before writing it, so a refusal never calls `write`.
  const bool ethernet = ifc.config().ethernet;
  std::optional<MacAddress> dst_mac;
  if (ethernet) {
    dst_mac = ifc.is_broadcast_for(header.dst) ? MacAddress::broadcast()
                                               : arp_.lookup(now, iface, route.next_hop);
  }
  const bool needs_resolution = ethernet && !dst_mac;
  if (needs_resolution && !arp_.can_queue(iface, route.next_hop)) {
    ++counters_.arp_no_resolution_slot;
    ++counters_.out_discards;
    return false;
  }
  if (!needs_resolution && output_.full() && driver_output_ == nullptr) {
    ++counters_.out_queue_full;
    ++counters_.out_discards;
    return false;
  }
  auto buffer = pool_.acquire();
  if (!buffer) {
    ++counters_.out_no_buffer;
    ++counters_.out_discards;
    return false;
  }

  MutableBytes frame = pool_.buffer(*buffer);
  const std::size_t link_length = link_header_length(iface);
  write(frame.subspan(link_length + kIpv4MinHeaderLength, header.payload_length));
  emit_ipv4(header, frame.subspan(link_length));
  const std::size_t length = link_length + kIpv4MinHeaderLength + header.payload_length;

  if (!needs_resolution) {
    if (ethernet) write_ethernet_header(iface, *dst_mac, kEtherTypeIpv4, frame);
    enqueue(iface, *buffer, length);  // cannot fail: checked above
    return true;
  }
  PendingPacket dropped;
  switch (arp_.queue(now, iface, route.next_hop, PendingPacket{*buffer, length}, dropped)) {
    case ArpCache::QueueResult::kStartedResolution:
      send_arp(iface, ArpOperation::kRequest, MacAddress{}, route.next_hop,
               MacAddress::broadcast());
      break;
    case ArpCache::QueueResult::kQueued:
      break;
    case ArpCache::QueueResult::kQueuedDroppedOldest:
      ++counters_.arp_pending_drops;
      drop_buffer(dropped.buffer);
      break;
    case ArpCache::QueueResult::kNoResolutionSlot:  // excluded by can_queue() above
      drop_buffer(*buffer);
      return false;
  }
  return true;
}

void Host::report_unreachable(Instant now, std::size_t iface, const PendingPacket& packet) {
  // Like Linux's arp_error_report (an ICMP host unreachable for each queued packet, which
  // tcp_v4_err turns into EHOSTUNREACH): the transport learns which of its flows had no path.
  if (tcp_handler_ == nullptr) return;
  const Bytes frame{pool_.buffer(packet.buffer).data(), packet.length};
  auto view = Ipv4View::parse(frame.subspan(link_header_length(iface)), false);
  if (!view || view->is_fragment()) return;
  const Ipv4Repr ip = view->repr();
  if (ip.protocol != kIpProtocolTcp) return;
  ++counters_.arp_unreachable_reports;
  tcp_handler_->on_unreachable(now, IpAddress::v4(ip.src), IpAddress::v4(ip.dst), view->payload());
}

bool Host::ping(Instant now, Ipv4Address dst, std::uint16_t identifier, std::uint16_t sequence,
                std::size_t data_length) {
  const bool sent = send_ip(now, IpAddress::v4(kUnspecified), IpAddress::v4(dst), kIpProtocolIcmp,
                            kIcmpv4HeaderLength + data_length, [&](MutableBytes message) {
                              // RFC 792 echo: type 8, code 0, checksum, identifier, sequence, data.
                              // Written in place (the data is generated, not copied from anywhere).
                              message[0] = kIcmpTypeEchoRequest;
                              message[1] = 0;
                              store_be16(&message[2], 0);
                              store_be16(&message[4], identifier);
                              store_be16(&message[6], sequence);
                              for (std::size_t i = 0; i < data_length; ++i) {
                                message[kIcmpv4HeaderLength + i] = ping_pattern_byte(i);
                              }
                              store_be16(&message[2], internet_checksum(message));
                            });
  if (sent) {
    ++counters_.icmp_out_msgs;
    ++counters_.icmp_out_echos;
  }
  return sent;
}

std::vector<PingReply> Host::take_ping_replies() {
  return std::exchange(ping_replies_, {});
}

void Host::send_arp(std::size_t iface, ArpOperation op, MacAddress target_mac,
                    Ipv4Address target_ip, MacAddress eth_dst) {
  if (output_.full()) {
    ++counters_.out_queue_full;
    ++counters_.out_discards;
    return;
  }
  auto buffer = pool_.acquire();
  if (!buffer) {
    ++counters_.out_no_buffer;
    ++counters_.out_discards;
    return;
  }
  const InterfaceConfig& ifc = interfaces_[iface].config();
  MutableBytes frame = pool_.buffer(*buffer);
  write_ethernet_header(iface, eth_dst, kEtherTypeArp, frame);
  ArpRepr arp{op, ifc.mac, ifc.address, target_mac, target_ip};
  emit_arp(arp, frame.subspan(kEthernetHeaderLength));
  enqueue(iface, *buffer, kEthernetHeaderLength + kArpPacketLength);
  if (op == ArpOperation::kRequest) {
    ++counters_.arp_requests_sent;
  } else {
    ++counters_.arp_replies_sent;
  }
}

void Host::write_ethernet_header(std::size_t iface, MacAddress dst, std::uint16_t ethertype,
                                 MutableBytes buffer) const {
  emit_ethernet(EthernetRepr{dst, interfaces_[iface].config().mac, ethertype}, buffer);
}

bool Host::enqueue(std::size_t iface, PacketPool::Index buffer, std::size_t length) {
  if (driver_output_ != nullptr) {
    // Inside a driver call the frame leaves at once (after anything queued before, to keep
    // order): a burst a single ACK releases is bounded by the send window, not by the queue.
    flush(*driver_output_);
    driver_output_->send_frame(iface, Bytes{pool_.buffer(buffer).data(), length});
    pool_.release(buffer);
    return true;
  }
  if (output_.push(QueuedFrame{iface, buffer, length})) return true;
  ++counters_.out_queue_full;
  ++counters_.out_discards;
  drop_buffer(buffer);
  return false;
}

void Host::flush(FrameOutput& out) {
  while (!output_.empty()) {
    QueuedFrame f = output_.pop();
    out.send_frame(f.iface, Bytes{pool_.buffer(f.buffer).data(), f.length});
    pool_.release(f.buffer);
  }
}

}  // namespace synack
