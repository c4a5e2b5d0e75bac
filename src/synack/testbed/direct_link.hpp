#pragma once
// Two nodes joined interface 0 to interface 0 by one raw-IP link, the same delay each way, and
// the link captured to a pcap file when one is named.
#include <optional>
#include <string>

#include "synack/sim/simulator.hpp"

namespace synack::testbed {

struct DirectLink {
  sim::Link* link = nullptr;        // a = the first node
  std::optional<std::string> pcap;  // Set when the capture was opened.
};

DirectLink join_directly(sim::Simulator& sim, sim::NodeId a, sim::NodeId b, Duration one_way_delay,
                         const std::string& pcap_path = {});

}  // namespace synack::testbed
