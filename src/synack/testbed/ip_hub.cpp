#include "synack/testbed/ip_hub.hpp"

#include "synack/wire/ipv4.hpp"

namespace synack::testbed {

void IpHub::receive_frame(Instant, std::size_t, Bytes frame, FrameOutput& out) {
  const auto ip = Ipv4View::parse(frame, false);
  if (!ip) return;
  std::size_t iface = default_iface_;
  for (const Route& r : routes_) {
    if (r.host == ip->repr().dst) iface = r.iface;
  }
  out.send_frame(iface, frame);
}

}  // namespace synack::testbed
