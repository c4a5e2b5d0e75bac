#include "synack/tcp/listener.hpp"

#include <algorithm>

namespace synack {

using namespace tcp_flags;

Listener::Listener(TcpContext& ctx, Endpoint local, std::size_t backlog,
                   const TcpSocketOptions& options)
    : ctx_(ctx), local_(local), backlog_(std::max<std::size_t>(backlog, 1)), options_(options) {}

Listener::Outcome Listener::on_segment(Instant now, const InboundSegment& seg,
                                       std::uint16_t our_mss, std::optional<SeqNum> isn_floor) {
  if (auto it = half_open_.find(seg.tuple); it != half_open_.end()) {
    return on_segment_for_entry(now, it->second, seg);
  }
  const TcpRepr& h = seg.header;
  // RFC 9293 3.10.7.2, LISTEN: RST is ignored, an ACK is answered by RST, a SYN starts a
  // handshake, anything else is dropped.
  if (h.has(kRst)) {
    ctx_.trace_segment(now, TcpEventKind::kSegmentDropped, seg.tuple, h, 0, "RST in LISTEN");
    return {};
  }
  if (h.has(kAck)) {
    send_reset_for(now, seg, "RST for ACK in LISTEN");
    return {};
  }
  if (h.has(kSyn)) {
    on_new_syn(now, seg, our_mss, isn_floor);
    return {};
  }
  ctx_.trace_segment(now, TcpEventKind::kSegmentDropped, seg.tuple, h, seg.payload.size(),
                     "no SYN in LISTEN");
  return {};
}

void Listener::on_new_syn(Instant now, const InboundSegment& seg, std::uint16_t our_mss,
                          std::optional<SeqNum> isn_floor) {
  if (accept_queue_full()) {
    // Linux drops SYNs while the accept queue is full: completing the handshake would only
    // leave the client with a connection nobody accepts.
    ++ctx_.counters.ListenOverflows;
    ++ctx_.counters.ListenDrops;
    ctx_.trace_segment(now, TcpEventKind::kSegmentDropped, seg.tuple, seg.header, 0,
                       "accept queue full");
    return;
  }
  if (half_open_.size() >= ctx_.config.max_syn_backlog) {
    ++ctx_.counters.TCPReqQFullDrop;
    ++ctx_.counters.ListenDrops;
    ctx_.trace_segment(now, TcpEventKind::kSegmentDropped, seg.tuple, seg.header, 0,
                       "SYN queue full");
    return;
  }
  HalfOpenEntry entry;
  entry.tuple = seg.tuple;
  entry.irs = seg.header.seq;
  entry.iss = ctx_.initial_sequence(now, seg.tuple);
  if (isn_floor && entry.iss <= *isn_floor) {
    // RFC 6191 / Linux: keep the new incarnation's sequence space above the old one's.
    entry.iss = *isn_floor + 65535 + 2;
  }
  entry.syn_time = now;
  entry.retransmit_at = now + ctx_.config.rto_initial;
  const std::uint8_t our_shift =
      ctx_.config.window_scaling ? window_shift_for(options_.receive_buffer) : 0;
  entry.options = negotiate(ctx_.config, seg.header.options, our_shift);
  entry.our_mss = our_mss;
  // Data on the SYN is neither delivered nor stored (no TCP Fast Open): the SYN-ACK acknowledges
  // only the SYN, so the client sends the data again after the handshake.
  ++ctx_.counters.PassiveOpens;
  ctx_.trace_state(now, seg.tuple, TcpState::kListen, TcpState::kSynReceived,
                   seg.payload.empty() ? "SYN received" : "SYN received (its data not kept)");
  auto [it, inserted] = half_open_.emplace(seg.tuple, entry);
  (void)inserted;
  schedule(it->second);
  send_synack(now, it->second, false);
}

Listener::Outcome Listener::on_segment_for_entry(Instant now, HalfOpenEntry& entry,
                                                 const InboundSegment& seg) {
  const TcpRepr& h = seg.header;
  const SeqNum rcv_nxt = entry.irs + 1;
  if (h.has(kRst)) {
    // RFC 5961 section 3: only an exact match resets the half-open connection.
    if (h.seq == rcv_nxt) {
      ++ctx_.counters.AttemptFails;
      remove(entry.tuple, TcpState::kListen, "RST in SYN_RECEIVED", now);
    } else {
      ctx_.trace_segment(now, TcpEventKind::kSegmentDropped, seg.tuple, h, 0,
                         "inexact RST in SYN_RECEIVED");
    }
    return {};
  }
  if (h.has(kSyn)) {
    if (h.seq == entry.irs && !h.has(kAck)) {
      // The client retransmitted its SYN: our SYN-ACK was lost. Answer again at once and, as
      // Linux does, restart the timer so the two retransmissions do not pile up.
      send_synack(now, entry, true);
      entry.retransmit_at = now + ctx_.config.rto_initial * (std::int64_t{1} << entry.retransmits);
      schedule(entry);
      return {};
    }
    // RFC 9293 3.10.7.4 fourth: a different SYN in SYN_RECEIVED from a passive open returns the
    // connection to LISTEN.
    ++ctx_.counters.AttemptFails;
    remove(entry.tuple, TcpState::kListen, "new SYN in SYN_RECEIVED", now);
    return {};
  }
  if (!h.has(kAck)) {
    ctx_.trace_segment(now, TcpEventKind::kSegmentDropped, seg.tuple, h, seg.payload.size(),
                       "no ACK in SYN_RECEIVED");
    return {};
  }
  if (h.ack != entry.iss + 1) {
    send_reset_for(now, seg, "RST for unacceptable ACK in SYN_RECEIVED");
    return {};
  }
  if (h.seq != rcv_nxt) {
    ctx_.trace_segment(now, TcpEventKind::kSegmentDropped, seg.tuple, h, seg.payload.size(),
                       "handshake ACK outside the window");
    return {};
  }
  if (accept_queue_full()) {
    // Linux (tcp_abort_on_overflow = 0): drop the ACK and keep the entry; a SYN-ACK
    // retransmission makes the client ACK again once there is room.
    ++ctx_.counters.ListenOverflows;
    ++ctx_.counters.ListenDrops;
    ++ctx_.counters.TCPDeferAcceptDrop;
    ctx_.trace_segment(now, TcpEventKind::kSegmentDropped, seg.tuple, h, seg.payload.size(),
                       "accept queue full");
    return {};
  }
  PassiveOpen open;
  open.tuple = entry.tuple;
  open.iss = entry.iss;
  open.irs = entry.irs;
  open.options = entry.options;
  if (open.options.timestamps && h.options.timestamps) {
    open.options.ts_recent = h.options.timestamps->value;
  }
  open.our_mss = entry.our_mss;
  open.syn_time = entry.syn_time;
  open.synack_retransmitted = entry.retransmits > 0;
  open.socket_options = options_;
  half_open_.erase(entry.tuple);
  return Outcome{open};
}

void Listener::send_synack(Instant now, const HalfOpenEntry& entry, bool retransmission) {
  TcpRepr h;
  h.src_port = entry.tuple.local.port;
  h.dst_port = entry.tuple.remote.port;
  h.seq = entry.iss;
  h.ack = entry.irs + 1;
  h.flags = kSyn | kAck;
  // RFC 7323 2.2: the window in a SYN-ACK is not scaled.
  h.window = static_cast<std::uint16_t>(std::min<std::size_t>(options_.receive_buffer, 65535));
  h.options.mss = entry.our_mss;
  // Window scale and timestamps only when the SYN offered them (RFC 7323 sections 2.2, 3.2).
  if (entry.options.window_scaling) h.options.window_scale = entry.options.receive_shift;
  h.options.sack_permitted = entry.options.sack_permitted;
  if (entry.options.timestamps) {
    const std::uint32_t tsval =
        TcpContext::timestamp_clock(now) + ctx_.timestamp_offset(entry.tuple);
    h.options.timestamps = TcpTimestamps{tsval, entry.options.ts_recent};
  }
  if (retransmission) ++ctx_.counters.TCPSynRetrans;
  ctx_.send(now, entry.tuple, h, {}, "SYN-ACK", retransmission);
}

void Listener::send_reset_for(Instant now, const InboundSegment& seg, std::string_view reason) {
  // RFC 9293 3.10.7.2: <SEQ=SEG.ACK><CTL=RST>.
  TcpRepr h;
  h.src_port = seg.tuple.local.port;
  h.dst_port = seg.tuple.remote.port;
  h.seq = seg.header.ack;
  h.flags = kRst;
  ctx_.send(now, seg.tuple, h, {}, reason);
}

void Listener::schedule(const HalfOpenEntry& entry) {
  deadlines_.emplace(entry.retransmit_at, entry.tuple);
}

void Listener::poll(Instant now) {
  while (!deadlines_.empty() && deadlines_.top().first <= now) {
    const auto [when, tuple] = deadlines_.top();
    deadlines_.pop();
    auto it = half_open_.find(tuple);
    if (it == half_open_.end() || it->second.retransmit_at != when) continue;  // stale
    HalfOpenEntry& entry = it->second;
    ctx_.trace_timer(now, tuple, "SYN-ACK retransmission timeout");
    ++ctx_.counters.TCPTimeouts;
    if (entry.retransmits >= ctx_.config.synack_retries) {
      ++ctx_.counters.TCPHalfOpenFreed;
      ++ctx_.counters.AttemptFails;
      remove(tuple, TcpState::kClosed, "SYN-ACK retries exhausted", now);
      continue;
    }
    ++entry.retransmits;
    // Exponential backoff: 1, 2, 4, 8, ... seconds after the previous SYN-ACK.
    entry.retransmit_at = now + ctx_.config.rto_initial * (std::int64_t{1} << entry.retransmits);
    schedule(entry);
    send_synack(now, entry, true);
  }
}

Instant Listener::next_deadline() const {
  return deadlines_.empty() ? kNever : deadlines_.top().first;
}

std::optional<std::uint64_t> Listener::pop_accepted() {
  if (accept_queue_.empty()) return std::nullopt;
  const std::uint64_t handle = accept_queue_.front();
  accept_queue_.pop_front();
  return handle;
}

void Listener::forget_accepted(std::uint64_t handle) {
  accept_queue_.erase(std::remove(accept_queue_.begin(), accept_queue_.end(), handle),
                      accept_queue_.end());
}

const HalfOpenEntry* Listener::find_half_open(const FourTuple& tuple) const {
  auto it = half_open_.find(tuple);
  return it == half_open_.end() ? nullptr : &it->second;
}

void Listener::clear_half_open(Instant now) {
  while (!half_open_.empty()) {
    remove(half_open_.begin()->first, TcpState::kClosed, "listener closed", now);
  }
}

void Listener::remove(const FourTuple& tuple, TcpState to, std::string_view reason, Instant now) {
  ctx_.trace_state(now, tuple, TcpState::kSynReceived, to, reason);
  half_open_.erase(tuple);
}

}  // namespace synack
