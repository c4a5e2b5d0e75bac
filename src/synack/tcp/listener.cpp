#include "synack/tcp/listener.hpp"

#include <algorithm>

#include "synack/tcp/hash_domains.hpp"

namespace synack {

using namespace tcp_flags;

Listener::Listener(TcpContext& ctx, Endpoint local, std::size_t backlog,
                   const TcpSocketOptions& options)
    : ctx_(ctx),
      local_(local),
      backlog_(std::max<std::size_t>(backlog, 1)),
      options_(options),
      half_open_(0, KeyedTupleHash{KeyedTupleHash::derive_key(ctx.secrets.isn_key,
                                                              hash_domain::kHalfOpenQueue)}) {}

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
    // Without an entry, an ACK may still complete a handshake answered with a SYN cookie.
    if (!h.has(kSyn) && cookies_may_be_outstanding(now)) {
      if (accept_queue_full()) {
        // Like a handshake ACK for an entry: drop, the client retransmits (Linux does the same
        // for a cookie ACK it has no room for).
        ++ctx_.counters.ListenOverflows;
        ++ctx_.counters.ListenDrops;
        ctx_.trace_segment(now, TcpEventKind::kSegmentDropped, seg.tuple, h, seg.payload.size(),
                           "accept queue full (cookie ACK)");
        return {};
      }
      if (auto open = open_from_cookie(now, seg, our_mss)) return Outcome{open};
    }
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
  // A SYN reusing a TIME_WAIT 4-tuple (RFC 6191) needs an ISN above the old incarnation's
  // sequence space, which a cookie cannot promise (its high bits are a time slot). Like Linux
  // ("TW buckets are converted to open requests without limitations, they conserve resources
  // and peer is evidently real one"), it gets a real half-open entry, never a cookie, and may use
  // a small reserve above the SYN-queue limit. The reserve is bounded, so memory stays bounded.
  const bool reuses_time_wait = isn_floor.has_value();
  const std::size_t limit =
      ctx_.config.max_syn_backlog + (reuses_time_wait ? time_wait_reuse_reserve(ctx_.config) : 0);
  const bool queue_full = half_open_.size() >= limit;
  if (!reuses_time_wait &&
      (ctx_.config.syncookies == 2 || (ctx_.config.syncookies == 1 && queue_full))) {
    send_cookie_synack(now, seg, our_mss);
    return;
  }
  if (queue_full) {
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

void Listener::send_cookie_synack(Instant now, const InboundSegment& seg, std::uint16_t our_mss) {
  const std::uint8_t our_shift =
      ctx_.config.window_scaling ? window_shift_for(options_.receive_buffer) : 0;
  const HandshakeOptions offered = negotiate(ctx_.config, seg.header.options, our_shift);
  TcpRepr h;
  h.src_port = seg.tuple.local.port;
  h.dst_port = seg.tuple.remote.port;
  h.seq =
      encode_syn_cookie(ctx_.secrets.cookie_key, seg.tuple, seg.header.seq, offered.peer_mss, now);
  h.ack = seg.header.seq + 1;
  h.flags = kSyn | kAck;
  h.window = static_cast<std::uint16_t>(std::min<std::size_t>(options_.receive_buffer, 65535));
  h.options.mss = our_mss;
  // Without timestamps there is nowhere to keep window scale and SACK-permitted, so the SYN-ACK
  // offers neither (as Linux's cookies do); with them the options ride in our TSval's low bits.
  if (offered.timestamps) {
    SynCookieOptions kept;
    if (offered.window_scaling) kept.window_scale = offered.send_shift;
    kept.sack_permitted = offered.sack_permitted;
    kept.ecn = seg.header.has(kEce) && seg.header.has(kCwr);
    const std::uint32_t tsval_now =
        TcpContext::timestamp_clock(now) + ctx_.timestamp_offset(seg.tuple);
    h.options.timestamps = TcpTimestamps{syn_cookie_tsval(tsval_now, kept), offered.ts_recent};
    if (offered.window_scaling) h.options.window_scale = offered.receive_shift;
    h.options.sack_permitted = offered.sack_permitted;
  }
  ++ctx_.counters.SyncookiesSent;
  last_cookie_sent_ = now;
  ctx_.send(now, seg.tuple, h, {}, "SYN-ACK with SYN cookie");
}

bool Listener::cookies_may_be_outstanding(Instant now) const {
  if (ctx_.config.syncookies == 2) return true;
  if (ctx_.config.syncookies != 1 || !last_cookie_sent_) return false;
  // A cookie is valid until its slot is kSynCookieMaxAge periods old: at most one period more.
  return now - *last_cookie_sent_ <= kSynCookiePeriod * (kSynCookieMaxAge + 1);
}

std::optional<PassiveOpen> Listener::open_from_cookie(Instant now, const InboundSegment& seg,
                                                      std::uint16_t our_mss) {
  const TcpRepr& h = seg.header;
  const SeqNum cookie = h.ack - 1;
  const SeqNum peer_isn = h.seq - 1;
  const auto peer_mss = check_syn_cookie(ctx_.secrets.cookie_key, seg.tuple, peer_isn, cookie, now);
  if (!peer_mss) {
    ++ctx_.counters.SyncookiesFailed;
    ctx_.trace_segment(now, TcpEventKind::kSegmentDropped, seg.tuple, h, seg.payload.size(),
                       "invalid SYN cookie");
    return std::nullopt;
  }
  ++ctx_.counters.SyncookiesRecv;
  ++ctx_.counters.PassiveOpens;
  PassiveOpen open;
  open.tuple = seg.tuple;
  open.iss = cookie;
  open.irs = peer_isn;
  open.options.peer_mss = *peer_mss;
  // The SYN's options come back in the TSecr; an ACK without timestamps means the SYN had none.
  if (h.options.timestamps && ctx_.config.timestamps) {
    const SynCookieOptions kept = syn_cookie_options_from_tsecr(h.options.timestamps->echo);
    open.options.timestamps = true;
    open.options.ts_recent = h.options.timestamps->value;
    if (kept.window_scale && ctx_.config.window_scaling) {
      open.options.window_scaling = true;
      open.options.send_shift = *kept.window_scale;
      open.options.receive_shift = window_shift_for(options_.receive_buffer);
    }
    open.options.sack_permitted = kept.sack_permitted && ctx_.config.sack;
    // kept.ecn: this stack does not negotiate ECN, so the bit is carried but not used.
  }
  open.our_mss = our_mss;
  open.syn_time = now;
  // The SYN's arrival time is not kept, so there is no handshake RTT sample (as if retransmitted).
  open.synack_retransmitted = true;
  open.socket_options = options_;
  ctx_.trace_state(now, seg.tuple, TcpState::kListen, TcpState::kSynReceived,
                   "ACK with a valid SYN cookie");
  return open;
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
