#pragma once
// One TCP connection's control block and state machine (RFC 9293 section 3.3 and 3.10), for
// every state a full connection object holds: SYN_SENT, SYN_RECEIVED (simultaneous open),
// ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK. A passive open's
// SYN_RECEIVED lives in the listener's compact entry and TIME_WAIT in the compact TIME_WAIT
// table; the owner moves the connection there when it reports state TIME_WAIT.
//
// The byte stream: a send ring holding unacknowledged and unsent bytes, a receive ring that also
// holds out-of-order bytes at their offset (so reassembly memory is the advertised window), SACK
// both ways (RFC 2018) with RFC 6675 loss recovery (RFC 6582 NewReno without SACK), pluggable
// congestion control, timestamps for RTT and PAWS (RFC 7323), zero-window probing and keepalive.
//
// Sans-IO: every method that needs the time takes it; segments leave through the context.
#include <cstdint>
#include <memory>
#include <optional>

#include "synack/core/time.hpp"
#include "synack/tcp/byte_ring.hpp"
#include "synack/tcp/congestion_control.hpp"
#include "synack/tcp/context.hpp"
#include "synack/tcp/handshake_options.hpp"
#include "synack/tcp/reassembly.hpp"
#include "synack/tcp/rtt_estimator.hpp"
#include "synack/tcp/sack_scoreboard.hpp"
#include "synack/tcp/segment.hpp"
#include "synack/tcp/socket_options.hpp"
#include "synack/tcp/state.hpp"

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

class TcpConnection {
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

  // ---- state for the owner and the socket API ----
  TcpState state() const { return state_; }
  const FourTuple& tuple() const { return tuple_; }
  int error() const { return error_; }  // errno value once the connection failed, else 0
  bool readable() const { return !receive_buffer_.empty() || fin_received_ || error_ != 0; }
  bool writable() const;
  std::size_t bytes_readable() const { return receive_buffer_.size(); }
  std::size_t send_space() const { return send_buffer_.free_space(); }
  std::size_t bytes_unsent_or_unacked() const { return send_buffer_.size(); }
  bool peer_closed() const { return fin_received_; }
  bool orphaned() const { return orphaned_; }
  // The owner should free this connection (CLOSED) or move it to TIME_WAIT.
  bool finished() const { return state_ == TcpState::kClosed || state_ == TcpState::kTimeWait; }

  // Sequence-space snapshot, for TIME_WAIT entries, tests and TCP_INFO-style reports.
  SeqNum iss() const { return iss_; }
  SeqNum irs() const { return irs_; }
  SeqNum snd_una() const { return snd_una_; }
  SeqNum snd_nxt() const { return snd_nxt_; }
  SeqNum rcv_nxt() const { return rcv_nxt_; }
  std::uint32_t snd_wnd() const { return snd_wnd_; }
  std::uint16_t send_mss() const { return send_mss_; }
  std::uint32_t cwnd() const { return cc_->cwnd(); }
  std::uint32_t ssthresh() const { return cc_->ssthresh(); }
  const CongestionControl& congestion() const { return *cc_; }
  bool in_recovery() const { return in_recovery_; }
  const HandshakeOptions& options() const { return options_; }
  const TcpSocketOptions& socket_options() const { return socket_options_; }
  const RttEstimator& rtt() const { return rtt_; }
  std::uint32_t ts_now(Instant now) const { return TcpContext::timestamp_clock(now) + ts_offset_; }
  int retransmissions() const { return retransmit_count_; }

 private:
  // Segment arrival, by RFC 9293 section 3.10.7 step.
  void on_segment_syn_sent(const InboundSegment& seg);
  bool passes_paws(const InboundSegment& seg);
  bool acceptable(const InboundSegment& seg) const;
  void on_rst(const InboundSegment& seg);
  void on_syn_when_synchronized(const InboundSegment& seg);
  bool on_ack(const InboundSegment& seg);
  void on_new_ack(const InboundSegment& seg);
  bool is_duplicate_ack(const InboundSegment& seg) const;
  void on_duplicate_ack();
  void enter_recovery();
  std::optional<Duration> rtt_sample(const InboundSegment& seg, SeqNum previous_una);
  void update_send_window(const InboundSegment& seg);
  void on_text_and_fin(const InboundSegment& seg);
  void accept_in_order(Bytes text);
  void accept_out_of_order(SeqNum seq, Bytes text, bool fin);
  void on_fin();
  void remember_timestamp(const InboundSegment& seg);

  // The application's deferred requests.
  void apply_requests();
  void begin_close();
  bool has_requests() const {
    return write_shutdown_requested_ || close_requested_ || abort_requested_;
  }

