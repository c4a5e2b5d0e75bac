#pragma once
// TIME_WAIT in compact entries (Linux's inet_timewait_sock, FreeBSD's tcptw): once both FINs are
// exchanged, the active closer keeps only what it needs to do TIME_WAIT's two jobs (RFC 9293
// section 3.6.1): re-acknowledge a retransmitted FIN if our last ACK was lost, and keep old
// duplicates of this 4-tuple from being taken for a new connection's data, for 2 * MSL.
//
// An IPv4 entry takes 32 bytes (12 of 4-tuple, 20 of state) in a FifoHashMap, about 42 to 52
// bytes with the index; other tuples (IPv6, which the IP layer does not carry yet) keep the
// whole FourTuple in a second map with the same behaviour.
#include <cstdint>
#include <optional>
#include <utility>

#include "synack/tcp/context.hpp"
#include "synack/tcp/fifo_hash_map.hpp"
#include "synack/tcp/segment.hpp"
#include "synack/tcp/tuple_key.hpp"

namespace synack {

// One TIME_WAIT entry spelled out: what TcpLayer hands to insert() and what find() returns.
struct TimeWaitEntry {
  FourTuple tuple;
  SeqNum snd_nxt;  // our sequence number after our FIN
  SeqNum rcv_nxt;  // one past the peer's FIN
  Instant expires;
  std::uint32_t ts_recent = 0;  // peer's last TSval, for PAWS and RFC 6191 reuse
  std::uint16_t window = 0;     // raw window field to put in ACKs
  bool timestamps = false;
};

// What the table stores beside the 4-tuple: 20 bytes.
struct TimeWaitState {
  SeqNum snd_nxt;
  SeqNum rcv_nxt;
  std::uint32_t ts_recent = 0;
  std::uint32_t expiry_tick = 0;  // TimeWaitTable's 32-bit clock, see there
  std::uint16_t window = 0;
  bool timestamps = false;
};
static_assert(sizeof(TimeWaitState) == 20);

class TimeWaitTable {
  using Ipv4Map = FifoHashMap<Ipv4TupleKey, TimeWaitState, KeyedTupleHash>;
  using OtherMap = FifoHashMap<FourTuple, TimeWaitState, KeyedTupleHash>;

 public:
  // Linux's tcp_max_tw_buckets default on a machine of this size.
  static constexpr std::size_t kDefaultCapacity = 262144;
  // Bytes of one IPv4 entry in its FIFO, before the index.
  static constexpr std::size_t kIpv4RecordBytes = sizeof(Ipv4Map::Record);

  explicit TimeWaitTable(TcpContext& ctx, std::size_t capacity = kDefaultCapacity);

  // The context's TIME_WAIT length changed (a demonstration setting): size the expiry clock for
  // it. Only while the table is empty, since entries stamped on the old clock would misread.
  void on_duration_changed();

  // Enters TIME_WAIT (the 2 MSL timer starts at `now`). When the table is full the entry is not
  // kept, as Linux does (TCPTimeWaitOverflow): the connection just closes. Returns whether kept.
  bool insert(Instant now, const TimeWaitEntry& entry);

  struct Outcome {
    // The segment is a SYN that may open a new incarnation (RFC 6191): the entry is gone and the
    // new ISN must exceed `isn_floor`.
    bool reopen = false;
    SeqNum isn_floor;
  };
  // A segment for a 4-tuple in TIME_WAIT. Precondition: contains(seg.tuple).
  Outcome on_segment(Instant now, const InboundSegment& seg);
  // Frees entries whose 2 MSL has passed, oldest first.
  void poll(Instant now);
  Instant next_deadline() const;

  bool contains(const FourTuple& tuple) const;
  std::optional<TimeWaitEntry> find(const FourTuple& tuple) const;
  std::size_t size() const { return ipv4_.size() + others_.size(); }
  std::size_t capacity() const { return capacity_; }
  // Heap held by the table (FIFO chunks and index).
  std::size_t allocated_bytes() const {
    return ipv4_.allocated_bytes() + others_.allocated_bytes();
  }

 private:
  const TimeWaitState* find_state(const FourTuple& tuple) const;
  TimeWaitState* find_state(const FourTuple& tuple) {
    return const_cast<TimeWaitState*>(std::as_const(*this).find_state(tuple));
  }
  void send_ack(Instant now, const FourTuple& tuple, const TimeWaitState& state,
                std::string_view reason);
  TimeWaitState* restart(Instant now, const FourTuple& tuple);
  void remove(Instant now, const FourTuple& tuple, std::string_view reason);

  // Expiry times are 32-bit ticks of 2^tick_shift_ microseconds (1 us unless 2 MSL is longer
  // than 2^30 us, about 18 minutes), read relative to the latest expiry stamped: every live
  // entry expires within 2^31 ticks before it (stamp() keeps it so), so 32 bits suffice.
  std::uint32_t stamp(Instant expiry);
  Instant expiry_of(const TimeWaitState& state) const;
  std::int64_t ticks_behind_latest(const TimeWaitState& state) const {
    return static_cast<std::uint32_t>(static_cast<std::uint32_t>(latest_tick_) - state.expiry_tick);
  }

  TcpContext& ctx_;
  std::size_t capacity_;
  int tick_shift_ = 0;
  std::int64_t latest_tick_ = 0;
  // Each map keeps entries in the order of their last (re)start, which is expiry order because
  // TIME_WAIT always lasts the same 2 MSL; poll() merges the two by expiry.
  Ipv4Map ipv4_;
  OtherMap others_;
};

}  // namespace synack
