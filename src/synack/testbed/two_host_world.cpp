#include "synack/testbed/two_host_world.hpp"

namespace synack::testbed {

TwoHostWorld::TwoHostWorld(const TwoHostOptions& o)
    : ClientAndServer(o.seed, o.sim,
                      stack_config(o.client_tcp, o.seed, HostRole::client, o.client_secrets,
                                   o.output_queue_capacity),
                      stack_config(o.server_tcp, o.seed, HostRole::server, o.server_secrets,
                                   o.output_queue_capacity)) {
  use_demonstration_settings(o.client_demonstration, o.server_demonstration);
  client.add_interface(raw_interface(kClientIp, o.prefix_length));
  server.add_interface(raw_interface(kServerIp, o.prefix_length));
  const auto a = sim.add_node(client, "client");
  const auto b = sim.add_node(server, "server");
  sim::Impairments imp;
  imp.delay = o.one_way_delay;
  link = &sim.connect(a, 0, b, 0, sim::LinkConfig::symmetric(imp, sim::LinkLayer::raw_ip));
  if (!o.pcap_path.empty() && sim.capture_link(link->id(), o.pcap_path)) pcap = o.pcap_path;
  record_events();
}

}  // namespace synack::testbed
