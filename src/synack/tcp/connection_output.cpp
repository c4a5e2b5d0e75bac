// Output and timers of TcpConnection: the transmission round at each poll (the sender's data
// and retransmissions, the receiver's ACKs and window updates), SYN and SYN-ACK, RST, challenge
// ACKs (RFC 5961), keepalive, and what every segment carries from the receiving half.
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
  // A probe due at the RTO's instant goes first and rearms the RTO (RFC 8985 7.3).
  if (recovery_.probe_deadline() <= now && sends_data_in(state_)) {
    ctx_.trace_timer(now_, tuple_, "tail loss probe");
    sender_.send_loss_probe(now_);
  }
  if (sender_.retransmit_deadline() <= now) on_retransmission_timeout();
  if (state_ == TcpState::kClosed) return;
  if (recovery_.reorder_deadline() <= now) {
    ctx_.trace_timer(now_, tuple_, "RACK reordering timer");
    recovery_.on_reorder_timeout(now_, sender_.flight(), sender_.rtt().srtt(),
                                 sender_.congestion());
  }
  if (fin_wait_2_deadline_ <= now) {
    ctx_.trace_timer(now_, tuple_, "FIN_WAIT_2 timeout");
    ++ctx_.counters.TCPAbortOnLinger;
    set_state(TcpState::kClosed, "orphaned FIN_WAIT_2 timed out");
    return;
  }
  if (sender_.persist_deadline() <= now) {
    ctx_.trace_timer(now_, tuple_, "persist timer");
    sender_.on_persist_timeout(now_);
  }
  if (keepalive_deadline() <= now) {
    on_keepalive_timeout();
    if (state_ == TcpState::kClosed) return;
  }
  receiver_.on_delayed_ack_deadline(now);
  transmit_due();
}

Instant TcpConnection::next_deadline() const {
  if (state_ == TcpState::kClosed || state_ == TcpState::kTimeWait) return kNever;
  if (has_requests() || receiver_.ack_due() ||
      (state_ == TcpState::kSynSent && !sender_.syn_sent()) || window_update_due()) {
    return now_;
  }
  if (sends_data_in(state_) && (recovery_.retransmission_due() || sender_.plan_segment().ready)) {
    return now_;
  }
  Instant next = earliest(sender_.retransmit_deadline(),
                          earliest(receiver_.delayed_ack_deadline(), fin_wait_2_deadline_));
  next = earliest(next, earliest(recovery_.reorder_deadline(), recovery_.probe_deadline()));
  return earliest(next, earliest(sender_.persist_deadline(), keepalive_deadline()));
}

void TcpConnection::transmit_due() {
  if (state_ == TcpState::kSynSent && !sender_.syn_sent()) send_syn();
  if (sends_data_in(state_)) sender_.transmit(now_);
  if (receiver_.ack_due() || window_update_due()) {
    send_ack(receiver_.ack_due() ? receiver_.ack_reason() : "window update");
  }
  receiver_.update_checked();
}

void TcpConnection::send_syn() {
  const bool synack = state_ == TcpState::kSynReceived;
  TcpRepr h = header(static_cast<std::uint8_t>(kSyn | (synack ? kAck : 0)), sender_.iss());
  // RFC 7323 2.2: the window field of a SYN is not scaled.
  h.window = static_cast<std::uint16_t>(std::min<std::uint32_t>(receiver_.window(), 65535));
  h.options = TcpOptions{};
  h.options.mss = our_mss_;
  if (ctx_.config.window_scaling && (!synack || options_.window_scaling)) {
    h.options.window_scale = options_.receive_shift;
  }
  if (ctx_.config.timestamps && (!synack || options_.timestamps)) {
    h.options.timestamps = TcpTimestamps{ts_now(now_), synack ? receiver_.ts_recent() : 0};
  }
  h.options.sack_permitted = ctx_.config.sack && (!synack || options_.sack_permitted);
  const bool retransmission = sender_.syn_sent();
  if (retransmission) ++ctx_.counters.TCPSynRetrans;
  sender_.on_syn_sent(now_, retransmission);
  ctx_.send(now_, tuple_, h, {}, synack ? "SYN-ACK (simultaneous open)" : "SYN", retransmission);
  if (synack) receiver_.on_syn_ack_sent();
  sender_.arm_retransmission_timer(now_);
}

