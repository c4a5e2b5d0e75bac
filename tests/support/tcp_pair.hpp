#pragma once
// Two synack stacks joined by a simulated raw-IP link (no ARP, so TCP timings are exact): a
// client at 198.18.0.1 and a server at 198.18.0.2, fixed secrets so ISNs are reproducible, and
// every TCP event of each side recorded for assertions.
#include <memory>
#include <vector>

#include "synack/sim/simulator.hpp"
#include "synack/stack/stack.hpp"

namespace synack::testing {

inline const Ipv4Address kClientIp{{198, 18, 0, 1}};
inline const Ipv4Address kServerIp{{198, 18, 0, 2}};
inline constexpr std::uint16_t kServerPort = 80;

struct TcpPairOptions {
  std::uint64_t seed = 1;
  Duration one_way_delay = milliseconds(10);
  TcpConfig client_tcp;
  TcpConfig server_tcp;
  sim::SimulatorOptions sim;
};

// Fixed, distinct secrets per side.
TcpSecrets test_secrets(std::uint8_t fill);

class TcpPair {
 public:
  explicit TcpPair(const TcpPairOptions& options = {});

  sim::Simulator sim;
  Stack client;
  Stack server;
  sim::Link* link = nullptr;  // a = client, b = server
  std::vector<TcpEvent> client_events;
  std::vector<TcpEvent> server_events;

  Endpoint server_endpoint(std::uint16_t port = kServerPort) const {
    return Endpoint{IpAddress::v4(kServerIp), port};
  }
  Endpoint client_endpoint(std::uint16_t port) const {
    return Endpoint{IpAddress::v4(kClientIp), port};
  }

  SocketId listen(std::uint16_t port = kServerPort, int backlog = 16);
  SocketId connect(std::uint16_t port = kServerPort);
  // Listen, connect, run until both ends are ESTABLISHED and accept; returns {client, server}.
  std::pair<SocketId, SocketId> open();

  void run_for(Duration d) { sim.run_for(d); }
  bool run_until(const std::function<bool()>& done, Duration limit) {
    return sim.run_until(done, sim.now() + limit);
  }

  // Segment events (kSegmentSent) of one side, in order.
  static std::vector<TcpEvent> sent(const std::vector<TcpEvent>& events);
  // State changes (to-states) of one side for `tuple`, in order, starting with the first.
  static std::vector<TcpState> states(const std::vector<TcpEvent>& events);
  // The time of the first state change into `state`.
  static std::optional<Instant> when_entered(const std::vector<TcpEvent>& events, TcpState state);
};

// Frame predicates for the simulator's fault rules on raw-IP links.
bool is_tcp_with_flags(Bytes frame, std::uint8_t flags);
std::function<bool(Bytes)> tcp_flags_equal(std::uint8_t flags);

}  // namespace synack::testing

namespace synack::testing {
// Prints events as JSON lines (for debugging a failing test).
void dump_events(const char* who, const std::vector<TcpEvent>& events);
}  // namespace synack::testing

#include "support/raw_peer.hpp"

namespace synack::testing {
// A server stack and a RawPeer ("the client", 198.18.0.1) on a raw-IP link, 10 ms each way.
class RawPair {
 public:
  explicit RawPair(const TcpConfig& server_tcp = {}, std::uint64_t seed = 1);
  sim::Simulator sim;
  RawPeer peer;
  Stack server;
  sim::Link* link = nullptr;
  std::vector<TcpEvent> server_events;

  void send(const TcpRepr& h, Bytes payload = {}) { peer.send(kClientIp, kServerIp, h, payload); }
  // Runs until the peer has received `count` segments in all (or `limit` passes).
  bool run_until_received(std::size_t count, Duration limit = seconds(5));
};
}  // namespace synack::testing
