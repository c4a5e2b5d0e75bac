#pragma once
// IPv4 reassembly (RFC 791 section 3.2, RFC 1122 section 3.3.2: a host MUST reassemble).
// Sans-IO: fragments and the time come in, whole datagrams come out, poll() expires the ones
// that never completed.
//
// Defences, after Linux (net/ipv4/ip_fragment.c, inet_fragment.c):
// - Memory is bounded per datagram (65,535 bytes, RFC 791's limit, and a fragment count) and in
//   total (`max_bytes`, Linux's ipfrag_high_thresh): over the limit new fragments are dropped
//   until timeouts free memory.
// - A datagram not complete `timeout` after its first fragment is dropped (ipfrag_time, 30 s).
// - Overlapping fragments drop the whole datagram (RFC 5722's reasoning, which Linux applies to
//   IPv4 since 4.19); an exact duplicate is ignored and reassembly goes on.
// - For TCP, a first fragment too short to hold the TCP header, or a fragment at offset 8
//   (RFC 1858 section 3: the tiny and overlapping fragment attacks on packet filters), drops
//   the datagram.
// Unfragmented traffic never reaches this class, so it allocates nothing per segment; a
// datagram being reassembled owns one buffer that grows to its highest fragment.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "synack/core/bytes.hpp"
#include "synack/core/function_ref.hpp"
#include "synack/core/time.hpp"
#include "synack/wire/address.hpp"
#include "synack/wire/ipv4.hpp"

namespace synack {

struct ReassemblyConfig {
  Duration timeout = seconds(30);           // Linux ipfrag_time
  std::size_t max_bytes = 4 * 1024 * 1024;  // Linux ipfrag_high_thresh
  std::size_t max_datagrams = 64;           // datagrams in reassembly at once
  std::size_t max_fragments = 128;          // per datagram: a 65,535-byte one over a 576 MTU is 120
};

// Linux's names (/proc/net/snmp Ip: ReasmReqds, ReasmOKs, ReasmFails, ReasmTimeout; netstat
// IpExt ReasmOverlaps); the rest say which check failed (each also counts in ReasmFails).
struct ReassemblyCounters {
  std::uint64_t reasm_reqds = 0;    // fragments received
  std::uint64_t reasm_oks = 0;      // datagrams reassembled
  std::uint64_t reasm_fails = 0;    // datagrams (or lone fragments) given up, for any reason
  std::uint64_t reasm_timeout = 0;  // ... because they were incomplete when the timer ran out
  std::uint64_t reasm_overlaps = 0;
  std::uint64_t reasm_duplicates = 0;  // exact duplicates ignored (not a failure)
  std::uint64_t reasm_tiny_tcp = 0;    // RFC 1858 tiny or offset-8 TCP fragment
  std::uint64_t reasm_malformed = 0;   // empty, unaligned, past 65,535 or an inconsistent end
  std::uint64_t reasm_over_limit = 0;  // memory, datagram or fragment limit reached
  std::uint64_t reasm_bytes_peak = 0;  // most bytes held at once

  void for_each(FunctionRef<void(std::string_view, std::uint64_t)> visit) const;
};

class Ipv4Reassembler {
 public:
  // `counters` (not owned) are where the reassembler counts; the host keeps them with its own.
  Ipv4Reassembler(const ReassemblyConfig& config, ReassemblyCounters& counters);

  // Takes one fragment (MF set or offset non-zero). When it completes its datagram, returns the
  // whole datagram - the first fragment's header, MF and offset cleared, lengths and checksum
  // set - valid until the next call of add() or poll().
  std::optional<Bytes> add(Instant now, const Ipv4View& fragment);

  // Drops datagrams whose time ran out.
  void poll(Instant now);
  // The earliest timeout; kNever when nothing is being reassembled.
  Instant next_deadline() const;

  std::size_t datagram_count() const { return datagrams_.size(); }
  std::size_t held_bytes() const { return held_bytes_; }
  const ReassemblyCounters& counters() const { return counters_; }
  const ReassemblyConfig& config() const { return config_; }

 private:
  struct Range {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
  };
  // Payload is stored after kIpv4MaxHeaderLength bytes, and the first fragment's header right
  // before it, so the whole datagram ends up contiguous without a copy.
  struct Datagram {
    Ipv4Address src;
    Ipv4Address dst;
    std::uint8_t protocol = 0;
    std::uint16_t identification = 0;
    Instant expires;
    std::size_t header_length = 0;             // 0 until the first fragment arrived
    std::optional<std::uint32_t> payload_end;  // known once the last fragment arrived
    std::uint32_t received = 0;                // payload bytes (ranges never overlap)
    std::vector<Range> ranges;                 // sorted by begin
    ByteVector storage;
    std::size_t charged = 0;  // bytes counted in held_bytes_
  };
  enum class Verdict { kAccept, kDuplicate, kDrop };

  Datagram* find(const Ipv4Repr& ip);
  Datagram* start(Instant now, const Ipv4Repr& ip);
  Verdict check(const Datagram& d, const Ipv4Repr& ip, std::uint32_t begin, std::uint32_t end);
  bool store(Datagram& d, const Ipv4View& fragment, std::uint32_t begin, std::uint32_t end);
  std::optional<Bytes> finish(std::size_t index);
  void discard(std::size_t index);
  static std::size_t charge_for(std::size_t storage_capacity, std::size_t ranges_capacity);
  void charge(Datagram& d);

  ReassemblyConfig config_;
  std::vector<Datagram> datagrams_;
  ByteVector completed_;  // the last datagram returned by add()
  std::size_t held_bytes_ = 0;
  ReassemblyCounters& counters_;
};

}  // namespace synack
