// Segment output and timers of TcpConnection: SYN and SYN-ACK, data and FIN within the send and
// congestion windows (with Nagle, RFC 9293 3.7.4), ACKs (delayed per 3.8.6.3), RST, and the
// retransmission timer of RFC 6298.
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
  if (sends_data_in(state_) && plan_segment().ready) return now_;
  return earliest(retransmit_deadline_, earliest(delayed_ack_deadline_, fin_wait_2_deadline_));
}

void TcpConnection::transmit_due() {
  if (state_ == TcpState::kSynSent && !syn_sent_) send_syn();
  if (sends_data_in(state_)) {
    while (send_data_segment()) {
    }
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
  const bool offer_ws = ctx_.config.window_scaling && (!synack || options_.window_scaling);
  if (offer_ws) h.options.window_scale = options_.receive_shift;
  if (ctx_.config.timestamps && (!synack || options_.timestamps)) {
    h.options.timestamps = TcpTimestamps{ts_now(now_), synack ? options_.ts_recent : 0};
  }
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

TcpConnection::SegmentPlan TcpConnection::plan_segment() const {
  const SeqNum end = send_buffer_end();
  const bool fin_unsent = fin_queued_ && snd_nxt_ <= end;
  const std::uint32_t unsent = snd_nxt_ < end ? static_cast<std::uint32_t>(end - snd_nxt_) : 0;
  const std::uint32_t window = std::min(snd_wnd_, cwnd_);
  const std::uint32_t usable = window > flight_size() ? window - flight_size() : 0;
  SegmentPlan plan;
  plan.length = std::min({unsent, usable, std::uint32_t{send_mss_}});
  plan.with_fin = fin_unsent && plan.length == unsent;
  plan.ready = plan.length > 0 || plan.with_fin;
  if (plan.ready && !plan.with_fin && plan.length < send_mss_) {
    // Sender silly-window avoidance (RFC 9293 3.8.6.2.1): no small segment while more data waits
    // for window. Nagle (3.7.4): no small segment while data is unacknowledged.
    if (plan.length < unsent) plan.ready = false;
    if (!no_delay_ && flight_size() > 0) plan.ready = false;
  }
  return plan;
}

bool TcpConnection::send_data_segment() {
  const SegmentPlan plan = plan_segment();
  if (!plan.ready) return false;
  const std::uint32_t length = plan.length;
  const bool with_fin = plan.with_fin;
  const std::uint32_t unsent =
      send_buffer_end() > snd_nxt_ ? static_cast<std::uint32_t>(send_buffer_end() - snd_nxt_) : 0;
  std::uint8_t flags = kAck;
  if (with_fin) flags |= kFin;
  if (length > 0 && length == unsent) flags |= kPsh;
  const TcpRepr h = base_header(flags, snd_nxt_);
  const SplitBytes payload = send_buffer_.peek(snd_nxt_ - send_buffer_seq_, length);
  const bool retransmission = snd_nxt_ < snd_max_;
  if (!retransmission && !rtt_probe_seq_ && length > 0) {
    rtt_probe_seq_ = snd_nxt_;
    rtt_probe_sent_ = now_;
  }
  ctx_.send(now_, tuple_, h, payload, with_fin ? "FIN" : "data", retransmission);
  snd_nxt_ += length + (with_fin ? 1 : 0);
  snd_max_ = seq_max(snd_max_, snd_nxt_);
  last_ack_sent_ = rcv_nxt_;
  ack_now_ = false;
  unacked_segments_ = 0;
  delayed_ack_deadline_ = kNever;
  arm_retransmission_timer();
  return length > 0 && !with_fin;
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
  ++ctx_.counters.TCPChallengeACK;
  send_ack(reason);
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
  return h;
}

std::uint16_t TcpConnection::advertised_window() {
  // Offer all free space, scaled, but never move the right edge left (RFC 9293 3.8.6: a window
  // must not shrink), which rounding by the scale could otherwise do.
  const std::uint8_t shift = options_.receive_shift;
  std::uint32_t scaled = std::min<std::uint32_t>(receive_window() >> shift, 65535);
  const SeqNum edge = rcv_nxt_ + (scaled << shift);
  if (edge < rcv_adv_) {
    scaled =
        std::min<std::uint32_t>(static_cast<std::uint32_t>(rcv_adv_ - rcv_nxt_) >> shift, 65535);
  } else {
    rcv_adv_ = edge;
  }
  return static_cast<std::uint16_t>(scaled);
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
    fail(ETIMEDOUT, "too many retransmissions");
    return;
  }
  rtt_.back_off();         // RFC 6298 section 5.5
  rtt_probe_seq_.reset();  // Karn: never time a retransmitted segment
  // RFC 5681 section 3.1, equations 4 and 5: halve ssthresh, restart from one segment.
  ssthresh_ = std::max<std::uint32_t>(flight_size() / 2, 2u * send_mss_);
  cwnd_ = send_mss_;
  if (state_ == TcpState::kSynSent || state_ == TcpState::kSynReceived) {
    send_syn();
    return;
  }
  // Go back to the oldest unacknowledged byte (RFC 6298 section 5.4); transmit_due() resends it.
  snd_nxt_ = snd_una_;
  send_data_segment();
  arm_retransmission_timer();
}

}  // namespace synack