  // Output.
  void transmit_due();
  void send_syn();
  // The next new (or, after a timeout, resent) data/FIN segment the windows, Nagle and
  // silly-window avoidance allow.
  struct SegmentPlan {
    std::uint32_t length = 0;
    bool with_fin = false;
    bool ready = false;
  };
  SegmentPlan plan_segment() const;
  bool send_data_segment();
  // Sends [seq, seq + length) from the send buffer, with FIN if it ends where our FIN goes.
  void send_segment_at(SeqNum seq, std::uint32_t length, bool with_fin, bool retransmission,
                       std::string_view reason);
  void retransmit_lost();
  std::uint32_t pipe() const;
  void send_ack(std::string_view reason);
  void send_challenge_ack(std::string_view reason);
  void send_probe(std::string_view reason);
  void send_reset(SeqNum seq, std::string_view reason);
  TcpRepr base_header(std::uint8_t flags, SeqNum seq);
  std::uint16_t advertised_window();
  bool window_update_due() const;

  // Timers.
  void on_retransmission_timeout();
  void arm_retransmission_timer();
  void arm_persist_timer();
  void on_persist_timeout();
  void on_keepalive_timeout();
  Instant keepalive_deadline() const;
  void schedule_ack(bool immediately);

  void set_state(TcpState next, std::string_view reason);
  void fail(int error, std::string_view reason);
  void negotiated(const HandshakeOptions& options);
  SeqNum send_buffer_end() const;
  std::uint32_t flight_size() const { return static_cast<std::uint32_t>(snd_nxt_ - snd_una_); }
  std::uint32_t receive_window() const;
  bool fin_acked() const { return fin_queued_ && snd_una_ == send_buffer_end() + 1; }

  TcpContext& ctx_;
  FourTuple tuple_;
  TcpState state_ = TcpState::kClosed;
  Instant now_;
  int error_ = 0;
  int soft_error_ = 0;  // the last network error reported (RFC 1122 4.2.3.9)
  TcpSocketOptions socket_options_;

  // Send sequence space (RFC 9293 section 3.3.1). snd_max_ is the highest sequence number ever
  // sent: snd_nxt_ goes back to snd_una_ on a retransmission timeout, snd_max_ does not.
  SeqNum iss_;
  SeqNum snd_una_;
  SeqNum snd_nxt_;
  SeqNum snd_max_;
  SeqNum snd_wl1_;
  SeqNum snd_wl2_;
  std::uint32_t snd_wnd_ = 0;
  std::uint32_t max_snd_wnd_ = 0;
  std::uint16_t send_mss_ = 536;
  std::uint16_t our_mss_ = 536;
  // Receive sequence space.
  SeqNum irs_;
  SeqNum rcv_nxt_;
  SeqNum rcv_adv_;  // right edge of the window last advertised
  SeqNum last_ack_sent_;

  HandshakeOptions options_;
  std::uint32_t ts_offset_ = 0;

  ByteRing send_buffer_;     // bytes from send_buffer_seq_ on: unacknowledged and unsent
  SeqNum send_buffer_seq_;   // sequence number of send_buffer_'s first byte
  ByteRing receive_buffer_;  // in-order bytes not yet read, then out-of-order ones
  ReassemblyRanges reassembly_;

  // Congestion control and loss recovery.
  std::unique_ptr<CongestionControl> cc_;
  SackScoreboard scoreboard_;
  int duplicate_acks_ = 0;
  bool in_recovery_ = false;
  SeqNum recovery_point_;      // snd_max_ when recovery began (RFC 6582 "recover")
  SeqNum high_rxt_;            // RFC 6675 HighRxt: below this, holes were already resent
  bool resend_first_ = false;  // NewReno: resend the first unacknowledged segment

  bool syn_sent_ = false;
  bool fin_queued_ = false;  // the application shut down writing
  bool fin_received_ = false;
  bool orphaned_ = false;  // the application closed; nobody will read
  bool passive_ = false;
  bool ack_now_ = false;
  bool write_shutdown_requested_ = false;
  bool close_requested_ = false;
  bool abort_requested_ = false;
  bool read_since_update_check_ = false;  // the application read since the last window check
  int unacked_segments_ = 0;              // segments received since our last ACK
  std::string_view ack_reason_ = "ack";

  // Timers.
  Instant retransmit_deadline_ = kNever;
  Instant delayed_ack_deadline_ = kNever;
  Instant fin_wait_2_deadline_ = kNever;
  Instant persist_deadline_ = kNever;
  int persist_backoff_ = 0;
  Instant last_heard_;  // last segment from the peer (keepalive idle time)
  int keepalive_probes_sent_ = 0;
  int retransmit_count_ = 0;
  RttEstimator rtt_;
  SeqNum retransmitted_below_;           // SND.MAX at the last retransmission: no samples below it
  std::optional<SeqNum> rtt_probe_seq_;  // Karn: time one segment, never a retransmitted one
  Instant rtt_probe_sent_;
};

}  // namespace synack
