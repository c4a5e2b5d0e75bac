#pragma once
// One TCP connection's control block and state machine (RFC 9293 section 3.3 and 3.10), for
// every state a full connection object holds: SYN_SENT, SYN_RECEIVED (simultaneous open),
// ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK. A passive open's
// SYN_RECEIVED lives in the listener's compact entry and TIME_WAIT in the compact TIME_WAIT
// table; the owner moves the connection there when it reports state TIME_WAIT.
//
// The connection is the state machine and the RFC 9293 3.10.7 step dispatcher; the byte stream
// is split by concern, as gVisor (snd.go, rcv.go, sack_recovery.go) and CS144 do it:
//  - TcpSender (sender.hpp): SND.*, the send ring, segment planning, RTT, RTO and persist timers;
//  - TcpReceiver (receiver.hpp): RCV.*, the receive ring and reassembly, the advertised window,
//    delayed ACKs, TS.Recent;
//  - LossRecovery (loss_recovery.hpp): what is lost and what to resend (RFC 6675 with SACK,
//    RFC 6582 NewReno without), its state written nowhere else.
// Keepalive, the FIN_WAIT_2 timer and the application's requests stay here.
//
// Sans-IO: every method that needs the time takes it; segments leave through the context.
#include <cstdint>
#include <memory>
#include <optional>

#include "synack/core/time.hpp"
#include "synack/tcp/congestion_control.hpp"
#include "synack/tcp/context.hpp"
#include "synack/tcp/handshake_options.hpp"
#include "synack/tcp/loss_recovery.hpp"
#include "synack/tcp/receiver.hpp"
#include "synack/tcp/rtt_estimator.hpp"
#include "synack/tcp/segment.hpp"
#include "synack/tcp/sender.hpp"
#include "synack/tcp/socket_options.hpp"
#include "synack/tcp/state.hpp"
#include "synack/tcp/time_wait.hpp"

namespace synack {

// What a completed passive handshake hands to the new connection.
struct PassiveOpen {
  FourTuple tuple;
  SeqNum iss;
  SeqNum irs;
  HandshakeOptions options;
  std::uint16_t our_mss = 536;
  Instant syn_time;  // when the SYN arrived: first RTT sample (Karn-safe if not retransmitted)
  bool synack_retransmitted = false;
  TcpSocketOptions socket_options;
};

class TcpConnection : private SegmentOutput {
 public:
  // Active open: the connection starts in SYN_SENT and sends its SYN at the next poll.
  TcpConnection(TcpContext& ctx, Instant now, const FourTuple& tuple, std::uint16_t our_mss,
                const TcpSocketOptions& options);
  // Passive open completed by the handshake ACK: starts in ESTABLISHED.
  TcpConnection(TcpContext& ctx, Instant now, const PassiveOpen& open);

  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  // ---- driven by the owner ----
  void on_segment(Instant now, const InboundSegment& seg);
  // Sends what is due and fires expired timers.
  void poll(Instant now);
  Instant next_deadline() const;

  // ---- the application's calls (errno-style results are the owner's job) ----
  std::size_t send(Bytes data);           // bytes taken into the send buffer
  std::size_t receive(MutableBytes out);  // bytes copied out of the receive buffer
  // These three take effect at the next poll (next_deadline() says so at once).
  void shutdown_write();  // queue our FIN after pending data
  void close();           // shutdown_write + orphan (RST if unread data)
  void abort();           // send RST, go to CLOSED
  void set_no_delay(bool on) { socket_options_.no_delay = on; }
  void set_keepalive(bool on, Duration idle, Duration interval, int probes);
  void set_congestion(CongestionAlgorithm algorithm);
  // A network error for this connection, like EHOSTUNREACH when the neighbour never answered
  // ARP. RFC 1122 4.2.3.9 makes it a soft error: it is kept and reported instead of ETIMEDOUT
  // if the connection later times out. In SYN-SENT it ends the attempt at once, as Linux's
  // tcp_v4_err does, so connect() fails after one failed resolution (3 s), not after 127 s.
  void on_network_error(Instant now, int error);
  // RACK-TLP (default) or RFC 6675 DupThresh loss detection, for SACK connections.
  void set_rack(bool on) {
    socket_options_.rack = on;
    recovery_.set_rack(on);
  }

  // ---- state for the owner and the socket API ----
  TcpState state() const { return state_; }
  const FourTuple& tuple() const { return tuple_; }
  int error() const { return error_; }  // errno value once the connection failed, else 0
  bool readable() const {
    return receiver_.bytes_readable() > 0 || receiver_.fin_received() || error_ != 0;
  }
  bool writable() const;
  std::size_t bytes_readable() const { return receiver_.bytes_readable(); }
  std::size_t send_space() const { return sender_.free_space(); }
  std::size_t bytes_unsent_or_unacked() const { return sender_.buffered(); }
  bool peer_closed() const { return receiver_.fin_received(); }
  bool orphaned() const { return orphaned_; }
  // The owner should free this connection (CLOSED) or move it to TIME_WAIT.
  bool finished() const { return state_ == TcpState::kClosed || state_ == TcpState::kTimeWait; }
  // What TIME_WAIT keeps of this connection, once state() is TIME_WAIT (expiry is the table's).
  TimeWaitEntry time_wait_entry() const;

