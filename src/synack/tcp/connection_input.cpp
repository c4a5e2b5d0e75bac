// Segment arrival: RFC 9293 section 3.10.7, step by step, with RFC 5961 (blind attacks) and
// RFC 7323 (PAWS, timestamps) where they amend it.
#include <algorithm>
#include <cerrno>

#include "synack/tcp/connection.hpp"

namespace synack {

using namespace tcp_flags;

void TcpConnection::on_segment(Instant now, const InboundSegment& seg) {
  now_ = now;
  if (state_ == TcpState::kClosed || state_ == TcpState::kTimeWait) return;
  last_heard_ = now;
  keepalive_probes_sent_ = 0;
  if (state_ == TcpState::kSynSent) {
    on_segment_syn_sent(seg);
    return;
  }
  if (state_ == TcpState::kSynReceived && seg.header.has(kSyn) && seg.header.has(kAck) &&
      seg.header.seq == irs_) {
    // Simultaneous open, RFC 9293 figure 7 line 6: the peer's SYN-ACK repeats the SYN we already
    // have; what is new is its ACK of our SYN. Take the segment as that ACK.
    InboundSegment ack = seg;
    ack.header.seq = irs_ + 1;
    ack.header.flags = static_cast<std::uint8_t>(seg.header.flags & ~kSyn);
    on_segment(now, ack);
    return;
  }
  if (!passes_paws(seg)) return;
  // RFC 5961 section 4.2: a SYN in a synchronized state gets a challenge ACK "irrespective of
  // the sequence number", so it is handled before the window check (as Linux does); otherwise
  // a blind SYN outside the window would get an ordinary, unlimited ACK.
  if (seg.header.has(kSyn) && !seg.header.has(kRst)) {
    on_syn_when_synchronized(seg);
    return;
  }
  // First: the sequence number (3.10.7.4). An unacceptable segment gets an ACK unless it is RST.
  if (!acceptable(seg)) {
    ctx_.trace_segment(now_, TcpEventKind::kSegmentDropped, tuple_, seg.header, seg.payload.size(),
                       "outside the receive window");
    if (!seg.header.has(kRst)) send_ack("ACK for unacceptable segment");
    return;
  }
  // Second: RST. Third (security) does not apply.
  if (seg.header.has(kRst)) {
    on_rst(seg);
    return;
  }
  // Fourth: SYN in a synchronized state.
  if (seg.header.has(kSyn)) {
    on_syn_when_synchronized(seg);
    return;
  }
  // Fifth: ACK. A segment without ACK is dropped.
  if (!seg.header.has(kAck)) {
    ctx_.trace_segment(now_, TcpEventKind::kSegmentDropped, tuple_, seg.header, seg.payload.size(),
                       "no ACK bit");
    return;
  }
  if (!on_ack(seg)) return;
  remember_timestamp(seg);
  // Sixth (URG) is not supported: urgent data is delivered inline, as Linux does by default.
  // Seventh and eighth: segment text and FIN.
  on_text_and_fin(seg);
}

void TcpConnection::on_segment_syn_sent(const InboundSegment& seg) {
  const TcpRepr& h = seg.header;
  // 3.10.7.3 first: an ACK that does not acknowledge our SYN.
  if (h.has(kAck) && (h.ack <= iss_ || h.ack > snd_max_)) {
    ctx_.trace_segment(now_, TcpEventKind::kSegmentDropped, tuple_, h, seg.payload.size(),
                       "ACK does not cover our SYN");
    if (!h.has(kRst)) send_reset(h.ack, "RST for unacceptable ACK in SYN_SENT");
    return;
  }
  // Second: RST. Only with an acceptable ACK (RFC 5961 section 3.2 leaves SYN_SENT as is).
  if (h.has(kRst)) {
    if (h.has(kAck)) {
      fail(ECONNREFUSED, "RST in answer to SYN: connection refused");
    } else {
      ctx_.trace_segment(now_, TcpEventKind::kSegmentDropped, tuple_, h, 0, "RST without ACK");
    }
    return;
  }
  // Fourth: SYN. Anything else is dropped.
  if (!h.has(kSyn)) {
    ctx_.trace_segment(now_, TcpEventKind::kSegmentDropped, tuple_, h, seg.payload.size(),
                       "no SYN in SYN_SENT");
    return;
  }
  irs_ = h.seq;
  rcv_nxt_ = h.seq + 1;
  // Our SYN offered min(free space, 64 KiB) unscaled.
  rcv_adv_ = rcv_nxt_ + std::min<std::uint32_t>(receive_window(), 65535);
  negotiated(negotiate(ctx_.config, h.options, options_.receive_shift));
  // RFC 7323 section 2.2: the window in a SYN is never scaled.
  snd_wnd_ = max_snd_wnd_ = h.window;
  snd_wl1_ = h.seq;
  snd_wl2_ = h.ack;
  if (h.has(kAck)) {
    if (rtt_probe_seq_) rtt_.add_sample(now_ - rtt_probe_sent_);
    rtt_probe_seq_.reset();
    snd_una_ = h.ack;
    retransmit_deadline_ = kNever;
    retransmit_count_ = 0;
    set_state(TcpState::kEstablished, "SYN-ACK received");
    if (fin_queued_) set_state(TcpState::kFinWait1, "close queued during handshake");
    ack_now_ = true;  // the third message of the handshake (data, if queued, carries it)
    ack_reason_ = "handshake ACK";
    if (!seg.payload.empty() || h.has(kFin)) {
      // Data on a SYN-ACK starts one past the SYN.
      InboundSegment rest = seg;
      rest.header.seq = h.seq + 1;
      rest.header.flags = static_cast<std::uint8_t>(h.flags & ~kSyn);
      on_text_and_fin(rest);
    }
    return;
  }
  // Simultaneous open (RFC 9293 figure 7): answer SYN with SYN-ACK from the same ISN.
  set_state(TcpState::kSynReceived, "SYN received in SYN_SENT: simultaneous open");
  snd_nxt_ = iss_;
  syn_sent_ = false;
  retransmit_deadline_ = kNever;
  retransmit_count_ = 0;
  send_syn();
}

bool TcpConnection::passes_paws(const InboundSegment& seg) {
  // RFC 7323 section 5.3 R1: a segment whose TSval is older than TS.Recent is an old duplicate.
  if (!options_.timestamps || seg.header.has(kRst) || !seg.header.options.timestamps) return true;
  const auto tsval = seg.header.options.timestamps->value;
  if (static_cast<std::int32_t>(tsval - options_.ts_recent) >= 0) return true;
  ++ctx_.counters.PAWSEstabRejected;
  ctx_.trace_segment(now_, TcpEventKind::kSegmentDropped, tuple_, seg.header, seg.payload.size(),
                     "PAWS: old timestamp");
  send_ack("ACK for PAWS-rejected segment");
  return false;
}

bool TcpConnection::acceptable(const InboundSegment& seg) const {
  const std::uint32_t length = seg.sequence_length();
  const std::uint32_t window = receive_window();
  const SeqNum seq = seg.header.seq;
  // The four cases of RFC 9293 section 3.10.7.4. A segment exactly at RCV.NXT is always let
  // through so that its ACK, RST or FIN can be processed with a zero window (the text that does
  // not fit is trimmed later).
  if (seq == rcv_nxt_) return true;
  if (window == 0) return false;
  const SeqNum window_end = rcv_nxt_ + window;
  if (length == 0) return seq_in_range(seq, rcv_nxt_, window_end);
  return seq_in_range(seq, rcv_nxt_, window_end) ||
         seq_in_range(seq + (length - 1), rcv_nxt_, window_end);
}

void TcpConnection::on_rst(const InboundSegment& seg) {
  // RFC 5961 section 3.2: only an exact RCV.NXT match resets; any other in-window RST gets a
  // challenge ACK, which a genuine peer answers with an exact RST.
  if (seg.header.seq != rcv_nxt_) {
    send_challenge_ack("challenge ACK for inexact RST");
    return;
  }
  ctx_.trace_segment(now_, TcpEventKind::kSegmentReceived, tuple_, seg.header, 0, "RST accepted");
  switch (state_) {
    case TcpState::kSynReceived:
      fail(ECONNREFUSED, "RST in SYN_RECEIVED");
      return;
    case TcpState::kEstablished:
    case TcpState::kFinWait1:
    case TcpState::kFinWait2:
    case TcpState::kCloseWait:
      fail(ECONNRESET, "connection reset by peer");
      return;
    default:  // CLOSING, LAST_ACK: the close simply completes
      set_state(TcpState::kClosed, "RST while closing");
      return;
  }
}

void TcpConnection::on_syn_when_synchronized(const InboundSegment& seg) {
  // RFC 5961 section 4.2 (adopted by RFC 9293 3.10.7.4): never reset on a SYN; send a challenge
  // ACK. A peer that really restarted answers it with an RST carrying the right sequence number.
  (void)seg;
  ++ctx_.counters.TCPSYNChallenge;
  send_challenge_ack("challenge ACK for SYN in synchronized state");
}

bool TcpConnection::on_ack(const InboundSegment& seg) {
  const TcpRepr& h = seg.header;
  if (state_ == TcpState::kSynReceived) {
    if (!(snd_una_ < h.ack && h.ack <= snd_max_)) {
      send_reset(h.ack, "RST for unacceptable ACK in SYN_RECEIVED");
      return false;
    }
    set_state(TcpState::kEstablished, "ACK of our SYN-ACK");
    if (fin_queued_) set_state(TcpState::kFinWait1, "close queued during handshake");
    snd_wl1_ = irs_;  // the window of this first ACK is taken below
    snd_wl2_ = iss_;
  }
  // RFC 9293 3.10.7.4 / RFC 5961 section 5.2: an ACK for data never sent, or older than the
  // largest window the peer ever offered, is dropped with an ACK.
  if (h.ack > snd_max_ || h.ack < snd_una_ - max_snd_wnd_) {
    send_challenge_ack("ACK outside the acceptable range");
    return false;
  }
  bool sack_news = false;
  if (options_.sack_permitted && h.options.sack_block_count > 0) {
    sack_news = scoreboard_.add({h.options.sack_blocks.data(), h.options.sack_block_count},
                                snd_una_, snd_max_);
  }
  if (h.ack > snd_una_) {
    on_new_ack(seg);
  } else if (options_.sack_permitted ? sack_news : is_duplicate_ack(seg)) {
    // RFC 6675 section 2: with SACK, a DupAck is an ACK that SACKs octets not SACKed before.
    // An ACK with nothing new (the peer answering a forged, PAWS-rejected or out-of-window
    // segment) says nothing about loss: counting it would let a blind attacker, or mere
    // duplication on the path, trigger spurious fast retransmits and window reductions.
    on_duplicate_ack();
  }
  if (h.ack >= snd_una_) update_send_window(seg);

  const bool fin_acked = this->fin_acked();
  switch (state_) {
    case TcpState::kFinWait1:
      if (fin_acked) {
        set_state(TcpState::kFinWait2, "our FIN acknowledged");
        if (orphaned_) fin_wait_2_deadline_ = now_ + ctx_.config.fin_timeout;
      }
      return true;
    case TcpState::kClosing:
      if (fin_acked) set_state(TcpState::kTimeWait, "our FIN acknowledged in CLOSING");
      return false;
    case TcpState::kLastAck:
      if (fin_acked) set_state(TcpState::kClosed, "our FIN acknowledged in LAST_ACK");
      return false;
    default:
      return true;
  }
}

void TcpConnection::on_new_ack(const InboundSegment& seg) {
  const SeqNum ack = seg.header.ack;
  const SeqNum previous_una = snd_una_;
  const std::uint32_t flight_before = flight_size();
  std::uint32_t acked = static_cast<std::uint32_t>(ack - snd_una_);
  if (snd_una_ == iss_) --acked;  // the SYN's sequence number is not a byte in the buffer
  const std::size_t data_acked = std::min<std::size_t>(acked, send_buffer_.size());
  send_buffer_.discard(data_acked);
  send_buffer_seq_ += static_cast<std::uint32_t>(data_acked);
  snd_una_ = ack;
  if (snd_nxt_ < snd_una_) snd_nxt_ = snd_una_;
  if (high_rxt_ < snd_una_) high_rxt_ = snd_una_;
  scoreboard_.acknowledge(snd_una_);
  if (const auto sample = rtt_sample(seg, previous_una)) rtt_.add_sample(*sample);
  retransmit_count_ = 0;
  duplicate_acks_ = 0;

  if (in_recovery_) {
    if (ack >= recovery_point_) {
      // RFC 6582 step 5 / RFC 6675: everything outstanding at the loss is acknowledged.
      in_recovery_ = false;
      cc_->on_recovery_end();
    } else if (!options_.sack_permitted) {
      // RFC 6582 step 5, partial ACK: resend the next hole at once, deflate by what was
      // acknowledged and add back one segment.
      resend_first_ = true;
      const std::uint32_t cwnd = cc_->cwnd();
      cc_->inflate(send_mss_ - std::min(acked, cwnd));
    }
  } else {
    cc_->on_ack(now_, acked, flight_before, rtt_.srtt());
  }
  // RFC 6298 section 5.2 and 5.3: stop the timer when everything is acknowledged, else restart.
  retransmit_deadline_ = kNever;
  arm_retransmission_timer();
}

std::optional<Duration> TcpConnection::rtt_sample(const InboundSegment& seg, SeqNum previous_una) {
  // RFC 7323 section 4.2: with timestamps an ACK of new data measures the round trip. But an
  // ACK for a retransmitted range may echo the timestamp of a much older segment (the receiver
  // answers duplicates with its older TS.Recent), which would inflate SRTT for minutes under
  // heavy loss; like Linux, take no timestamp sample for data sent before the last
  // retransmission.
  if (options_.timestamps && seg.header.options.timestamps &&
      seg.header.options.timestamps->echo != 0) {
    if (previous_una < retransmitted_below_) return std::nullopt;
    rtt_probe_seq_.reset();
    const auto elapsed =
        static_cast<std::int32_t>(ts_now(now_) - seg.header.options.timestamps->echo);
    if (elapsed >= 0) return milliseconds(elapsed);
    return std::nullopt;
  }
  // RFC 6298 section 3 (Karn): only a segment sent once gives a sample.
  if (rtt_probe_seq_ && seg.header.ack > *rtt_probe_seq_) {
    rtt_probe_seq_.reset();
    return now_ - rtt_probe_sent_;
  }
  return std::nullopt;
}

bool TcpConnection::is_duplicate_ack(const InboundSegment& seg) const {
  // RFC 5681 section 2, DUPLICATE ACKNOWLEDGMENT: data outstanding, no data or SYN/FIN on the
  // segment, the same ACK number and the same window.
  const TcpRepr& h = seg.header;
  return snd_max_ > snd_una_ && seg.payload.empty() && !h.has(kSyn) && !h.has(kFin) &&
         h.ack == snd_una_ &&
         (static_cast<std::uint32_t>(h.window) << options_.send_shift) == snd_wnd_;
}

void TcpConnection::on_duplicate_ack() {
  ++duplicate_acks_;
  if (in_recovery_) {
    // RFC 6582 step 4: each further duplicate means a segment left the network.
    if (!options_.sack_permitted) cc_->inflate(send_mss_);
    return;
  }
  // RFC 5681 3.2 (three duplicates) or RFC 6675 IsLost(SND.UNA): more than DupThresh - 1
  // segments' worth of data SACKed above it.
  constexpr int kDupThresh = 3;
  const bool lost_by_sack =
      options_.sack_permitted &&
      scoreboard_.sacked_bytes_above(snd_una_) > (kDupThresh - 1) * std::uint32_t{send_mss_};
  if (duplicate_acks_ >= kDupThresh || lost_by_sack) enter_recovery();
}

void TcpConnection::enter_recovery() {
  in_recovery_ = true;
  recovery_point_ = snd_max_;
  high_rxt_ = snd_una_;
  cc_->on_congestion_event(now_, flight_size());
  if (options_.sack_permitted) {
    ++ctx_.counters.TCPSackRecovery;
  } else {
    ++ctx_.counters.TCPRenoRecovery;
    cc_->inflate(3 * send_mss_);  // RFC 6582 step 2: the three segments that left
  }
  // RFC 5681 3.2 step 3 / RFC 6675 (4.3): the first lost segment goes out now, whatever pipe is.
  resend_first_ = true;
}

void TcpConnection::update_send_window(const InboundSegment& seg) {
  const TcpRepr& h = seg.header;
  // RFC 9293 3.10.7.4: take the window only from a segment newer than the last one used.
  if (snd_wl1_ < h.seq || (snd_wl1_ == h.seq && snd_wl2_ <= h.ack)) {
    snd_wnd_ = static_cast<std::uint32_t>(h.window) << options_.send_shift;
    snd_wl1_ = h.seq;
    snd_wl2_ = h.ack;
    max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
  }
}

void TcpConnection::remember_timestamp(const InboundSegment& seg) {
  // RFC 7323 section 4.3: TS.Recent follows the segment that covers Last.ACK.sent.
  if (!options_.timestamps || !seg.header.options.timestamps) return;
  if (seg.header.seq <= last_ack_sent_) options_.ts_recent = seg.header.options.timestamps->value;
}

void TcpConnection::on_text_and_fin(const InboundSegment& seg) {
  const TcpRepr& h = seg.header;
  const bool accepts_text = state_ == TcpState::kEstablished || state_ == TcpState::kFinWait1 ||
                            state_ == TcpState::kFinWait2;
  if (!accepts_text) return;  // after the peer's FIN, no text is valid (3.10.7.4 seventh)

  Bytes text = seg.payload;
  SeqNum seq = h.seq;
  bool fin = h.has(kFin);
  if (seq < rcv_nxt_) {  // trim what we already have
    const std::size_t skip = std::min<std::size_t>(rcv_nxt_ - seq, text.size());
    text = text.subspan(skip);
    seq += static_cast<std::uint32_t>(skip);
    if (text.empty() && seq < rcv_nxt_) fin = false;  // an old FIN we already counted
  }
  // Trim what lies beyond the window: it cannot be kept (3.10.7.4 seventh).
  const std::uint32_t window = receive_window();
  const std::uint32_t offset = static_cast<std::uint32_t>(seq - rcv_nxt_);
  if (offset >= window && !text.empty()) {
    ++ctx_.counters.TCPRcvQDrop;
    schedule_ack(true);
    return;
  }
  if (offset + text.size() > window) {
    ++ctx_.counters.TCPRcvQDrop;
    text = text.first(window - offset);
    fin = false;
  }
  if (!text.empty() && orphaned_) {
    // Nobody will read this: tell the peer with RST (Linux: TCPAbortOnData).
    ++ctx_.counters.TCPAbortOnData;
    send_reset(snd_nxt_, "RST: data after close");
    fail(ECONNRESET, "data arrived after close");
    return;
  }
  if (seq != rcv_nxt_) {
    accept_out_of_order(seq, text, fin);
    return;
  }
  const bool filled_hole = !reassembly_.empty();
  accept_in_order(text);
  if (fin && rcv_nxt_ == seq + static_cast<std::uint32_t>(text.size())) {
    reassembly_.set_fin(rcv_nxt_);
  }
  if (reassembly_.fin() && *reassembly_.fin() == rcv_nxt_) {
    reassembly_.clear_fin();
    on_fin();
    return;
  }
  if (!text.empty()) {
    ++unacked_segments_;
    // RFC 5681 section 4.2: ACK at once when the segment fills (part of) a hole, and at least
    // every second full-sized segment; otherwise delay.
    schedule_ack(filled_hole || unacked_segments_ >= 2);
  }
}

void TcpConnection::accept_in_order(Bytes text) {
  receive_buffer_.push(text);  // fits: trimmed to the window
  rcv_nxt_ += static_cast<std::uint32_t>(text.size());
  const SeqNum contiguous = reassembly_.advance(rcv_nxt_);
  if (contiguous > rcv_nxt_) {
    receive_buffer_.commit(static_cast<std::uint32_t>(contiguous - rcv_nxt_));
    rcv_nxt_ = contiguous;
  }
}

void TcpConnection::accept_out_of_order(SeqNum seq, Bytes text, bool fin) {
  // Kept in the receive buffer at its offset; RFC 5681 section 4.2: ACK out-of-order data at
  // once (the duplicate ACK, with SACK blocks, tells the sender about the hole).
  schedule_ack(true);
  if (text.empty()) return;
  if (!reassembly_.add(seq, seq + static_cast<std::uint32_t>(text.size()))) {
    ++ctx_.counters.TCPOFODrop;
    ctx_.trace_segment(now_, TcpEventKind::kSegmentDropped, tuple_, TcpRepr{}, text.size(),
                       "out-of-order ranges full");
    return;
  }
  ++ctx_.counters.TCPOFOQueue;
  receive_buffer_.write_beyond(static_cast<std::uint32_t>(seq - rcv_nxt_), text);
  if (fin) reassembly_.set_fin(seq + static_cast<std::uint32_t>(text.size()));
}

void TcpConnection::on_fin() {
  rcv_nxt_ += 1;
  fin_received_ = true;
  switch (state_) {
    case TcpState::kEstablished:
      set_state(TcpState::kCloseWait, "FIN received");
      break;
    case TcpState::kFinWait1:
      // Our FIN is not yet acknowledged (else we would be in FIN_WAIT_2): simultaneous close.
      set_state(TcpState::kClosing, "FIN received in FIN_WAIT_1: simultaneous close");
      break;
    case TcpState::kFinWait2:
      send_ack("ACK of FIN");
      set_state(TcpState::kTimeWait, "FIN received in FIN_WAIT_2");
      return;
    default:
      break;
  }
  send_ack("ACK of FIN");
}

}  // namespace synack
