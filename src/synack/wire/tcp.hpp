#pragma once
// TCP header (RFC 9293 section 3.1) with its options (RFC 9293 3.2, RFC 7323, RFC 2018).
// TcpView: bounds-checked zero-copy view over the bytes of one segment.
// TcpRepr: the parsed header as plain values; protocol code works only with this.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "synack/core/bytes.hpp"
#include "synack/core/expected.hpp"
#include "synack/core/seq_num.hpp"
#include "synack/wire/error.hpp"

namespace synack {

inline constexpr std::uint8_t kIpProtocolTcp = 6;
inline constexpr std::size_t kTcpMinHeaderLength = 20;
inline constexpr std::size_t kTcpMaxHeaderLength = 60;
inline constexpr std::size_t kTcpMaxSackBlocks = 4;

namespace tcp_flags {
inline constexpr std::uint8_t kFin = 0x01;
inline constexpr std::uint8_t kSyn = 0x02;
inline constexpr std::uint8_t kRst = 0x04;
inline constexpr std::uint8_t kPsh = 0x08;
inline constexpr std::uint8_t kAck = 0x10;
inline constexpr std::uint8_t kUrg = 0x20;
inline constexpr std::uint8_t kEce = 0x40;
inline constexpr std::uint8_t kCwr = 0x80;
}  // namespace tcp_flags

// "SYN,ACK"-style text for a flags byte, names in bit order FIN,SYN,RST,PSH,ACK,URG,ECE,CWR
// (the set tcpdump prints as letters); "none" when no flag is set.
std::string tcp_flags_to_string(std::uint8_t flags);

struct SackBlock {
  SeqNum left;   // first sequence number of the block
  SeqNum right;  // sequence number just past the block
  bool operator==(const SackBlock&) const = default;
};

struct TcpTimestamps {
  std::uint32_t value = 0;  // TSval
  std::uint32_t echo = 0;   // TSecr
  bool operator==(const TcpTimestamps&) const = default;
};

struct TcpOptions {
  std::optional<std::uint16_t> mss;          // kind 2, SYN only
  std::optional<std::uint8_t> window_scale;  // kind 3, SYN only (shift count)
  bool sack_permitted = false;               // kind 4, SYN only
  std::optional<TcpTimestamps> timestamps;   // kind 8
  std::uint8_t sack_block_count = 0;         // kind 5
  std::array<SackBlock, kTcpMaxSackBlocks> sack_blocks{};

  // How many of the first sack_block_count blocks emit_tcp writes: as many as fit in the 40 bytes
  // of option space left by the other options (3 next to timestamps, as Linux sends).
  std::size_t emitted_sack_block_count() const;
  bool operator==(const TcpOptions&) const = default;
};

struct TcpRepr {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  SeqNum seq;
  SeqNum ack;
  std::uint8_t flags = 0;
  std::uint16_t window = 0;  // raw field, before window scaling
  std::uint16_t urgent = 0;
  TcpOptions options;

  bool has(std::uint8_t flag) const { return (flags & flag) != 0; }
  // Bytes this header occupies when emitted: 20 + options, padded to a multiple of 4, never more
  // than 60. Options are laid out as Linux's tcp_options_write() does: MSS; SACK-permitted+TS
  // (or NOP,NOP,TS or NOP,NOP,SACK-permitted); NOP,WS; NOP,NOP,SACK blocks.
  std::size_t header_length() const;
  bool operator==(const TcpRepr&) const = default;
};

class TcpView {
 public:
  // Checks that the fixed header fits, that the data offset is sane and within `bytes`, and that
  // every option is well-formed. Does not verify the checksum (see verify_checksum).
  static Expected<TcpView, WireError> parse(Bytes bytes);

  std::uint16_t src_port() const;
  std::uint16_t dst_port() const;
  SeqNum seq() const;
  SeqNum ack() const;
  std::size_t header_length() const;
  std::uint8_t flags() const;
  std::uint16_t window() const;
  std::uint16_t checksum() const;
  std::uint16_t urgent() const;
  Bytes options() const;
  Bytes payload() const;
  Bytes bytes() const { return bytes_; }

  // True when the checksum over pseudo-header + segment verifies. `pseudo_sum` comes from
  // pseudo_header_sum(src, dst, 6, segment length).
  bool verify_checksum(std::uint32_t pseudo_sum) const;
  // Header fields and options as values. Unknown options are skipped by their length.
  TcpRepr repr() const;

 private:
  explicit TcpView(Bytes bytes) : bytes_(bytes) {}
  Bytes bytes_;
};

// Writes header + payload into `out` (which must hold header_length() + payload.size() bytes)
// and returns the number of bytes written, or 0 (nothing written) when `out` is too small. When
// `pseudo_sum` is given the checksum is filled in; otherwise the field is left zero (links that
// need no checksum, like Linux loopback).
std::size_t emit_tcp(const TcpRepr& repr, Bytes payload, MutableBytes out,
                     std::optional<std::uint32_t> pseudo_sum);

}  // namespace synack
