#pragma once
// The boundary between the IP host and a transport (TCP). Both interfaces use only core and
// wire types, so this header can move below the stack layer unchanged if the transport wants
// to implement or hold them directly.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "synack/core/bytes.hpp"
#include "synack/core/function_ref.hpp"
#include "synack/core/time.hpp"
#include "synack/wire/address.hpp"

namespace synack {

// What the host knows about the path toward a destination.
struct RouteInfo {
  std::size_t iface = 0;
  IpAddress source;               // the address to send from (source address selection)
  IpAddress next_hop;             // the destination itself when on-link, else the gateway
  std::size_t mtu = 0;            // interface MTU: the largest IP packet
  std::size_t mss = 0;            // mtu - 40 (IPv4 and TCP headers without options)
  bool checksum_offload = false;  // the link needs no transport checksum
};

// Services the host offers a transport.
class IpServices {
 public:
  virtual ~IpServices() = default;

  // Sends one IP datagram of `payload_length` payload bytes. `write` is called once, before
  // send_ip returns, with exactly `payload_length` bytes of the host's frame buffer to fill
  // (no extra copy). An unspecified `src` (all zero) means "choose one". Returns false, without
  // calling `write`, when the packet cannot be sent (no route, too big, buffers exhausted);
  // true means it was handed to the link or queued for ARP resolution. Safe to call from
  // TransportHandler callbacks and from application code between driver calls.
  virtual bool send_ip(Instant now, const IpAddress& src, const IpAddress& dst,
                       std::uint8_t protocol, std::size_t payload_length,
                       FunctionRef<void(MutableBytes payload)> write) = 0;

  // True when `a` is one of this host's interface addresses.
  virtual bool is_local_address(const IpAddress& a) const = 0;
  // The route toward `dst`, or nullopt when there is none.
  virtual std::optional<RouteInfo> route_to(const IpAddress& dst) const = 0;
};

// A transport the host delivers to. The host calls poll() from its own poll() and includes
// next_deadline() in its own.
class TransportHandler {
 public:
  virtual ~TransportHandler() = default;

  // One TCP segment addressed to this host (unicast only). `segment` is valid during the call.
  // `checksum_verified_or_offloaded` is true when the host verified the checksum or the
  // interface offloads it; false when HostConfig::verify_tcp_checksum is off and the transport
  // must verify. Segments whose checksum the host found bad are counted and never delivered.
  virtual void on_tcp(Instant now, const IpAddress& src, const IpAddress& dst, Bytes segment,
                      bool checksum_verified_or_offloaded) = 0;
  virtual Instant next_deadline() const = 0;
  virtual void poll(Instant now) = 0;
  // A packet this transport sent from `src` to `dst` could not be delivered because the next
  // hop never answered address resolution (RFC 1122 3.3.1.4; Linux reports it as an ICMP host
  // unreachable). `transport_header` is the start of that packet's transport header.
  virtual void on_unreachable(Instant /*now*/, const IpAddress& /*src*/, const IpAddress& /*dst*/,
                              Bytes /*transport_header*/) {}
};

}  // namespace synack
