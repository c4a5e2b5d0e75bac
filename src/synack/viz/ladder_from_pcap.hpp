#pragma once
// Ladders from a capture file (the input of `synack trace FILE.pcap`): one ladder per TCP
// connection, with both ends' states inferred from the segments (see state_inference.hpp).
#include <string>
#include <vector>

#include "synack/core/expected.hpp"
#include "synack/pcap/pcap_reader.hpp"
#include "synack/viz/ladder.hpp"

namespace synack::viz {

struct PcapLadderOptions {
  bool relative_seq = true;  // Like Wireshark: each side's numbers count from its ISN.
};

// Connections in order of their first packet. The left side is the host that sent the first
// bare SYN, or else the first packet. A capture sees each packet once, at one point, so every
// arrow has arrival == sent and the ladder is marked capture_times_only: renderers slant the
// arrows by a fixed amount rather than by a transit time nobody measured.
std::vector<Ladder> ladders_from_capture(const PcapFile& capture,
                                         const PcapLadderOptions& options = {});

// Reads `path` with read_pcap; the error is read_pcap's, or EPROTONOSUPPORT when the link type is
// not Ethernet or raw IP).
Result<std::vector<Ladder>> ladders_from_pcap(const std::string& path,
                                              const PcapLadderOptions& options = {});

}  // namespace synack::viz
