#include "synack/testbed/direct_link.hpp"

namespace synack::testbed {

DirectLink join_directly(sim::Simulator& sim, sim::NodeId a, sim::NodeId b, Duration one_way_delay,
                         const std::string& pcap_path) {
  sim::Impairments imp;
  imp.delay = one_way_delay;
  DirectLink d;
  d.link = &sim.connect(a, 0, b, 0, sim::LinkConfig::symmetric(imp, sim::LinkLayer::raw_ip));
  if (!pcap_path.empty() && sim.capture_link(d.link->id(), pcap_path)) d.pcap = pcap_path;
  return d;
}

}  // namespace synack::testbed
