#pragma once
// Two nodes joined interface 0 to interface 0 by one raw-IP link, the same delay each way, and
// the link captured to a pcap file when one is named; and what every testbed built that way is
// told.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "synack/sim/simulator.hpp"
#include "synack/testbed/host_config.hpp"

namespace synack::testbed {

struct DirectLinkOptions {
  std::uint64_t seed = 1;
  Duration one_way_delay = milliseconds(10);
  // Prefix of the stacks' interfaces (15: spoofed sources in 198.18.0.0/15 are on-link).
  std::uint8_t prefix_length = 24;
  std::size_t output_queue_capacity = kDeepOutputQueue;
  std::string pcap_path;  // Capture the link when set.
};

struct DirectLink {
  sim::Link* link = nullptr;        // a = the first node
  std::optional<std::string> pcap;  // Set when the capture was opened.
};

// Adds `a` and `b` to the simulator under these names and joins them.
DirectLink join_directly(sim::Simulator& sim, NetworkNode& a, std::string a_name, NetworkNode& b,
                         std::string b_name, Duration one_way_delay,
                         const std::string& pcap_path = {});

}  // namespace synack::testbed
