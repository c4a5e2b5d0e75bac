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
      seg.header.seq == receiver_.irs()) {
    // Simultaneous open, RFC 9293 figure 7 line 6: the peer's SYN-ACK repeats the SYN we already
    // have; what is new is its ACK of our SYN. Take the segment as that ACK.
    InboundSegment ack = seg;
    ack.header.seq = receiver_.irs() + 1;
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
  if (!receiver_.acceptable(seg)) {
    ctx_.trace_segment(now_, TcpEventKind::kSegmentDropped, tuple_, seg.header, seg.payload.size(),
                       "outside the receive window");
    if (!seg.header.has(kRst)) {
      receiver_.note_old_duplicate(seg);
      send_ack("ACK for unacceptable segment");
    }
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
  // RFC 7323 section 4.3: TS.Recent follows the segment that covers Last.ACK.sent.
  if (options_.timestamps) receiver_.remember_timestamp(seg);
  // Sixth (URG) is not supported: urgent data is delivered inline, as Linux does by default.
  // Seventh and eighth: segment text and FIN.
  on_text_and_fin(seg);
}

void TcpConnection::on_segment_syn_sent(const InboundSegment& seg) {
  const TcpRepr& h = seg.header;
  // 3.10.7.3 first: an ACK that does not acknowledge our SYN.
  if (h.has(kAck) && (h.ack <= sender_.iss() || h.ack > sender_.snd_max())) {
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
  // Our SYN offered min(free space, 64 KiB) unscaled.
  receiver_.on_syn(h.seq);
  negotiated(negotiate(ctx_.config, h.options, options_.receive_shift));
  // RFC 7323 section 2.2: the window in a SYN is never scaled.
  sender_.take_syn_window(h);
  if (h.has(kAck)) {
    sender_.on_syn_acked(now_, h.ack);
    set_state(TcpState::kEstablished, "SYN-ACK received");
    if (sender_.fin_queued()) set_state(TcpState::kFinWait1, "close queued during handshake");
    // The third message of the handshake (data, if queued, carries it).
    receiver_.request_ack("handshake ACK");
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
  sender_.restart_handshake();
  send_syn();
}

bool TcpConnection::passes_paws(const InboundSegment& seg) {
  // RFC 7323 section 5.3 R1: a segment whose TSval is older than TS.Recent is an old duplicate.
  if (!options_.timestamps || seg.header.has(kRst) || !seg.header.options.timestamps) return true;
  if (!receiver_.older_than_ts_recent(seg.header.options.timestamps->value)) return true;
  ++ctx_.counters.PAWSEstabRejected;
  ctx_.trace_segment(now_, TcpEventKind::kSegmentDropped, tuple_, seg.header, seg.payload.size(),
                     "PAWS: old timestamp");
  send_ack("ACK for PAWS-rejected segment");
  return false;
}

void TcpConnection::on_rst(const InboundSegment& seg) {
  // RFC 5961 section 3.2: only an exact RCV.NXT match resets; any other in-window RST gets a
  // challenge ACK, which a genuine peer answers with an exact RST.
  if (seg.header.seq != receiver_.rcv_nxt()) {
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
    if (!(sender_.snd_una() < h.ack && h.ack <= sender_.snd_max())) {
      send_reset(h.ack, "RST for unacceptable ACK in SYN_RECEIVED");
      return false;
    }
    set_state(TcpState::kEstablished, "ACK of our SYN-ACK");
    if (sender_.fin_queued()) set_state(TcpState::kFinWait1, "close queued during handshake");
    sender_.expect_first_window(receiver_.irs());  // the window of this first ACK is taken below
  }
  // RFC 9293 3.10.7.4 / RFC 5961 section 5.2: an ACK for data never sent, or older than the
  // largest window the peer ever offered, is dropped with an ACK.
  if (sender_.ack_unacceptable(h.ack)) {
    send_challenge_ack("ACK outside the acceptable range");
    return false;
  }
  const bool sack_news = recovery_.on_sack_blocks(
      {h.options.sack_blocks.data(), h.options.sack_block_count}, sender_.flight(), h.ack);
  const bool duplicate =
      options_.sack_permitted
          ? sack_news
          : LossRecovery::is_duplicate_ack(h, seg.payload.size(), sender_.flight(),
                                           std::uint32_t{h.window} << options_.send_shift,
                                           sender_.snd_wnd());
  if (h.ack > sender_.snd_una()) {
    on_new_ack(seg);
  } else if (duplicate) {
    // RFC 6675 section 2: with SACK, a DupAck is an ACK that SACKs octets not SACKed before.
    // An ACK with nothing new (the peer answering a forged, PAWS-rejected or out-of-window
    // segment) says nothing about loss: counting it would let a blind attacker, or mere
    // duplication on the path, trigger spurious fast retransmits and window reductions.
    recovery_.on_duplicate_ack(now_, sender_.flight(), sender_.congestion());
  }
  if (h.ack >= sender_.snd_una()) sender_.update_window(h, options_.send_shift);
  recovery_.on_ack_processed(now_, sender_.flight(), sender_.rtt().srtt(), sender_.congestion());

  const bool fin_acked = sender_.fin_acked();
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
  const TcpSender::Acknowledged acked = sender_.acknowledge(now_, seg, tsval_now());
  recovery_.on_cumulative_ack(now_, sender_.flight(), acked.bytes, acked.flight,
                              sender_.rtt().srtt(), sender_.congestion());
  // RFC 6298 section 5.2 and 5.3: stop the timer when everything is acknowledged, else restart.
  sender_.restart_retransmission_timer(now_);
  recovery_.schedule_probe(now_, sender_.flight(), sender_.rtt().srtt(),
                           sender_.retransmit_deadline());
}

void TcpConnection::on_text_and_fin(const InboundSegment& seg) {
  const bool accepts_text = state_ == TcpState::kEstablished || state_ == TcpState::kFinWait1 ||
                            state_ == TcpState::kFinWait2;
  if (!accepts_text) return;  // after the peer's FIN, no text is valid (3.10.7.4 seventh)
  const std::optional<ReceivedText> text = receiver_.trim(now_, seg);
  if (!text) return;
  if (!text->text.empty() && orphaned_) {
    // Nobody will read this: tell the peer with RST (Linux: TCPAbortOnData).
    ++ctx_.counters.TCPAbortOnData;
    send_reset(sender_.snd_nxt(), "RST: data after close");
    fail(ECONNRESET, "data arrived after close");
    return;
  }
  if (receiver_.accept(now_, *text)) on_fin();
}

void TcpConnection::on_fin() {
  receiver_.accept_fin();
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
