#pragma once
// Shared helpers for the host-stack tests: a FrameOutput that records frames, and packet
// builders that compute checksums with their own RFC 1071 code (independent of synack/wire),
// so the host is checked against bytes it did not produce itself.
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "synack/core/bytes.hpp"
#include "synack/stack/host.hpp"
#include "synack/stack/node.hpp"
#include "synack/wire/address.hpp"

namespace synack::test {

struct SentFrame {
  std::size_t iface;
  ByteVector bytes;
};

class CapturingOutput : public FrameOutput {
 public:
  void send_frame(std::size_t iface, Bytes frame) override {
    frames.push_back({iface, ByteVector(frame.begin(), frame.end())});
  }
  std::vector<SentFrame> frames;
};

inline constexpr MacAddress kMacA{{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};
inline constexpr MacAddress kMacB{{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}};
inline constexpr MacAddress kMacGw{{0x02, 0x00, 0x00, 0x00, 0x00, 0xfe}};
inline constexpr Ipv4Address kIpA{{10, 0, 0, 1}};
inline constexpr Ipv4Address kIpB{{10, 0, 0, 2}};
inline constexpr Ipv4Address kIpGw{{10, 0, 0, 254}};
inline constexpr Ipv4Address kIpFar{{192, 168, 1, 5}};

inline InterfaceConfig config_a(bool with_gateway = true) {
  InterfaceConfig c;
  c.mac = kMacA;
  c.address = kIpA;
  c.prefix_length = 24;
  if (with_gateway) c.gateway = kIpGw;
  return c;
}

// RFC 1071 reference: sum of 16-bit big-endian words, end-around carry, complemented.
inline std::uint16_t reference_checksum(Bytes data, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i < data.size(); i += 2) {
    std::uint32_t word = std::uint32_t{data[i]} << 8;
    if (i + 1 < data.size()) word |= data[i + 1];
    sum += word;
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

// push_back loops rather than insert(): g++ 12 at -O3 reports a false -Wstringop-overflow
// for vector::insert of small ranges.
inline void append(ByteVector& v, Bytes bytes) {
  for (std::uint8_t b : bytes) v.push_back(b);
}
inline void append(ByteVector& v, std::initializer_list<std::uint8_t> bytes) {
  for (std::uint8_t b : bytes) v.push_back(b);
}
inline void append(ByteVector& v, const MacAddress& m) {
  append(v, Bytes{m.octets});
}
inline void append(ByteVector& v, const Ipv4Address& a) {
  append(v, Bytes{a.octets});
}
inline void append16(ByteVector& v, std::uint16_t x) {
  append(v, {static_cast<std::uint8_t>(x >> 8), static_cast<std::uint8_t>(x)});
}

inline ByteVector ethernet(MacAddress dst, MacAddress src, std::uint16_t type, Bytes payload) {
  ByteVector v;
  append(v, dst);
  append(v, src);
  append16(v, type);
  append(v, payload);
  return v;
}

inline ByteVector arp_packet(std::uint16_t op, MacAddress sender_mac, Ipv4Address sender_ip,
                             MacAddress target_mac, Ipv4Address target_ip) {
  ByteVector v;
  append(v, {0x00, 0x01, 0x08, 0x00, 0x06, 0x04});  // Ethernet, IPv4, sizes 6 and 4
  append16(v, op);
  append(v, sender_mac);
  append(v, sender_ip);
  append(v, target_mac);
  append(v, target_ip);
  return v;
}

// A 20-byte-header IPv4 packet; `flags_fragment` is the raw flags/offset word (0x4000 = DF).
inline ByteVector ipv4_packet(Ipv4Address src, Ipv4Address dst, std::uint8_t protocol,
                              Bytes payload, std::uint16_t ident = 0x1111,
                              std::uint16_t flags_fragment = 0x4000) {
  ByteVector v;
  append(v, {0x45, 0x00});
  append16(v, static_cast<std::uint16_t>(20 + payload.size()));
  append16(v, ident);
  append16(v, flags_fragment);
  append(v, {64, protocol, 0, 0});
  append(v, src);
  append(v, dst);
  const std::uint16_t c = reference_checksum(Bytes{v});
  v[10] = static_cast<std::uint8_t>(c >> 8);
  v[11] = static_cast<std::uint8_t>(c);
  append(v, payload);
  return v;
}

// The identification of the IPv4 header at `ip_offset` in `frame`.
inline std::uint16_t ip_id_at(const ByteVector& frame, std::size_t ip_offset) {
  return static_cast<std::uint16_t>(frame[ip_offset + 4] << 8 | frame[ip_offset + 5]);
}

// `frame` with the identification of its IPv4 header set to 0 and the header checksum redone
// (by the reference code): IDs are keyed hashes (RFC 7739), tested apart from the bytes.
inline ByteVector with_ip_id_zeroed(ByteVector frame, std::size_t ip_offset) {
  frame[ip_offset + 4] = 0;
  frame[ip_offset + 5] = 0;
  frame[ip_offset + 10] = 0;
  frame[ip_offset + 11] = 0;
  const std::size_t header_length = std::size_t{frame[ip_offset] & 0x0fu} * 4;
  const std::uint16_t c = reference_checksum(Bytes{frame.data() + ip_offset, header_length});
  frame[ip_offset + 10] = static_cast<std::uint8_t>(c >> 8);
  frame[ip_offset + 11] = static_cast<std::uint8_t>(c);
  return frame;
}

inline ByteVector icmp_echo(bool reply, std::uint16_t id, std::uint16_t seq, Bytes data) {
  ByteVector v;
  append(v, {static_cast<std::uint8_t>(reply ? 0 : 8), 0, 0, 0});
  append16(v, id);
  append16(v, seq);
  append(v, data);
  const std::uint16_t c = reference_checksum(Bytes{v});
  v[2] = static_cast<std::uint8_t>(c >> 8);
  v[3] = static_cast<std::uint8_t>(c);
  return v;
}

// A 20-byte TCP header (SYN, ports 40000 -> 80) plus `data`, checksum over the pseudo-header.
inline ByteVector tcp_segment(Ipv4Address src, Ipv4Address dst, Bytes data) {
  ByteVector v;
  append(v, {0x9c, 0x40, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0});
  append(v, data);
  ByteVector pseudo;
  append(pseudo, src);
  append(pseudo, dst);
  append(pseudo, {0, 6});
  append16(pseudo, static_cast<std::uint16_t>(v.size()));
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < pseudo.size(); i += 2) sum += (pseudo[i] << 8) | pseudo[i + 1];
  const std::uint16_t c = reference_checksum(Bytes{v}, sum);
  v[16] = static_cast<std::uint8_t>(c >> 8);
  v[17] = static_cast<std::uint8_t>(c);
  return v;
}

inline ByteVector bytes_of(std::initializer_list<std::uint8_t> b) {
  return ByteVector(b);
}

inline Instant at_ms(std::int64_t ms) {
  return kEpoch + milliseconds(ms);
}

}  // namespace synack::test
