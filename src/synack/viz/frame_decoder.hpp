#pragma once
// Decodes one captured or simulated frame into what a ladder needs: the TCP segment with its
// endpoints, or an ARP message. Anything else (or anything malformed) decodes to nothing.
#include <cstdint>
#include <optional>
#include <variant>

#include "synack/core/bytes.hpp"
#include "synack/wire/address.hpp"
#include "synack/wire/arp.hpp"
#include "synack/wire/tcp.hpp"

namespace synack::viz {

enum class FrameFormat {
  automatic,  // Raw IPv4 when the first byte has version 4 and an IPv4 header parses, else
              // Ethernet.
  ethernet,
  raw_ip,
};

struct DecodedTcp {
  Endpoint src;
  Endpoint dst;
  TcpRepr header;
  std::uint32_t payload_length = 0;
};

using DecodedFrame = std::variant<std::monostate, DecodedTcp, ArpRepr>;

// IPv4 checksums are not required to verify: captures from hosts with checksum offload carry
// unfinished checksums, and a ladder should still show those segments.
DecodedFrame decode_frame(Bytes frame, FrameFormat format);

}  // namespace synack::viz
