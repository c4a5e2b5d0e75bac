#include "synack/testbed/direct_link.hpp"

#include <utility>

namespace synack::testbed {

DirectLink join_directly(sim::Simulator& sim, NetworkNode& a, std::string a_name, NetworkNode& b,
                         std::string b_name, Duration one_way_delay, const std::string& pcap_path) {
  const sim::NodeId na = sim.add_node(a, std::move(a_name));
  const sim::NodeId nb = sim.add_node(b, std::move(b_name));
  sim::Impairments imp;
  imp.delay = one_way_delay;
  DirectLink d;
  d.link = &sim.connect(na, 0, nb, 0, sim::LinkConfig::symmetric(imp, sim::LinkLayer::raw_ip));
  if (!pcap_path.empty() && sim.capture_link(d.link->id(), pcap_path)) d.pcap = pcap_path;
  return d;
}

}  // namespace synack::testbed