void TcpConnection::send_ack(std::string_view reason) {
  const TcpRepr h = header(kAck, sender_.snd_nxt());
  ctx_.send(now_, tuple_, h, {}, reason);
  receiver_.on_ack_sent();
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

void TcpConnection::send_reset(SeqNum seq, std::string_view reason) {
  TcpRepr h;
  h.src_port = tuple_.local.port;
  h.dst_port = tuple_.remote.port;
  h.seq = seq;
  h.flags = kRst;
  ctx_.send(now_, tuple_, h, {}, reason);
}

TcpRepr TcpConnection::header(std::uint8_t flags, SeqNum seq) {
  TcpRepr h;
  h.src_port = tuple_.local.port;
  h.dst_port = tuple_.remote.port;
  h.seq = seq;
  h.flags = flags;
  if (flags & kAck) h.ack = receiver_.rcv_nxt();
  h.window = receiver_.advertised_window();
  if (options_.timestamps) {
    h.options.timestamps = TcpTimestamps{ts_now(now_), receiver_.ts_recent()};
  }
  if (options_.sack_permitted && (flags & kAck)) {
    h.options.sack_block_count = receiver_.sack_blocks(h.options);
  }
  return h;
}

void TcpConnection::emit(const TcpRepr& header, const SplitBytes& payload, std::string_view reason,
                         bool retransmission, bool carries_ack) {
  ctx_.send(now_, tuple_, header, payload, reason, retransmission);
  if (carries_ack) receiver_.on_ack_sent();
}

bool TcpConnection::window_update_due() const {
  if (state_ != TcpState::kEstablished && state_ != TcpState::kFinWait1 &&
      state_ != TcpState::kFinWait2) {
    return false;
  }
  return receiver_.window_update_due();
}

Instant TcpConnection::keepalive_deadline() const {
  // Only an idle connection is probed: nothing outstanding, nothing waiting to be sent.
  if (!socket_options_.keepalive || !is_synchronized(state_) || !sender_.idle()) return kNever;
  return last_heard_ + socket_options_.keepalive_idle +
         socket_options_.keepalive_interval * keepalive_probes_sent_;
}

void TcpConnection::on_keepalive_timeout() {
  ctx_.trace_timer(now_, tuple_, "keepalive timer");
  if (keepalive_probes_sent_ >= socket_options_.keepalive_probes) {
    ++ctx_.counters.TCPAbortOnKeepalive;
    send_reset(sender_.snd_nxt(), "RST: keepalive probes unanswered");
    fail(ETIMEDOUT, "keepalive: peer unreachable");
    return;
  }
  ++keepalive_probes_sent_;
  ++ctx_.counters.TCPKeepAlive;
  sender_.send_probe(now_, "keepalive probe");
}

void TcpConnection::on_retransmission_timeout() {
  ctx_.trace_timer(now_, tuple_, "retransmission timeout");
  ++ctx_.counters.TCPTimeouts;
  const int limit = state_ == TcpState::kSynSent       ? ctx_.config.syn_retries
                    : state_ == TcpState::kSynReceived ? ctx_.config.synack_retries
                                                       : ctx_.config.retries2;
  if (!sender_.on_retransmission_timeout(limit)) {
    if (state_ != TcpState::kSynSent) ++ctx_.counters.TCPAbortOnTimeout;
    fail(soft_error_ != 0 ? soft_error_ : ETIMEDOUT, "too many retransmissions");
    return;
  }
  if (state_ == TcpState::kSynSent || state_ == TcpState::kSynReceived) {
    send_syn();
    return;
  }
  // RFC 5681 section 3.1, equations 4 and 5, and the end of any recovery.
  sender_.congestion().on_retransmission_timeout(sender_.flight_size());
  recovery_.on_retransmission_timeout(sender_.snd_una());
  sender_.go_back(now_);
}

}  // namespace synack
