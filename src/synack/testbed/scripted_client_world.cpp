#include "synack/testbed/scripted_client_world.hpp"

#include <utility>

namespace synack::testbed {

ScriptedClientWorld::ScriptedClientWorld(const ScriptedClientOptions& o)
    : sim(o.seed),
      server(stack_config(o.server_tcp, o.seed, HostRole::server, o.server_secrets,
                          o.output_queue_capacity)) {
  server.add_interface(raw_interface(kServerIp, o.prefix_length));
  DirectLink joined =
      join_directly(sim, peer, "peer", server, "server", o.one_way_delay, o.pcap_path);
  link = joined.link;
  pcap = std::move(joined.pcap);
  server.tcp().set_event_callback([this](const TcpEvent& e) { server_events.push_back(e); });
}

std::optional<SocketId> ScriptedClientWorld::listen(std::uint16_t port, int backlog) {
  auto id = server.tcp().listen(server_endpoint(port), backlog);
  if (!id) return std::nullopt;
  return *id;
}

bool ScriptedClientWorld::run_until_received(std::size_t count, Duration limit) {
  return sim.run_until([&] { return peer.received().size() >= count; }, sim.now() + limit);
}

}  // namespace synack::testbed
