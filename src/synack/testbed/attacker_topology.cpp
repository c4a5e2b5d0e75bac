#include "synack/testbed/attacker_topology.hpp"

namespace synack::testbed {

AttackerTopology::AttackerTopology(const AttackerOptions& o)
    : ClientAndServer(o.seed, {}, stack_config(o.client_tcp, o.seed, HostRole::client),
                      stack_config(o.server_tcp, o.seed, HostRole::server)) {
  hub.add_route(kServerIp, 0);
  hub.add_route(kClientIp, 1);
  server.add_interface(raw_interface(kServerIp, o.server_prefix_length));
  client.add_interface(raw_interface(kClientIp, 24));
  const auto ns = sim.add_node(server, "server");
  const auto nh = sim.add_node(hub, "hub");
  const auto nc = sim.add_node(client, "client");
  const auto na = sim.add_node(attacker, "attacker");
  sim::Impairments imp;
  imp.delay = o.hop_delay;
  const auto cfg = sim::LinkConfig::symmetric(imp, sim::LinkLayer::raw_ip);
  server_link = &sim.connect(ns, 0, nh, 0, cfg);
  client_link = &sim.connect(nc, 0, nh, 1, cfg);
  attacker_link = &sim.connect(na, 0, nh, kAttackerIface, cfg);
  if (!o.pcap_path.empty() && sim.capture_link(server_link->id(), o.pcap_path)) {
    pcap = o.pcap_path;
  }
  if (o.record_events) record_events();
}

}  // namespace synack::testbed
