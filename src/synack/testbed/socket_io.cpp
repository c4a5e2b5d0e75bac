#include "synack/testbed/socket_io.hpp"

#include <cstdint>

namespace synack::testbed {

Bytes text(std::string_view s) {
  return Bytes{reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

bool drain(TcpLayer& tcp, SocketId s, std::string& into) {
  std::uint8_t buf[2048];
  while (true) {
    auto n = tcp.recv(s, buf);
    if (!n) return true;
    if (*n == 0) return false;
    into.append(reinterpret_cast<const char*>(buf), *n);
  }
}

}  // namespace synack::testbed
