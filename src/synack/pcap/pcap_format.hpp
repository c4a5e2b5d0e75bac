#pragma once
// The classic capture file format of tcpdump and Wireshark ("libpcap format", IETF draft
// draft-ietf-opsawg-pcap): a 24-byte file header, then per frame a 16-byte record header and the
// captured bytes. Written here without libpcap so that every build - the simulator, the
// WebAssembly explorer - can produce captures; headers are little-endian with microsecond
// timestamps, as libpcap writes them on x86, so a seed gives the same bytes on every host.
#include <array>
#include <cstddef>
#include <cstdint>

#include "synack/core/time.hpp"

namespace synack {

// The link-layer header type recorded in the file header.
enum class PcapLinkType {
  ethernet,  // LINKTYPE_ETHERNET (1): frames start with a 14-byte Ethernet II header.
  raw_ip,    // LINKTYPE_RAW (101): frames are bare IPv4/IPv6 packets (point-to-point IP links).
  unknown,   // Only produced by the reader, for files of any other type.
};

// Frames longer than this are truncated in the file (the original length is still recorded).
inline constexpr int kPcapSnapLength = 65535;

inline constexpr std::size_t kPcapFileHeaderSize = 24;
inline constexpr std::size_t kPcapRecordHeaderSize = 16;

// The LINKTYPE_ value the file header carries for `type` (ethernet for unknown).
std::uint32_t pcap_linktype_value(PcapLinkType type);

// Magic 0xa1b2c3d4 (microsecond timestamps), version 2.4, zone 0, sigfigs 0, snap length,
// link type.
std::array<std::uint8_t, kPcapFileHeaderSize> pcap_file_header(PcapLinkType type);

// Seconds and microseconds of `time`, captured length (at most the snap length) and original
// length of a frame of `frame_length` bytes.
std::array<std::uint8_t, kPcapRecordHeaderSize> pcap_record_header(Instant time,
                                                                   std::size_t frame_length);

// How many of a frame's bytes a record holds.
inline std::size_t pcap_captured_length(std::size_t frame_length) {
  return frame_length < static_cast<std::size_t>(kPcapSnapLength) ? frame_length : kPcapSnapLength;
}

}  // namespace synack
