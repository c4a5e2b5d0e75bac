#pragma once
// The sending half of a connection: the send sequence space (RFC 9293 section 3.3.1: ISS,
// SND.UNA, SND.NXT, SND.WND, SND.WL1/WL2, plus SND.MAX), the send ring, the planning of new
// segments within the peer's and the congestion window (Nagle, 3.7.4; sender silly-window
// avoidance, 3.8.6.2.1), zero-window probing (3.8.6.1), RTT sampling (RFC 6298 with Karn, RFC
// 7323 timestamps) and the retransmission timer. Which bytes are lost and what to resend is the
// LossRecovery's decision; the sender asks it.
//
// Segments leave through a SegmentOutput, which stamps what the receiving half puts on every
// segment (ACK, window, timestamps, SACK blocks).
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "synack/core/time.hpp"
#include "synack/tcp/byte_ring.hpp"
#include "synack/tcp/congestion_control.hpp"
#include "synack/tcp/context.hpp"
#include "synack/tcp/loss_recovery.hpp"
#include "synack/tcp/rtt_estimator.hpp"
#include "synack/tcp/segment.hpp"
#include "synack/tcp/socket_options.hpp"

namespace synack {

class SegmentOutput {
 public:
  virtual ~SegmentOutput() = default;
  // A header from this connection with `flags` and `seq`, carrying the receiving half's ACK,
  // window, timestamps and SACK blocks.
  virtual TcpRepr header(std::uint8_t flags, SeqNum seq) = 0;
  // Sends it. `carries_ack`: the segment acknowledges RCV.NXT, so no ACK is pending after it.
  virtual void emit(const TcpRepr& header, const SplitBytes& payload, std::string_view reason,
                    bool retransmission, bool carries_ack) = 0;
};

class TcpSender {
 public:
  TcpSender(TcpContext& ctx, SegmentOutput& out, LossRecovery& recovery,
            const TcpSocketOptions& options, SeqNum iss, std::uint16_t our_mss);

  // ---- the handshake ----
  // The handshake settled the peer's MSS and whether timestamps take option space.
  void negotiated(std::uint16_t peer_mss, bool timestamps);
  void set_congestion(CongestionAlgorithm algorithm);
  // Our SYN (or SYN-ACK) left; a first one is timed for the RTT (Karn: never a retransmission).
  void on_syn_sent(Instant now, bool retransmission);
  bool syn_sent() const { return syn_sent_; }
  // The peer's SYN-ACK acknowledged our SYN (SYN_SENT).
  void on_syn_acked(Instant now, SeqNum ack);
  // Simultaneous open: our SYN goes again as a SYN-ACK.
  void restart_handshake();
  // The peer's SYN: its window is never scaled (RFC 7323 section 2.2).
  void take_syn_window(const TcpRepr& syn);
  // A passive open: the handshake ACK is the first segment whose window counts.
  void on_passive_open(Instant now, SeqNum irs, std::optional<Duration> syn_rtt);
  // The ACK of our SYN-ACK (simultaneous open): its window is taken next.
  void expect_first_window(SeqNum irs);

  // ---- the application ----
  std::size_t push(Bytes data) { return buffer_.push(data); }
  void queue_fin() { fin_queued_ = true; }
  bool fin_queued() const { return fin_queued_; }
  bool fin_acked() const { return fin_queued_ && snd_una_ == data_end() + 1; }
  std::size_t free_space() const { return buffer_.free_space(); }
  std::size_t buffered() const { return buffer_.size(); }

  // ---- ACK processing (the connection's step five) ----
  // RFC 9293 3.10.7.4 / RFC 5961 section 5.2: an ACK of data never sent, or older than the
  // largest window the peer ever offered.
  bool ack_unacceptable(SeqNum ack) const {
    return ack > snd_max_ || ack < snd_una_ - max_snd_wnd_;
  }
  struct Acknowledged {
    std::uint32_t bytes = 0;   // sequence space newly acknowledged (less the SYN)
    std::uint32_t flight = 0;  // FlightSize before the ACK
  };
  // SND.UNA advances to the segment's ACK; takes an RTT sample if the segment gives one.
  // `tsval_now`: our timestamp clock now, when the connection uses timestamps (RFC 7323).
  Acknowledged acknowledge(Instant now, const InboundSegment& seg,
                           std::optional<std::uint32_t> tsval_now);
  // RFC 6298 sections 5.2 and 5.3: stop the timer when all is acknowledged, else restart it.
  void restart_retransmission_timer(Instant now);
  // RFC 9293 3.10.7.4: the window from a segment newer than the last one used.
  void update_window(const TcpRepr& h, std::uint8_t send_shift);

