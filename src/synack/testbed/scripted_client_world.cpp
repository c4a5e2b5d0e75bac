#include "synack/testbed/scripted_client_world.hpp"

#include <utility>

#include "synack/testbed/direct_link.hpp"

namespace synack::testbed {

ScriptedClientWorld::ScriptedClientWorld(const ScriptedClientOptions& o)
    : sim(o.seed),
      server(stack_config(o.server_tcp, o.seed, HostRole::server, o.server_secrets,
                          o.output_queue_capacity)) {
  server.add_interface(raw_interface(kServerIp, o.prefix_length));
  const auto a = sim.add_node(peer, "peer");
  const auto b = sim.add_node(server, "server");
  DirectLink joined = join_directly(sim, a, b, o.one_way_delay, o.pcap_path);
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
