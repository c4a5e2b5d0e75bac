#pragma once
// A sans-IO IPv4 host: interfaces, ARP, IPv4 input/output, ICMP echo, and the hook for a
// transport (TCP). It never does I/O or reads a clock: drivers call receive_frame() and
// poll() with the time and collect frames through FrameOutput.
//
// Frames produced outside a driver call (send_ip() from application code, ping()) wait in a
// bounded output queue of preallocated buffers and leave on the next receive_frame()/poll();
// next_deadline() then returns the last time seen, so the driver calls poll() at once.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "synack/stack/arp_cache.hpp"
#include "synack/stack/host_counters.hpp"
#include "synack/stack/interface.hpp"
#include "synack/stack/ip_id.hpp"
#include "synack/stack/ipv4_reassembler.hpp"
#include "synack/stack/node.hpp"
#include "synack/stack/output_queue.hpp"
#include "synack/stack/packet_pool.hpp"
#include "synack/stack/ping.hpp"
#include "synack/stack/transport.hpp"
#include "synack/wire/arp.hpp"
#include "synack/wire/ipv4.hpp"

namespace synack {

struct HostConfig {
  std::size_t output_queue_capacity = 64;  // frames waiting for the driver
  ArpConfig arp;
  // false: the host passes TCP segments unverified (flag false) and the transport verifies.
  bool verify_tcp_checksum = true;
  std::uint8_t ttl = 64;  // RFC 1700 / Linux default
  std::size_t max_ping_replies = 1024;
  ReassemblyConfig reassembly;
  // Key of the IP identification hash (RFC 7739); random when unset. Simulations fix it so
  // that captures repeat.
  std::optional<SecretKey> ip_id_key;
};

class Host : public NetworkNode, public IpServices {
 public:
  explicit Host(const HostConfig& config = {});
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  // Returns the new interface's index (0, 1, ...), the `iface` of frames in and out.
  std::size_t add_interface(const InterfaceConfig& config);
  std::size_t interface_count() const { return interfaces_.size(); }
  const Interface& interface(std::size_t iface) const { return interfaces_[iface]; }

  // NetworkNode.
  void receive_frame(Instant now, std::size_t iface, Bytes frame, FrameOutput& out) override;
  void poll(Instant now, FrameOutput& out) override;
  Instant next_deadline() const override;

  // IpServices.
  bool send_ip(Instant now, const IpAddress& src, const IpAddress& dst, std::uint8_t protocol,
               std::size_t payload_length, FunctionRef<void(MutableBytes payload)> write) override;
  bool is_local_address(const IpAddress& a) const override;
  std::optional<RouteInfo> route_to(const IpAddress& dst) const override;

  // Shorthands over route_to(): nullopt / 0 when there is no route.
  std::optional<IpAddress> source_address_for(const IpAddress& dst) const;
  std::size_t path_mtu(const IpAddress& dst) const;
  std::size_t mss_for(const IpAddress& dst) const;

  // Not owned; nullptr detaches. TCP segments arriving without a handler are counted.
  void set_tcp_handler(TransportHandler* handler) { tcp_handler_ = handler; }

  // Sends an ICMP echo request with `data_length` bytes of ping_pattern_byte() data.
  bool ping(Instant now, Ipv4Address dst, std::uint16_t identifier, std::uint16_t sequence,
            std::size_t data_length);
  // Echo replies received since the last call, oldest first.
  std::vector<PingReply> take_ping_replies();
  const std::vector<PingReply>& ping_replies() const { return ping_replies_; }

  const HostCounters& counters() const { return counters_; }
  const ArpCache& arp_cache() const { return arp_; }
  const Ipv4Reassembler& reassembler() const { return reassembler_; }
  std::size_t queued_frames() const { return output_.size(); }

 private:
  struct Route {
    std::size_t iface;
    Ipv4Address next_hop;
  };
  std::optional<Route> find_route(Ipv4Address src, Ipv4Address dst) const;
  std::size_t link_header_length(std::size_t iface) const;

  // Input, one function per protocol.
  void receive_arp(Instant now, std::size_t iface, Bytes packet);
  void receive_ipv4(Instant now, std::size_t iface, Bytes packet, bool link_broadcast);
  void deliver_ipv4(Instant now, std::size_t iface, const Ipv4View& view, bool to_broadcast);
  bool accepts_destination(std::size_t iface, Ipv4Address dst, bool& is_broadcast) const;
  void receive_icmp(Instant now, const Ipv4Repr& ip, bool to_broadcast, Bytes message);
  void receive_tcp(Instant now, std::size_t iface, const Ipv4Repr& ip, bool to_broadcast,
                   Bytes segment);
  void send_protocol_unreachable(Instant now, const Ipv4Repr& ip, Bytes packet,
                                 std::size_t header_length);

  // Output.
  // Puts one datagram (payload written by `write`) on the link toward route.next_hop:
  // at once, or queued for ARP resolution.
  bool transmit(Instant now, const Route& route, const Ipv4Repr& header,
                FunctionRef<void(MutableBytes payload)> write);
  // RFC 791 section 3.2 fragmentation of a datagram larger than the MTU that may be fragmented.
  bool send_fragments(Instant now, const Route& route, const Ipv4Repr& header,
                      FunctionRef<void(MutableBytes payload)> write);
  // A resolution failed: tell the transport about the packet it had sent (RFC 1122 3.3.1.4
  // / 4.2.3.9).
  void report_unreachable(Instant now, std::size_t iface, const PendingPacket& packet);
  void send_arp(std::size_t iface, ArpOperation op, MacAddress target_mac, Ipv4Address target_ip,
                MacAddress eth_dst);
  void write_ethernet_header(std::size_t iface, MacAddress dst, std::uint16_t ethertype,
                             MutableBytes buffer) const;
  bool enqueue(std::size_t iface, PacketPool::Index buffer, std::size_t length);
  void drop_buffer(PacketPool::Index buffer) { pool_.release(buffer); }
  void flush(FrameOutput& out);
  void observe(Instant now);

  // While the driver is inside receive_frame() or poll(), frames go straight to its output;
  // the queue only holds frames made between driver calls.
  class DriverCall {
   public:
    DriverCall(Host& host, FrameOutput& out) : host_(host) { host_.driver_output_ = &out; }
    ~DriverCall() { host_.driver_output_ = nullptr; }
    DriverCall(const DriverCall&) = delete;
    DriverCall& operator=(const DriverCall&) = delete;

   private:
    Host& host_;
  };

  HostConfig config_;
  std::vector<Interface> interfaces_;
  PacketPool pool_;
  OutputQueue output_;
  ArpCache arp_;
  HostCounters counters_;
  TransportHandler* tcp_handler_ = nullptr;
  std::vector<PingReply> ping_replies_;
  Ipv4Reassembler reassembler_;
  IpIdGenerator ip_ids_;
  ByteVector oversized_payload_;  // grows once to the largest datagram ever fragmented
  Instant last_now_ = kEpoch;
  FrameOutput* driver_output_ = nullptr;
};

}  // namespace synack
