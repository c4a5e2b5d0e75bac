#pragma once
// Where every testbed host lives: the client at 198.18.0.1, the server at 198.18.0.2 (RFC 2544's
// benchmarking range, never routed), the server listening on port 80 and the client's fixed
// port, when it uses one, 40000.
#include <cstdint>

#include "synack/wire/address.hpp"

namespace synack::testbed {

inline const Ipv4Address kClientIp{{198, 18, 0, 1}};
inline const Ipv4Address kServerIp{{198, 18, 0, 2}};
inline constexpr std::uint16_t kServerPort = 80;
inline constexpr std::uint16_t kClientPort = 40000;

inline Endpoint client_endpoint(std::uint16_t port) {
  return Endpoint{IpAddress::v4(kClientIp), port};
}
inline Endpoint server_endpoint(std::uint16_t port = kServerPort) {
  return Endpoint{IpAddress::v4(kServerIp), port};
}

}  // namespace synack::testbed
