#pragma once
// A listening socket: the half-open (SYN) queue of compact entries and the accept queue.
//
// A half-open connection is SYN_RECEIVED for a passive open. Like FreeBSD's syncache and Linux's
// request_sock it is kept as a small HalfOpenEntry, not a full connection: a SYN costs the
// server a few dozen bytes until the client proves it exists by completing the handshake.
// The queue has its own limit (max_syn_backlog); the accept queue is bounded by the backlog
// given to listen(). When the accept queue is full the SYN is dropped and counted; when the SYN
// queue is full (or always, config.syncookies 2) the SYN is answered with a SYN cookie and no
// entry (RFC 4987 section 3.6, syn_cookie.hpp), so a flood of spoofed SYNs cannot use up memory
// or shut out real clients.
#include <cstdint>
#include <deque>
#include <optional>
#include <queue>
#include <unordered_map>
#include <vector>

#include "synack/tcp/connection.hpp"
#include "synack/tcp/context.hpp"
#include "synack/tcp/handshake_options.hpp"
#include "synack/tcp/segment.hpp"
#include "synack/tcp/socket_options.hpp"
#include "synack/tcp/syn_cookie.hpp"
#include "synack/tcp/tuple_key.hpp"

namespace synack {

struct HalfOpenEntry {
  FourTuple tuple;
  SeqNum iss;
  SeqNum irs;
  Instant syn_time;       // first SYN: the handshake's RTT sample starts here
  Instant retransmit_at;  // next SYN-ACK retransmission
  HandshakeOptions options;
  std::uint16_t our_mss = 536;
  std::uint8_t retransmits = 0;  // SYN-ACKs resent so far
};

class Listener {
 public:
  Listener(TcpContext& ctx, Endpoint local, std::size_t backlog, const TcpSocketOptions& options);
  const TcpSocketOptions& socket_options() const { return options_; }

  const Endpoint& local() const { return local_; }

  // What became of a segment given to the listener.
  struct Outcome {
    // Set when the segment completed a handshake and the accept queue has room: the owner
    // builds the connection, queues it with enqueue_accepted() and feeds it the segment.
    std::optional<PassiveOpen> established;
  };
  // `our_mss` is what this host can receive on the route back to the peer; `isn_floor`, when
  // set, is a sequence number the new ISN must exceed (reuse of a TIME_WAIT 4-tuple, RFC 6191).
  Outcome on_segment(Instant now, const InboundSegment& seg, std::uint16_t our_mss,
                     std::optional<SeqNum> isn_floor = std::nullopt);
  // Retransmits due SYN-ACKs and frees entries whose retries ran out.
  void poll(Instant now);
  Instant next_deadline() const;

  // Accept queue of connections (identified by the owner's handle) that completed the handshake.
  bool accept_queue_full() const { return accept_queue_.size() >= backlog_; }
  void enqueue_accepted(std::uint64_t handle) { accept_queue_.push_back(handle); }
  std::optional<std::uint64_t> pop_accepted();
  // Drops a queued handle (its connection died before accept()).
  void forget_accepted(std::uint64_t handle);
  const std::deque<std::uint64_t>& accept_queue() const { return accept_queue_; }

  std::size_t half_open_count() const { return half_open_.size(); }
  // Half-open entries a listener may hold: the SYN-queue limit plus the reserve for SYNs that
  // reuse a TIME_WAIT 4-tuple (they never get a cookie, see on_new_syn).
  static std::size_t time_wait_reuse_reserve(const TcpConfig& config) {
    return config.max_syn_backlog / 8 + 1;
  }
  static std::size_t max_half_open(const TcpConfig& config) {
    return config.max_syn_backlog + time_wait_reuse_reserve(config);
  }
  const HalfOpenEntry* find_half_open(const FourTuple& tuple) const;
  // Drops every half-open entry (the listener is closing).
  void clear_half_open(Instant now);

 private:
  void on_new_syn(Instant now, const InboundSegment& seg, std::uint16_t our_mss,
                  std::optional<SeqNum> isn_floor);
  Outcome on_segment_for_entry(Instant now, HalfOpenEntry& entry, const InboundSegment& seg);
  void send_synack(Instant now, const HalfOpenEntry& entry, bool retransmission);
  void send_cookie_synack(Instant now, const InboundSegment& seg, std::uint16_t our_mss);
  // Whether an ACK without a half-open entry should be checked as a cookie ACK: always in mode 2,
  // in mode 1 only while cookies sent recently can still be valid (as Linux's
  // tcp_synq_no_recent_overflow), so stray ACKs are not counted as failed cookies.
  bool cookies_may_be_outstanding(Instant now) const;
  // The connection a valid cookie ACK describes; nullopt (counted) when the cookie is invalid.
  std::optional<PassiveOpen> open_from_cookie(Instant now, const InboundSegment& seg,
                                              std::uint16_t our_mss);
  void send_reset_for(Instant now, const InboundSegment& seg, std::string_view reason);
  void schedule(const HalfOpenEntry& entry);
  void remove(const FourTuple& tuple, TcpState to, std::string_view reason, Instant now);

  TcpContext& ctx_;
  Endpoint local_;
  std::size_t backlog_;
  TcpSocketOptions options_;  // inherited by accepted connections
  // Keyed (SipHash): spoofed SYNs choose their 4-tuples, and must not be able to aim them all at
  // one bucket.
  std::unordered_map<FourTuple, HalfOpenEntry, KeyedTupleHash> half_open_;
  // SYN-ACK retransmission deadlines, earliest first. Entries are checked against the map when
  // they come due, so a rescheduled or removed entry leaves a stale deadline that is skipped.
  using Deadline = std::pair<Instant, FourTuple>;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;
  std::deque<std::uint64_t> accept_queue_;
  std::optional<Instant> last_cookie_sent_;
};

}  // namespace synack
