#pragma once
// Reads a whole capture file into memory: the tests' way to check what a simulation put on the
// wire, and the input of `synack trace`.
#include <cstdint>
#include <string>
#include <vector>

#include "synack/core/bytes.hpp"
#include "synack/core/error.hpp"
#include "synack/core/time.hpp"
#include "synack/pcap/pcap_format.hpp"

namespace synack {

struct PcapPacket {
  Instant time;
  ByteVector bytes;                   // The captured bytes (at most the snap length).
  std::uint32_t original_length = 0;  // The frame's length on the wire.
};

struct PcapFile {
  PcapLinkType link_type = PcapLinkType::unknown;
  int datalink = 0;  // libpcap's DLT_ value, for types PcapLinkType does not name.
  std::vector<PcapPacket> packets;
};

// Reads every packet of `path`; the error's context is libpcap's message.
Result<PcapFile> read_pcap(const std::string& path);

}  // namespace synack
