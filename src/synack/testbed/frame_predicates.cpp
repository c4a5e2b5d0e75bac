#include "synack/testbed/frame_predicates.hpp"

#include "synack/wire/ipv4.hpp"
#include "synack/wire/tcp.hpp"

namespace synack::testbed {

bool is_tcp_with_flags(Bytes frame, std::uint8_t flags) {
  const auto ip = Ipv4View::parse(frame, false);
  if (!ip || ip->is_fragment() || ip->repr().protocol != kIpProtocolTcp) return false;
  const auto tcp = TcpView::parse(ip->payload());
  return tcp && tcp->flags() == flags;
}

std::function<bool(Bytes)> tcp_flags_equal(std::uint8_t flags) {
  return [flags](Bytes frame) { return is_tcp_with_flags(frame, flags); };
}

}  // namespace synack::testbed
