#pragma once
// A server stack and, in the client's place (198.18.0.1), a ScriptedPeer on one raw-IP link
// (10 ms one way): for handshakes and attacks real TCP would never make, segment by segment.
// The server's TCP events are recorded.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "synack/sim/simulator.hpp"
#include "synack/stack/stack.hpp"
#include "synack/testbed/addresses.hpp"
#include "synack/testbed/direct_link.hpp"
#include "synack/testbed/host_config.hpp"
#include "synack/testbed/scripted_peer.hpp"

namespace synack::testbed {

struct ScriptedClientOptions : DirectLinkOptions {
  TcpConfig server_tcp;
  std::optional<TcpSecrets> server_secrets;  // by default derived from the seed
};

class ScriptedClientWorld {
 public:
  explicit ScriptedClientWorld(const ScriptedClientOptions& options = {});
  ScriptedClientWorld(const ScriptedClientWorld&) = delete;
  ScriptedClientWorld& operator=(const ScriptedClientWorld&) = delete;

  sim::Simulator sim;
  ScriptedPeer peer;
  Stack server;
  sim::Link* link = nullptr;  // a = peer, b = server
  std::vector<TcpEvent> server_events;
  std::optional<std::string> pcap;  // Set when the capture was opened.

  std::optional<SocketId> listen(std::uint16_t port = kServerPort, int backlog = 16);
  // The peer sends `header` from the client's address to the server's.
  void send(const TcpRepr& header, Bytes payload = {}) {
    peer.send(kClientIp, kServerIp, header, payload);
  }
  // Runs until the peer has received `count` segments in all, or `limit` passes.
  bool run_until_received(std::size_t count, Duration limit = seconds(5));
  void run_for(Duration d) { sim.run_for(d); }
};

}  // namespace synack::testbed
