// Construction, the application's calls and state bookkeeping of TcpConnection.
#include "synack/tcp/connection.hpp"

#include <algorithm>
#include <cerrno>

namespace synack {

TcpConnection::TcpConnection(TcpContext& ctx, Instant now, const FourTuple& tuple,
                             std::uint16_t our_mss, const TcpSocketOptions& options)
    : ctx_(ctx),
      tuple_(tuple),
      now_(now),
      socket_options_(options),
      our_mss_(our_mss),
      ts_offset_(ctx.timestamp_offset(tuple)),
      send_buffer_(options.send_buffer),
      receive_buffer_(options.receive_buffer),
      cc_(make_congestion_control(options.congestion, our_mss)),
      last_heard_(now),
      rtt_(ctx.config.rto_initial, ctx.config.rto_min, ctx.config.rto_max) {
  iss_ = ctx.initial_sequence(now, tuple);
  snd_una_ = snd_nxt_ = snd_max_ = high_rxt_ = retransmitted_below_ = iss_;
  send_buffer_seq_ = iss_ + 1;
  options_.receive_shift = ctx.config.window_scaling ? window_shift_for(options.receive_buffer) : 0;
  ++ctx_.counters.ActiveOpens;
  set_state(TcpState::kSynSent, "connect");
}

TcpConnection::TcpConnection(TcpContext& ctx, Instant now, const PassiveOpen& open)
    : ctx_(ctx),
      tuple_(open.tuple),
      now_(now),
      socket_options_(open.socket_options),
      iss_(open.iss),
      snd_una_(open.iss + 1),
      snd_nxt_(open.iss + 1),
      snd_max_(open.iss + 1),
      our_mss_(open.our_mss),
      irs_(open.irs),
      rcv_nxt_(open.irs + 1),
      ts_offset_(ctx.timestamp_offset(open.tuple)),
      send_buffer_(open.socket_options.send_buffer),
      send_buffer_seq_(open.iss + 1),
      receive_buffer_(open.socket_options.receive_buffer),
      cc_(make_congestion_control(open.socket_options.congestion, open.our_mss)),
      high_rxt_(open.iss + 1),
      syn_sent_(true),
      passive_(true),
      last_heard_(now),
      rtt_(ctx.config.rto_initial, ctx.config.rto_min, ctx.config.rto_max) {
  // The SYN-ACK offered min(buffer, 64 KiB) unscaled (the listener sent it).
  rcv_adv_ = rcv_nxt_ + static_cast<std::uint32_t>(
                            std::min<std::size_t>(socket_options_.receive_buffer, 65535));
  last_ack_sent_ = rcv_nxt_;
  retransmitted_below_ = iss_;
  // The handshake ACK (seq = IRS + 1) is the first segment whose window counts.
  snd_wl1_ = irs_;
  snd_wl2_ = iss_;
  negotiated(open.options);
  if (!open.synack_retransmitted) rtt_.add_sample(now - open.syn_time);
  state_ = TcpState::kSynReceived;  // the listener's entry was SYN_RECEIVED
  set_state(TcpState::kEstablished, "handshake ACK");
}

void TcpConnection::negotiated(const HandshakeOptions& options) {
  options_ = options;
  // RFC 9293 3.7.1 and RFC 6691: the effective send MSS leaves room for the options we put on
  // every segment (timestamps: 12 bytes with padding).
  send_mss_ = static_cast<std::uint16_t>(std::min(options_.peer_mss, our_mss_) -
                                         (options_.timestamps ? 12 : 0));
  cc_ = make_congestion_control(socket_options_.congestion, send_mss_);
}

void TcpConnection::set_keepalive(bool on, Duration idle, Duration interval, int probes) {
  socket_options_.keepalive = on;
  socket_options_.keepalive_idle = idle;
  socket_options_.keepalive_interval = interval;
  socket_options_.keepalive_probes = probes;
  keepalive_probes_sent_ = 0;
}

void TcpConnection::set_congestion(CongestionAlgorithm algorithm) {
  if (algorithm == cc_->algorithm()) return;
  socket_options_.congestion = algorithm;
  // Like Linux's TCP_CONGESTION on a live socket, the new algorithm starts afresh, keeping the
  // current window so the change does not burst.
  const std::uint32_t cwnd = cc_->cwnd();
  cc_ = make_congestion_control(algorithm, send_mss_);
  cc_->on_retransmission_timeout(cwnd * 2);
  cc_->inflate(cwnd - cc_->cwnd());
}

bool TcpConnection::writable() const {
  const bool can_send = state_ == TcpState::kEstablished || state_ == TcpState::kCloseWait;
  return (can_send && !fin_queued_ && send_buffer_.free_space() > 0) || error_ != 0;
}

std::size_t TcpConnection::send(Bytes data) {
  if (fin_queued_ || error_ != 0 || has_requests()) return 0;
  switch (state_) {
    case TcpState::kSynSent:
    case TcpState::kSynReceived:  // RFC 9293 3.10.2: queue until ESTABLISHED
    case TcpState::kEstablished:
    case TcpState::kCloseWait:
      return send_buffer_.push(data);
    default:
      return 0;
  }
}

std::size_t TcpConnection::receive(MutableBytes out) {
  const std::size_t n = receive_buffer_.pop_into(out);
  // Reading can open the window: window_update_due() decides at the next poll.
  if (n > 0) read_since_update_check_ = true;
  return n;
}

// The application's close, shutdown and abort take effect at the next poll, which is handed the
// time: state changes and segments then carry the instant they really happen.
void TcpConnection::shutdown_write() {
  write_shutdown_requested_ = true;
}

void TcpConnection::close() {
  orphaned_ = true;
  close_requested_ = true;
}

void TcpConnection::abort() {
  abort_requested_ = true;
}

void TcpConnection::apply_requests() {
  if (close_requested_) {
    close_requested_ = false;
    if (!receive_buffer_.empty() && is_synchronized(state_)) {
      // RFC 9293 3.10.4 leaves this open; RFC 2525 section 2.17 and Linux send RST so the peer
      // learns that data was lost instead of believing it was read.
      ++ctx_.counters.TCPAbortOnClose;
      abort_requested_ = true;
    } else {
      write_shutdown_requested_ = true;
    }
  }
  if (abort_requested_) {
    abort_requested_ = write_shutdown_requested_ = false;
    if (is_synchronized(state_) && state_ != TcpState::kTimeWait) {
      send_reset(snd_nxt_, "abort");
    }
    if (state_ == TcpState::kEstablished || state_ == TcpState::kCloseWait) {
      ++ctx_.counters.EstabResets;
    }
    set_state(TcpState::kClosed, "abort");
    return;
  }
  if (write_shutdown_requested_) {
    write_shutdown_requested_ = false;
    begin_close();
  }
}

void TcpConnection::begin_close() {
  switch (state_) {
    case TcpState::kSynSent:
      // RFC 9293 3.10.4: CLOSE in SYN_SENT deletes the TCB.
      set_state(TcpState::kClosed, "close before handshake");
      return;
    case TcpState::kSynReceived:
      fin_queued_ = true;  // sent once ESTABLISHED (3.10.4)
      return;
    case TcpState::kEstablished:
      // 3.10.4: the FIN follows all queued data; the state changes now.
      fin_queued_ = true;
      set_state(TcpState::kFinWait1, "close");
      return;
    case TcpState::kCloseWait:
      fin_queued_ = true;
      set_state(TcpState::kLastAck, "close");
      return;
    default:
      return;
  }
}

void TcpConnection::set_state(TcpState next, std::string_view reason) {
  if (next == state_) return;
  const bool was_established = state_ == TcpState::kEstablished || state_ == TcpState::kCloseWait;
  const bool is_established = next == TcpState::kEstablished || next == TcpState::kCloseWait;
  if (was_established && !is_established) --ctx_.counters.CurrEstab;
  if (!was_established && is_established) ++ctx_.counters.CurrEstab;
  ctx_.trace_state(now_, tuple_, state_, next, reason);
  state_ = next;
  if (next == TcpState::kClosed || next == TcpState::kTimeWait) {
    retransmit_deadline_ = delayed_ack_deadline_ = fin_wait_2_deadline_ = persist_deadline_ =
        kNever;
  }
}

void TcpConnection::on_network_error(Instant now, int error) {
  now_ = now;
  if (state_ == TcpState::kSynSent) {
    fail(error, "neighbour unreachable");
    return;
  }
  soft_error_ = error;
}

void TcpConnection::fail(int error, std::string_view reason) {
  error_ = error;
  if (state_ == TcpState::kSynSent || state_ == TcpState::kSynReceived) {
    ++ctx_.counters.AttemptFails;
  }
  if (state_ == TcpState::kEstablished || state_ == TcpState::kCloseWait) {
    ++ctx_.counters.EstabResets;
  }
  set_state(TcpState::kClosed, reason);
}

SeqNum TcpConnection::send_buffer_end() const {
  return send_buffer_seq_ + static_cast<std::uint32_t>(send_buffer_.size());
}

std::uint32_t TcpConnection::receive_window() const {
  return static_cast<std::uint32_t>(receive_buffer_.free_space());
}

}  // namespace synack