  // ---- output ----
  struct SegmentPlan {
    std::uint32_t length = 0;
    bool with_fin = false;
    bool ready = false;
  };
  // The next new (or, after a timeout, resent) data/FIN segment the windows, Nagle and
  // silly-window avoidance allow.
  SegmentPlan plan_segment() const;
  // Sends what loss recovery asks to resend, then new data while the windows allow.
  void transmit(Instant now);
  // RFC 8985 7.3: the probe timeout fired. One new segment if the peer's window allows (cwnd
  // does not count), else the last outstanding segment again; then the RTO is rearmed.
  void send_loss_probe(Instant now);
  // One planned segment; false when nothing (more) may go.
  bool send_data_segment(Instant now);
  // Sends [seq, seq + length) from the send ring, with FIN if it ends where our FIN goes.
  void send_segment_at(Instant now, SeqNum seq, std::uint32_t length, bool with_fin,
                       bool retransmission, std::string_view reason);
  // A bare ACK one below SND.UNA: the peer must answer with its window (zero-window and
  // keepalive probes, like Linux's tcp_xmit_probe_skb).
  void send_probe(Instant now, std::string_view reason);

  // ---- timers ----
  Instant retransmit_deadline() const { return retransmit_deadline_; }
  Instant persist_deadline() const { return persist_deadline_; }
  void arm_retransmission_timer(Instant now);
  // The timer expired: count it; false when more than `limit` expiries gave up.
  bool on_retransmission_timeout(int limit);
  // After a data timeout: RFC 5681 equations 4 and 5, then resend from SND.UNA (RFC 6298 5.4).
  void go_back(Instant now);
  void arm_persist_timer(Instant now);
  void on_persist_timeout(Instant now);
  void stop_timers() { retransmit_deadline_ = persist_deadline_ = kNever; }

  // ---- state ----
  SeqNum iss() const { return iss_; }
  SeqNum snd_una() const { return snd_una_; }
  SeqNum snd_nxt() const { return snd_nxt_; }
  SeqNum snd_max() const { return snd_max_; }
  std::uint32_t snd_wnd() const { return snd_wnd_; }
  std::uint16_t mss() const { return mss_; }
  SeqNum data_end() const { return buffer_seq_ + static_cast<std::uint32_t>(buffer_.size()); }
  std::uint32_t flight_size() const { return static_cast<std::uint32_t>(snd_nxt_ - snd_una_); }
  // Nothing outstanding and nothing waiting (keepalive probes only such a connection).
  bool idle() const { return snd_max_ == snd_una_ && buffer_.empty(); }
  SendFlight flight() const {
    return SendFlight{snd_una_, snd_nxt_, snd_max_, data_end(), fin_queued_, mss_};
  }
  CongestionControl& congestion() { return *cc_; }
  const CongestionControl& congestion() const { return *cc_; }
  const RttEstimator& rtt() const { return rtt_; }
  int retransmissions() const { return retransmit_count_; }

 private:
  std::optional<Duration> rtt_sample(Instant now, const InboundSegment& seg, SeqNum previous_una,
                                     std::optional<std::uint32_t> tsval_now);

  TcpContext& ctx_;
  SegmentOutput& out_;
  LossRecovery& recovery_;  // told of every transmission; decides what is lost
  const TcpSocketOptions& options_;

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
  std::uint16_t our_mss_;
  std::uint16_t mss_;  // effective send MSS

  ByteRing buffer_;    // bytes from buffer_seq_ on: unacknowledged and unsent
  SeqNum buffer_seq_;  // sequence number of buffer_'s first byte
  bool fin_queued_ = false;
  bool syn_sent_ = false;

  std::unique_ptr<CongestionControl> cc_;
  Instant retransmit_deadline_ = kNever;
  Instant persist_deadline_ = kNever;
  int persist_backoff_ = 0;
  int retransmit_count_ = 0;
  RttEstimator rtt_;
  SeqNum retransmitted_below_;           // SND.MAX at the last retransmission: no samples below it
  std::optional<SeqNum> rtt_probe_seq_;  // Karn: time one segment, never a retransmitted one
  Instant rtt_probe_sent_;
};

}  // namespace synack
