// Segment output and timers of TcpConnection: SYN and SYN-ACK, data and FIN within the send and
// congestion windows (Nagle, RFC 9293 3.7.4; silly-window avoidance, 3.8.6.2), retransmissions
// in loss recovery (RFC 6675, RFC 6582), ACKs with SACK blocks (delayed per 3.8.6.3), RST, zero
// window probes, keepalive probes, and the retransmission timer of RFC 6298.
#include <algorithm>
#include <cerrno>

#include "synack/tcp/connection.hpp"

namespace synack {

using namespace tcp_flags;

namespace {
bool sends_data_in(TcpState s) {
  return s == TcpState::kEstablished || s == TcpState::kCloseWait || s == TcpState::kFinWait1 ||
         s == TcpState::kClosing || s == TcpState::kLastAck;
}
}  // namespace

void TcpConnection::poll(Instant now) {
  now_ = now;
  apply_requests();
  if (state_ == TcpState::kClosed) return;
  if (retransmit_deadline_ <= now) on_retransmission_timeout();
  if (state_ == TcpState::kClosed) return;
  if (fin_wait_2_deadline_ <= now) {
    ctx_.trace_timer(now_, tuple_, "FIN_WAIT_2 timeout");
    ++ctx_.counters.TCPAbortOnLinger;
    set_state(TcpState::kClosed, "orphaned FIN_WAIT_2 timed out");
    return;
  }
  if (persist_deadline_ <= now) on_persist_timeout();
  if (keepalive_deadline() <= now) {
    on_keepalive_timeout();
    if (state_ == TcpState::kClosed) return;
  }
  if (delayed_ack_deadline_ <= now) {
    ack_now_ = true;
    ack_reason_ = "delayed ACK";
  }
  transmit_due();
}

Instant TcpConnection::next_deadline() const {
  if (state_ == TcpState::kClosed || state_ == TcpState::kTimeWait) return kNever;
  if (has_requests() || ack_now_ || (state_ == TcpState::kSynSent && !syn_sent_) ||
      window_update_due()) {
    return now_;
  }
  if (sends_data_in(state_) && (resend_first_ || plan_segment().ready)) return now_;
  Instant next =
      earliest(retransmit_deadline_, earliest(delayed_ack_deadline_, fin_wait_2_deadline_));
  return earliest(next, earliest(persist_deadline_, keepalive_deadline()));
}

void TcpConnection::transmit_due() {
  if (state_ == TcpState::kSynSent && !syn_sent_) send_syn();
  if (sends_data_in(state_)) {
    retransmit_lost();
    while (send_data_segment()) {
    }
    arm_persist_timer();
  }
  if (ack_now_ || window_update_due()) send_ack(ack_now_ ? ack_reason_ : "window update");
  read_since_update_check_ = false;
}

void TcpConnection::send_syn() {
  const bool synack = state_ == TcpState::kSynReceived;
  TcpRepr h = base_header(static_cast<std::uint8_t>(kSyn | (synack ? kAck : 0)), iss_);
  // RFC 7323 2.2: the window field of a SYN is not scaled.
  h.window = static_cast<std::uint16_t>(std::min<std::size_t>(receive_window(), 65535));
  h.options = TcpOptions{};
  h.options.mss = our_mss_;
  if (ctx_.config.window_scaling && (!synack || options_.window_scaling)) {
    h.options.window_scale = options_.receive_shift;
  }
  if (ctx_.config.timestamps && (!synack || options_.timestamps)) {
    h.options.timestamps = TcpTimestamps{ts_now(now_), synack ? options_.ts_recent : 0};
  }
  h.options.sack_permitted = ctx_.config.sack && (!synack || options_.sack_permitted);
  const bool retransmission = syn_sent_;
  if (retransmission) {
    ++ctx_.counters.TCPSynRetrans;
  } else {
    rtt_probe_seq_ = iss_;
    rtt_probe_sent_ = now_;
  }
  syn_sent_ = true;
  snd_nxt_ = iss_ + 1;
  snd_max_ = seq_max(snd_max_, snd_nxt_);
  ctx_.send(now_, tuple_, h, {}, synack ? "SYN-ACK (simultaneous open)" : "SYN", retransmission);
  if (synack) {
    last_ack_sent_ = rcv_nxt_;
    ack_now_ = false;
  }
  arm_retransmission_timer();
}

std::uint32_t TcpConnection::pipe() const {
  // RFC 6675 SetPipe(): outstanding bytes, less those SACKed, less the holes below the highest
  // SACKed byte that are taken as lost and not yet resent. Outside SACK recovery it is simply
  // the flight size (NewReno accounts for departures by inflating cwnd instead).
  if (!in_recovery_ || !options_.sack_permitted) return flight_size();
  const SeqNum highest = scoreboard_.highest().value_or(snd_una_);
  const std::uint32_t outstanding = static_cast<std::uint32_t>(snd_max_ - snd_una_);
  const std::uint32_t sacked = scoreboard_.sacked_bytes_above(snd_una_);
  const std::uint32_t lost = scoreboard_.unsacked_bytes(seq_max(high_rxt_, snd_una_), highest);
  const std::uint32_t gone = sacked + lost;
  return outstanding > gone ? outstanding - gone : 0;
}

TcpConnection::SegmentPlan TcpConnection::plan_segment() const {
  const SeqNum end = send_buffer_end();
  const bool fin_unsent = fin_queued_ && snd_nxt_ <= end;
  const SeqNum next = scoreboard_.skip_sacked(snd_nxt_);
  const std::uint32_t unsent = next < end ? static_cast<std::uint32_t>(end - next) : 0;
  // The peer's window counts from SND.UNA; congestion control limits what is in the network.
  const std::uint32_t in_window = static_cast<std::uint32_t>(next - snd_una_);
  const std::uint32_t by_peer = snd_wnd_ > in_window ? snd_wnd_ - in_window : 0;
  const std::uint32_t in_pipe = pipe();
  // Limited transmit (RFC 3042): the first two duplicate ACKs each let one new segment out, so
  // a small window still produces the three duplicates fast retransmit needs.
  const std::uint32_t limited =
      in_recovery_ ? 0 : static_cast<std::uint32_t>(std::min(duplicate_acks_, 2)) * send_mss_;
  const std::uint32_t allowed = cc_->cwnd() + limited;
  const std::uint32_t by_cc = allowed > in_pipe ? allowed - in_pipe : 0;
  SegmentPlan plan;
  plan.length = std::min({unsent, by_peer, by_cc, std::uint32_t{send_mss_}});
  plan.with_fin = fin_unsent && plan.length == unsent && (plan.length > 0 || by_cc > 0);
  plan.ready = plan.length > 0 || plan.with_fin;
  if (plan.ready && !plan.with_fin && plan.length < send_mss_) {
    // Sender silly-window avoidance (RFC 9293 3.8.6.2.1): no small segment while more data
    // waits, unless it is at least half the largest window the peer offered. Nagle (3.7.4): no
    // small segment while data is unacknowledged.
    if (plan.length < unsent && plan.length < max_snd_wnd_ / 2) plan.ready = false;
    if (!socket_options_.no_delay && flight_size() > 0) plan.ready = false;
  }
  return plan;
}

bool TcpConnection::send_data_segment() {
  const SegmentPlan plan = plan_segment();
  if (!plan.ready) return false;
  snd_nxt_ = scoreboard_.skip_sacked(snd_nxt_);
  const bool retransmission = snd_nxt_ < snd_max_;
  send_segment_at(
      snd_nxt_, plan.length, plan.with_fin, retransmission,
      plan.with_fin ? "FIN" : (retransmission ? "data (resent after timeout)" : "data"));
  snd_nxt_ += plan.length + (plan.with_fin ? 1 : 0);
  snd_max_ = seq_max(snd_max_, snd_nxt_);
  arm_retransmission_timer();
  return plan.length > 0 && !plan.with_fin;
}

void TcpConnection::send_segment_at(SeqNum seq, std::uint32_t length, bool with_fin,
                                    bool retransmission, std::string_view reason) {
  std::uint8_t flags = kAck;
  if (with_fin) flags |= kFin;
  if (length > 0 && seq + length == send_buffer_end()) flags |= kPsh;
  const TcpRepr h = base_header(flags, seq);
  const SplitBytes payload = send_buffer_.peek(seq - send_buffer_seq_, length);
  if (!retransmission && !rtt_probe_seq_ && length > 0) {
    rtt_probe_seq_ = seq;
    rtt_probe_sent_ = now_;
  }
  if (retransmission) {
    if (rtt_probe_seq_ && !(*rtt_probe_seq_ < seq)) rtt_probe_seq_.reset();
    retransmitted_below_ = snd_max_;
  }
  ctx_.send(now_, tuple_, h, payload, reason, retransmission);
  last_ack_sent_ = rcv_nxt_;
  ack_now_ = false;
  unacked_segments_ = 0;
  delayed_ack_deadline_ = kNever;
  arm_retransmission_timer();  // (for new data the caller arms it once SND.MAX has moved)
}

void TcpConnection::retransmit_lost() {
  if (!in_recovery_) return;
  const SeqNum end = send_buffer_end();
  if (!options_.sack_permitted) {
    // RFC 6582: one segment from SND.UNA on entering recovery and after each partial ACK.
    if (!resend_first_) return;
    resend_first_ = false;
    const std::uint32_t length = std::min<std::uint32_t>(
        send_mss_, snd_una_ < end ? static_cast<std::uint32_t>(end - snd_una_) : 0);
    const bool fin = fin_queued_ && snd_una_ + length == end && snd_max_ > end;
    if (length == 0 && !fin) return;
    ++ctx_.counters.TCPFastRetrans;
    send_segment_at(snd_una_, length, fin, true, "fast retransmit");
    return;
  }
  // RFC 6675 NextSeg() rule 1: holes below the highest SACKed byte, lowest first, while pipe
  // leaves room (the very first one regardless, (4.3)).
  const SeqNum highest = scoreboard_.highest().value_or(snd_una_ + 1);
  while (resend_first_ || pipe() + send_mss_ <= cc_->cwnd()) {
    const auto hole =
        scoreboard_.next_hole(seq_max(high_rxt_, snd_una_), seq_min(highest, snd_max_));
    if (!hole) break;
    const SeqNum start = hole->first;
    const std::uint32_t data_left = start < end ? static_cast<std::uint32_t>(end - start) : 0;
    const std::uint32_t length = std::min<std::uint32_t>(
        {send_mss_, static_cast<std::uint32_t>(hole->second - start), data_left});
    const bool fin = fin_queued_ && start + length == end && hole->second > end;
    if (length == 0 && !fin) break;
    resend_first_ = false;
    ++ctx_.counters.TCPFastRetrans;
    send_segment_at(start, length, fin, true, "SACK retransmit");
    high_rxt_ = start + length + (fin ? 1 : 0);
  }
  resend_first_ = false;
}

void TcpConnection::send_ack(std::string_view reason) {
  const TcpRepr h = base_header(kAck, snd_nxt_);
  ctx_.send(now_, tuple_, h, {}, reason);
  last_ack_sent_ = rcv_nxt_;
  ack_now_ = false;
  unacked_segments_ = 0;
  delayed_ack_deadline_ = kNever;
}

void TcpConnection::send_challenge_ack(std::string_view reason) {
  // RFC 5961 section 7: a rate limit keeps challenge ACKs from becoming an amplifier.
  if (!ctx_.take_challenge_ack(now_)) {
    ctx_.trace_segment(now_, TcpEventKind::kSegmentDropped, tuple_, TcpRepr{}, 0,
                       "challenge ACK over the rate limit");
    return;
  }
  ++ctx_.counters.TCPChallengeACK;
  send_ack(reason);
}

void TcpConnection::send_probe(std::string_view reason) {
  // Like Linux (tcp_xmit_probe_skb): a bare ACK one below SND.UNA is outside the peer's window,
  // so the peer must answer with an ACK that carries its current window.
  const TcpRepr h = base_header(kAck, snd_una_ - 1);
  ctx_.send(now_, tuple_, h, {}, reason);
}

void TcpConnection::send_reset(SeqNum seq, std::string_view reason) {
  TcpRepr h;
  h.src_port = tuple_.local.port;
  h.dst_port = tuple_.remote.port;
  h.seq = seq;
  h.flags = kRst;
  ctx_.send(now_, tuple_, h, {}, reason);
}

TcpRepr TcpConnection::base_header(std::uint8_t flags, SeqNum seq) {
  TcpRepr h;
  h.src_port = tuple_.local.port;
  h.dst_port = tuple_.remote.port;
  h.seq = seq;
  h.flags = flags;
  if (flags & kAck) h.ack = rcv_nxt_;
  h.window = advertised_window();
  if (options_.timestamps) h.options.timestamps = TcpTimestamps{ts_now(now_), options_.ts_recent};
  if (options_.sack_permitted && (flags & kAck) && !reassembly_.empty()) {
    h.options.sack_block_count = static_cast<std::uint8_t>(
        reassembly_.sack_blocks({h.options.sack_blocks.data(), h.options.sack_blocks.size()}));
  }
  return h;
}

std::uint16_t TcpConnection::advertised_window() {
  // Receiver silly-window avoidance (RFC 9293 3.8.6.2.2): move the right edge only by at least
  // min(buffer / 2, MSS), so a slowly reading application does not invite tiny segments; and
  // never move it left (3.8.6: a window must not shrink), which scaling could otherwise do.
  const std::uint8_t shift = options_.receive_shift;
  const std::uint32_t free = receive_window();
  const std::uint32_t step =
      std::min<std::uint32_t>(static_cast<std::uint32_t>(receive_buffer_.capacity() / 2), our_mss_);
  const SeqNum possible_edge = rcv_nxt_ + free;
  if (possible_edge >= rcv_adv_ + step ||
      (possible_edge > rcv_adv_ && free == receive_buffer_.capacity())) {
    rcv_adv_ = possible_edge;
  }
  const std::uint32_t window =
      rcv_adv_ > rcv_nxt_ ? static_cast<std::uint32_t>(rcv_adv_ - rcv_nxt_) : 0;
  // Round up so the scaled window still covers the edge; what the peer sends beyond our free
  // space is trimmed and acknowledged, never lost.
  return static_cast<std::uint16_t>(
      std::min<std::uint32_t>((window + (1u << shift) - 1) >> shift, 65535));
}

bool TcpConnection::window_update_due() const {
  // Only reading frees space, so only a read can make an update worthwhile (Linux checks in
  // tcp_cleanup_rbuf after each read the same way).
  if (!read_since_update_check_) return false;
  if (state_ != TcpState::kEstablished && state_ != TcpState::kFinWait1 &&
      state_ != TcpState::kFinWait2) {
    return false;
  }
  // Receiver silly-window avoidance (RFC 9293 3.8.6.2.2): announce a larger window only when it
  // grew by min(buffer / 2, MSS), and (like Linux) only when the advertised remainder is
  // less than half of what we could offer, so bulk transfers do not get an update per read.
  const std::uint32_t offered =
      rcv_adv_ > rcv_nxt_ ? static_cast<std::uint32_t>(rcv_adv_ - rcv_nxt_) : 0;
  const std::uint32_t possible = receive_window();
  const std::uint32_t threshold =
      std::min<std::uint32_t>(static_cast<std::uint32_t>(receive_buffer_.capacity() / 2), our_mss_);
  return possible >= offered + threshold && possible >= 2 * offered;
}

void TcpConnection::schedule_ack(bool immediately) {
  if (immediately) {
    ack_now_ = true;
    ack_reason_ = "ACK";
    return;
  }
  if (delayed_ack_deadline_ == kNever) delayed_ack_deadline_ = now_ + ctx_.config.delayed_ack;
}

void TcpConnection::arm_retransmission_timer() {
  // RFC 6298 section 5.1: start the timer when data (or SYN/FIN) is outstanding and it is off.
  if (retransmit_deadline_ == kNever && snd_max_ > snd_una_) {
    retransmit_deadline_ = now_ + rtt_.rto();
  }
}

void TcpConnection::arm_persist_timer() {
  // RFC 9293 3.8.6.1: with data waiting, nothing in flight and a window too small to send into
  // (zero, or held back by silly-window avoidance), probe the peer so a lost window update
  // cannot deadlock the connection.
  const bool waiting =
      send_buffer_end() > snd_nxt_ || (fin_queued_ && snd_max_ <= send_buffer_end());
  if (waiting && snd_max_ == snd_una_ && !plan_segment().ready) {
    if (persist_deadline_ == kNever) {
      const Duration interval = std::min(
          rtt_.rto() * (std::int64_t{1} << std::min(persist_backoff_, 20)), ctx_.config.rto_max);
      persist_deadline_ = now_ + interval;
    }
  } else {
    persist_deadline_ = kNever;
    persist_backoff_ = 0;
  }
}

void TcpConnection::on_persist_timeout() {
  persist_deadline_ = kNever;
  ctx_.trace_timer(now_, tuple_, "persist timer");
  ++ctx_.counters.TCPWinProbe;
  ++persist_backoff_;
  send_probe("zero window probe");
  arm_persist_timer();
}

Instant TcpConnection::keepalive_deadline() const {
  // Only an idle connection is probed: nothing outstanding, nothing waiting to be sent.
  if (!socket_options_.keepalive || !is_synchronized(state_) || snd_max_ != snd_una_ ||
      !send_buffer_.empty()) {
    return kNever;
  }
  return last_heard_ + socket_options_.keepalive_idle +
         socket_options_.keepalive_interval * keepalive_probes_sent_;
}

void TcpConnection::on_keepalive_timeout() {
  ctx_.trace_timer(now_, tuple_, "keepalive timer");
  if (keepalive_probes_sent_ >= socket_options_.keepalive_probes) {
    ++ctx_.counters.TCPAbortOnKeepalive;
    send_reset(snd_nxt_, "RST: keepalive probes unanswered");
    fail(ETIMEDOUT, "keepalive: peer unreachable");
    return;
  }
  ++keepalive_probes_sent_;
  ++ctx_.counters.TCPKeepAlive;
  send_probe("keepalive probe");
}

void TcpConnection::on_retransmission_timeout() {
  retransmit_deadline_ = kNever;
  ctx_.trace_timer(now_, tuple_, "retransmission timeout");
  ++ctx_.counters.TCPTimeouts;
  ++retransmit_count_;
  const int limit = state_ == TcpState::kSynSent       ? ctx_.config.syn_retries
                    : state_ == TcpState::kSynReceived ? ctx_.config.synack_retries
                                                       : ctx_.config.retries2;
  if (retransmit_count_ > limit) {
    if (state_ != TcpState::kSynSent) ++ctx_.counters.TCPAbortOnTimeout;
    fail(soft_error_ != 0 ? soft_error_ : ETIMEDOUT, "too many retransmissions");
    return;
  }
  rtt_.back_off();         // RFC 6298 section 5.5
  rtt_probe_seq_.reset();  // Karn: never time a retransmitted segment
  if (state_ == TcpState::kSynSent || state_ == TcpState::kSynReceived) {
    send_syn();
    return;
  }
  // RFC 5681 section 3.1, equations 4 and 5, and the end of any recovery. RFC 2018 section 8:
  // after a timeout the SACK information is not trusted (the receiver may have reneged).
  cc_->on_retransmission_timeout(flight_size());
  in_recovery_ = false;
  resend_first_ = false;
  duplicate_acks_ = 0;
  scoreboard_.clear();
  // Go back to the oldest unacknowledged byte (RFC 6298 section 5.4) and resend from there.
  snd_nxt_ = snd_una_;
  high_rxt_ = snd_una_;
  send_data_segment();
  arm_retransmission_timer();
}

}  // namespace synack
