#pragma once
// TIME_WAIT in compact entries (Linux's inet_timewait_sock, FreeBSD's tcptw): once both FINs are
// exchanged, the active closer keeps only what it needs to do TIME_WAIT's two jobs (RFC 9293
// section 3.6.1): re-acknowledge a retransmitted FIN if our last ACK was lost, and keep old
// duplicates of this 4-tuple from being taken for a new connection's data, for 2 * MSL.
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>

#include "synack/tcp/context.hpp"
#include "synack/tcp/segment.hpp"

namespace synack {

struct TimeWaitEntry {
  FourTuple tuple;
  SeqNum snd_nxt;  // our sequence number after our FIN
  SeqNum rcv_nxt;  // one past the peer's FIN
  Instant expires;
  std::uint32_t ts_recent = 0;  // peer's last TSval, for PAWS and RFC 6191 reuse
  std::uint16_t window = 0;     // raw window field to put in ACKs
  bool timestamps = false;
};

class TimeWaitTable {
 public:
  // Linux's tcp_max_tw_buckets default on a machine of this size.
  static constexpr std::size_t kDefaultCapacity = 262144;

  explicit TimeWaitTable(TcpContext& ctx, std::size_t capacity = kDefaultCapacity)
      : ctx_(ctx), capacity_(capacity) {}

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
  // Frees entries whose 2 MSL has passed.
  void poll(Instant now);
  Instant next_deadline() const;

  bool contains(const FourTuple& tuple) const { return entries_.count(tuple) != 0; }
  const TimeWaitEntry* find(const FourTuple& tuple) const;
  std::size_t size() const { return entries_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  void send_ack(Instant now, const TimeWaitEntry& entry, std::string_view reason);
  void restart(Instant now, TimeWaitEntry& entry);
  void remove(Instant now, const FourTuple& tuple, std::string_view reason);

  TcpContext& ctx_;
  std::size_t capacity_;
  std::unordered_map<FourTuple, TimeWaitEntry> entries_;
  // Every entry lives exactly 2 * MSL from its last (re)start, so expiries come in insertion
  // order: a FIFO is enough. A restart appends a new deadline; the old one is skipped when it
  // comes due because it no longer matches the entry.
  std::deque<std::pair<Instant, FourTuple>> expiries_;
};

}  // namespace synack
