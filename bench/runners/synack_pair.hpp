#pragma once
// Two synack stacks wired by bench::DirectPair, driven by the caller's thread with the wall
// clock as their time: raw-IP interfaces with checksum offload, as Linux loopback skips
// checksums.
#include <chrono>
#include <utility>

#include "bench/runners/direct_pair.hpp"
#include "synack/stack/stack.hpp"

namespace synack::bench {

using WallClock = std::chrono::steady_clock;

inline const Ipv4Address kClientIp{{198, 18, 0, 1}};
inline const Ipv4Address kServerIp{{198, 18, 0, 2}};
inline constexpr std::uint16_t kServerPort = 5001;

// The wall clock as the stacks' Instant (microseconds since the pair was made).
class Clock {
 public:
  Instant now() const {
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(WallClock::now() - start_).count();
    return from_micros(us + 1);
  }
  double elapsed_seconds() const {
    return std::chrono::duration<double>(WallClock::now() - start_).count();
  }

 private:
  WallClock::time_point start_ = WallClock::now();
};

struct Pair {
  Stack client;
  Stack server;
  synack::bench::DirectPair link{client, server};
  Clock clock;
  SocketId listener = 0;
  Endpoint server_ep{IpAddress::v4(kServerIp), kServerPort};

  Pair(std::size_t mtu, const TcpConfig& tcp) : client(config(tcp, mtu)), server(config(tcp, mtu)) {
    client.add_interface(interface(kClientIp, mtu));
    server.add_interface(interface(kServerIp, mtu));
    listener = *server.tcp().listen(server_ep, 1024);
  }
  void pump() { link.run(clock.now()); }

  // connect + accept, pumped to ESTABLISHED on both sides.
  std::pair<SocketId, SocketId> open() {
    const SocketId c = *client.tcp().connect(clock.now(), server_ep);
    pump();
    auto s = server.tcp().accept(listener);
    return {c, s ? *s : 0};
  }

  static StackConfig config(const TcpConfig& tcp, std::size_t mtu) {
    StackConfig c;
    c.tcp = tcp;
    // One arriving ACK may release a whole send buffer of segments within a single driver call,
    // and the host queues them until the call returns: the queue must hold that many or the
    // overflow is lost and the transfer stalls in retransmission timeouts.
    c.host.output_queue_capacity = 2 * tcp.send_buffer / (mtu - 40) + 64;
    c.host.verify_tcp_checksum = false;
    return c;
  }
  static InterfaceConfig interface(Ipv4Address ip, std::size_t mtu) {
    InterfaceConfig i;
    i.address = ip;
    i.ethernet = false;
    i.mtu = mtu;
    i.checksum_offload = true;
    return i;
  }
};

}  // namespace synack::bench
