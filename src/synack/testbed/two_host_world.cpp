#include "synack/testbed/two_host_world.hpp"

#include <utility>

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
  DirectLink joined =
      join_directly(sim, client, "client", server, "server", o.one_way_delay, o.pcap_path);
  link = joined.link;
  pcap = std::move(joined.pcap);
  if (o.loss > 0) {
    for (const auto d : {sim::Direction::a_to_b, sim::Direction::b_to_a}) {
      sim::Impairments imp = link->impairments(d);
      imp.loss = o.loss;
      link->set_impairments(d, imp);
    }
  }
  set_listen_backlog(o.listen_backlog);
  record_events();
}

}  // namespace synack::testbed