  // Sequence-space snapshot, for TIME_WAIT entries, tests and TCP_INFO-style reports.
  SeqNum iss() const { return sender_.iss(); }
  SeqNum irs() const { return receiver_.irs(); }
  SeqNum snd_una() const { return sender_.snd_una(); }
  SeqNum snd_nxt() const { return sender_.snd_nxt(); }
  SeqNum rcv_nxt() const { return receiver_.rcv_nxt(); }
  std::uint32_t snd_wnd() const { return sender_.snd_wnd(); }
  std::uint16_t send_mss() const { return sender_.mss(); }
  std::uint32_t cwnd() const { return sender_.congestion().cwnd(); }
  std::uint32_t ssthresh() const { return sender_.congestion().ssthresh(); }
  const CongestionControl& congestion() const { return sender_.congestion(); }
  bool in_recovery() const { return recovery_.in_recovery(); }
  // The negotiated options, with TS.Recent as the receiver holds it now.
  HandshakeOptions options() const {
    HandshakeOptions o = options_;
    o.ts_recent = receiver_.ts_recent();
    return o;
  }
  const TcpSocketOptions& socket_options() const { return socket_options_; }
  const RttEstimator& rtt() const { return sender_.rtt(); }
  std::uint32_t ts_now(Instant now) const { return TcpContext::timestamp_clock(now) + ts_offset_; }
  int retransmissions() const { return sender_.retransmissions(); }

  const TcpSender& sender() const { return sender_; }
  const TcpReceiver& receiver() const { return receiver_; }
  const LossRecovery& recovery() const { return recovery_; }

 private:
  // Segment arrival, by RFC 9293 section 3.10.7 step.
  void on_segment_syn_sent(const InboundSegment& seg);
  bool passes_paws(const InboundSegment& seg);
  void on_rst(const InboundSegment& seg);
  void on_syn_when_synchronized(const InboundSegment& seg);
  bool on_ack(const InboundSegment& seg);
  void on_new_ack(const InboundSegment& seg);
  void on_text_and_fin(const InboundSegment& seg);
  void on_fin();

  // The application's deferred requests.
  void apply_requests();
  void begin_close();
  bool has_requests() const {
    return write_shutdown_requested_ || close_requested_ || abort_requested_;
  }

  // Output.
  void transmit_due();
  void send_syn();
  void send_ack(std::string_view reason);
  void send_challenge_ack(std::string_view reason);
  void send_reset(SeqNum seq, std::string_view reason);
  bool window_update_due() const;
  // SegmentOutput, for the sender.
  TcpRepr header(std::uint8_t flags, SeqNum seq) override;
  void emit(const TcpRepr& header, const SplitBytes& payload, std::string_view reason,
            bool retransmission, bool carries_ack) override;

  // Timers.
  void on_retransmission_timeout();
  void on_keepalive_timeout();
  Instant keepalive_deadline() const;

  void set_state(TcpState next, std::string_view reason);
  void fail(int error, std::string_view reason);
  void negotiated(const HandshakeOptions& options);
  std::optional<std::uint32_t> tsval_now() const {
    return options_.timestamps ? std::optional<std::uint32_t>{ts_now(now_)} : std::nullopt;
  }

  TcpContext& ctx_;
  FourTuple tuple_;
  TcpState state_ = TcpState::kClosed;
  Instant now_;
  int error_ = 0;
  int soft_error_ = 0;  // the last network error reported (RFC 1122 4.2.3.9)
  TcpSocketOptions socket_options_;
  std::uint16_t our_mss_ = 536;
  HandshakeOptions options_;  // negotiated; TS.Recent lives in the receiver
  std::uint32_t ts_offset_ = 0;

  // The sender only keeps a reference to the recovery (which starts from the sender's ISS).
  TcpSender sender_;
  LossRecovery recovery_;
  TcpReceiver receiver_;

  bool orphaned_ = false;  // the application closed; nobody will read
  bool passive_ = false;
  bool write_shutdown_requested_ = false;
  bool close_requested_ = false;
  bool abort_requested_ = false;

  // Timers of the connection as a whole.
  Instant fin_wait_2_deadline_ = kNever;
  Instant last_heard_;  // last segment from the peer (keepalive idle time)
  int keepalive_probes_sent_ = 0;
};

}  // namespace synack
