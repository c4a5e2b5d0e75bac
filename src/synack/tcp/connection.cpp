// Construction, the application's calls and state bookkeeping of TcpConnection.
#include "synack/tcp/connection.hpp"

#include <algorithm>
#include <cerrno>

namespace synack {

namespace {
// RACK's per-segment records: enough for a full send buffer of minimum-size (536) segments.
std::size_t rack_records(const TcpSocketOptions& options) {
  return options.send_buffer / 536 + 8;
}
}  // namespace

TcpConnection::TcpConnection(TcpContext& ctx, Instant now, const FourTuple& tuple,
                             std::uint16_t our_mss, const TcpSocketOptions& options)
    : ctx_(ctx),
      tuple_(tuple),
      now_(now),
      socket_options_(options),
      our_mss_(our_mss),
      ts_offset_(ctx.timestamp_offset(tuple)),
      sender_(ctx, *this, recovery_, socket_options_, ctx.initial_sequence(now, tuple), our_mss),
      recovery_(ctx.counters, sender_.iss(), rack_records(options)),
      receiver_(ctx, tuple_, options.receive_buffer, our_mss,
                ctx.config.window_scaling ? window_shift_for(options.receive_buffer) : 0),
      last_heard_(now) {
  options_.receive_shift = ctx.config.window_scaling ? window_shift_for(options.receive_buffer) : 0;
  ++ctx_.counters.ActiveOpens;
  set_state(TcpState::kSynSent, "connect");
}

TcpConnection::TcpConnection(TcpContext& ctx, Instant now, const PassiveOpen& open)
    : ctx_(ctx),
      tuple_(open.tuple),
      now_(now),
      socket_options_(open.socket_options),
      our_mss_(open.our_mss),
      ts_offset_(ctx.timestamp_offset(open.tuple)),
      sender_(ctx, *this, recovery_, socket_options_, open.iss, open.our_mss),
      recovery_(ctx.counters, open.iss + 1, rack_records(open.socket_options)),
      receiver_(ctx, tuple_, open.socket_options.receive_buffer, open.our_mss, 0),
      passive_(true),
      last_heard_(now) {
  // The SYN-ACK offered min(buffer, 64 KiB) unscaled (the listener sent it).
  receiver_.on_passive_open(open.irs);
  negotiated(open.options);
  sender_.on_passive_open(
      now, open.irs,
      open.synack_retransmitted ? std::nullopt : std::optional<Duration>{now - open.syn_time});
  state_ = TcpState::kSynReceived;  // the listener's entry was SYN_RECEIVED
  set_state(TcpState::kEstablished, "handshake ACK");
}

void TcpConnection::negotiated(const HandshakeOptions& options) {
  options_ = options;
  receiver_.negotiated(options.receive_shift, options.ts_recent);
  sender_.negotiated(options.peer_mss, options.timestamps);
  recovery_.set_sack(options.sack_permitted);
  recovery_.set_rack(socket_options_.rack);
}

void TcpConnection::set_keepalive(bool on, Duration idle, Duration interval, int probes) {
  socket_options_.keepalive = on;
  socket_options_.keepalive_idle = idle;
  socket_options_.keepalive_interval = interval;
  socket_options_.keepalive_probes = probes;
  keepalive_probes_sent_ = 0;
}

void TcpConnection::set_congestion(CongestionAlgorithm algorithm) {
  if (algorithm == sender_.congestion().algorithm()) return;
  socket_options_.congestion = algorithm;
  sender_.set_congestion(algorithm);
}

bool TcpConnection::writable() const {
  const bool can_send = state_ == TcpState::kEstablished || state_ == TcpState::kCloseWait;
  return (can_send && !sender_.fin_queued() && sender_.free_space() > 0) || error_ != 0;
}

std::size_t TcpConnection::send(Bytes data) {
  if (sender_.fin_queued() || error_ != 0 || has_requests() || !accepts_send(state_)) return 0;
  return sender_.push(data);
}

TimeWaitEntry TcpConnection::time_wait_entry() const {
  const HandshakeOptions negotiated = options();
  TimeWaitEntry tw;
  tw.tuple = tuple_;
  tw.snd_nxt = snd_nxt();
  tw.rcv_nxt = rcv_nxt();
  tw.timestamps = negotiated.timestamps;
  tw.ts_recent = negotiated.ts_recent;
  // The window our ACKs from TIME_WAIT advertise: the whole receive buffer, scaled.
  tw.window = static_cast<std::uint16_t>(
      std::min<std::size_t>(socket_options_.receive_buffer >> negotiated.receive_shift, 65535));
  return tw;
}

std::size_t TcpConnection::receive(MutableBytes out) {
  return receiver_.read(out);
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
    if (receiver_.bytes_readable() > 0 && is_synchronized(state_)) {
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
      send_reset(sender_.snd_nxt(), "abort");
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
      sender_.queue_fin();  // sent once ESTABLISHED (3.10.4)
      return;
    case TcpState::kEstablished:
      // 3.10.4: the FIN follows all queued data; the state changes now.
      sender_.queue_fin();
      set_state(TcpState::kFinWait1, "close");
      return;
    case TcpState::kCloseWait:
      sender_.queue_fin();
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
    sender_.stop_timers();
    receiver_.stop_timers();
    fin_wait_2_deadline_ = kNever;
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

}  // namespace synack
