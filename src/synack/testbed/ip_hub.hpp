#pragma once
// A router for raw-IP links: a frame arriving on any interface leaves on the interface whose
// route matches its destination (exact addresses first, then the default interface). The
// attacker topology uses it to put a client and an attacker on the same server link.
#include <cstddef>
#include <vector>

#include "synack/stack/node.hpp"
#include "synack/wire/address.hpp"

namespace synack::testbed {

class IpHub : public NetworkNode {
 public:
  explicit IpHub(std::size_t default_iface) : default_iface_(default_iface) {}
  void add_route(Ipv4Address host, std::size_t iface) { routes_.push_back({host, iface}); }

  void receive_frame(Instant now, std::size_t iface, Bytes frame, FrameOutput& out) override;
  void poll(Instant, FrameOutput&) override {}
  Instant next_deadline() const override { return kNever; }

 private:
  struct Route {
    Ipv4Address host;
    std::size_t iface = 0;
  };
  std::vector<Route> routes_;
  std::size_t default_iface_;
};

}  // namespace synack::testbed
