#include "synack/testbed/scripted_client_world.hpp"

namespace synack::testbed {

ScriptedClientWorld::ScriptedClientWorld(const ScriptedClientOptions& o)
    : sim(o.seed),
      server(stack_config(o.server_tcp, o.seed, HostRole::server, o.server_secrets,
                          o.output_queue_capacity)) {
  server.add_interface(raw_interface(kServerIp, o.prefix_length));
  const auto a = sim.add_node(peer, "peer");
  const auto b = sim.add_node(server, "server");
  sim::Impairments imp;
  imp.delay = o.one_way_delay;
  link = &sim.connect(a, 0, b, 0, sim::LinkConfig::symmetric(imp, sim::LinkLayer::raw_ip));
  if (!o.pcap_path.empty() && sim.capture_link(link->id(), o.pcap_path)) pcap = o.pcap_path;
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
