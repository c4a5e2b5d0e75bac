#pragma once
// Loss recovery: the one component that decides which outstanding bytes are lost and which of
// them go out again next. With SACK, RACK-TLP (RFC 8985: time-based detection in rack.hpp and
// the tail loss probe) by default, or RFC 6675's DupThresh when a socket asks for it; RFC 6582
// NewReno without SACK; limited transmit (RFC 3042). Its state (the SACK
// scoreboard, the duplicate-ACK count, the recovery point, HighRxt) is written here and nowhere
// else; the sender asks it how much is in the network (pipe) and what to retransmit, the
// connection's ACK processing tells it what arrived.
//
// Sans-IO and sender-agnostic: what it needs of the send sequence space comes in a SendFlight.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "synack/core/seq_num.hpp"
#include "synack/core/time.hpp"
#include "synack/tcp/congestion_control.hpp"
#include "synack/tcp/counters.hpp"
#include "synack/tcp/rack.hpp"
#include "synack/tcp/sack_scoreboard.hpp"
#include "synack/wire/tcp.hpp"

namespace synack {

// The sender's sequence space as loss recovery sees it.
struct SendFlight {
  SeqNum una;       // SND.UNA
  SeqNum nxt;       // SND.NXT (back at SND.UNA after a timeout)
  SeqNum max;       // the highest sequence number ever sent (SND.MAX)
  SeqNum data_end;  // one past the last byte the application queued (where our FIN goes)
  bool fin_queued = false;
  std::uint32_t mss = 536;

  // RFC 5681 FlightSize: sent and not yet acknowledged, counted from SND.NXT.
  std::uint32_t flight_size() const { return static_cast<std::uint32_t>(nxt - una); }
  std::uint32_t outstanding() const { return static_cast<std::uint32_t>(max - una); }
};

// One segment to send again: [seq, seq + length), with FIN if it ends where our FIN goes.
struct Retransmission {
  SeqNum seq;
  std::uint32_t length = 0;
  bool with_fin = false;
  std::string_view reason;
};

class LossRecovery {
 public:
  // RFC 6675's DupThresh (RFC 5681 section 3.2's three duplicate ACKs).
  static constexpr int kDupThresh = 3;

  // RFC 8985 section 7.2's WCDelAckT: the worst-case delayed-ACK time a probe waits for.
  static constexpr Duration kWorstCaseDelayedAck = milliseconds(200);

  // `segments`: how many outstanding segments RACK records (sized once from the send buffer).
  LossRecovery(TcpCounters& counters, SeqNum start, std::size_t segments = 64)
      : counters_(counters), rack_(segments), high_rxt_(start) {}

  // The handshake settled whether the peer sends SACK blocks (RFC 2018).
  void set_sack(bool permitted) { sack_ = permitted; }
  bool sack() const { return sack_; }
  // RACK-TLP (default) or RFC 6675 DupThresh, with SACK; without SACK always DupThresh.
  void set_rack(bool on) { rack_enabled_ = on; }
  bool uses_rack() const { return sack_ && rack_enabled_; }

  // ---- what the connection's ACK processing reports ----
  // The SACK blocks of an acceptable ACK carrying `ack`; true if they reported bytes not SACKed
  // before. A leading D-SACK block (RFC 2883 section 4) is counted and widens RACK's window.
  bool on_sack_blocks(std::span<const SackBlock> blocks, const SendFlight& flight, SeqNum ack);
  // RFC 5681 section 2's DUPLICATE ACKNOWLEDGMENT (used without SACK): data outstanding, no
  // data, SYN or FIN on the segment, the same ACK number and the same window.
  // `window` is the segment's window, scaled; `snd_wnd` the one last taken.
  static bool is_duplicate_ack(const TcpRepr& h, std::size_t payload_length,
                               const SendFlight& flight, std::uint32_t window,
                               std::uint32_t snd_wnd);
  // SND.UNA advanced (flight.una is the new value) by `acked` bytes; `flight_before` was
  // outstanding before. Ends recovery or, outside it, lets congestion control grow.
  void on_cumulative_ack(Instant now, const SendFlight& flight, std::uint32_t acked,
                         std::uint32_t flight_before, std::optional<Duration> srtt,
                         CongestionControl& cc);
  // A duplicate ACK (with SACK: one with new SACK information): may start recovery.
  void on_duplicate_ack(Instant now, const SendFlight& flight, CongestionControl& cc);
  // After each acceptable ACK (scoreboard and SND.UNA updated): RACK's loss detection.
  void on_ack_processed(Instant now, const SendFlight& flight, std::optional<Duration> srtt,
                        CongestionControl& cc);
  // The retransmission timer expired: recovery ends and the SACK information is dropped.
  void on_retransmission_timeout(SeqNum snd_una);

  // ---- RACK-TLP timers ----
  // RFC 8985 6.2 step 6: when the reordering window runs out for a segment not yet lost.
  Instant reorder_deadline() const { return reorder_deadline_; }
  void on_reorder_timeout(Instant now, const SendFlight& flight, std::optional<Duration> srtt,
                          CongestionControl& cc);
  // RFC 8985 7.2: (re)arms the probe timeout after new data was sent or an ACK arrived, capped
  // at the RTO's expiry (the probe then goes instead of the timeout).
  void schedule_probe(Instant now, const SendFlight& flight, std::optional<Duration> srtt,
                      Instant rto_deadline);
  Instant probe_deadline() const { return probe_deadline_; }
  // The sender sent the probe (new data or the last segment again); SND.MAX after it.
  void on_probe_sent(SeqNum snd_max, bool retransmission);
  // Every transmission the sender makes (RACK's per-segment send times).
  void on_sent(SeqNum start, SeqNum end, Instant now, bool retransmission);
  const Rack& rack() const { return rack_; }

  // ---- what the sender asks ----
  bool in_recovery() const { return in_recovery_; }
  // A retransmission is due now regardless of the window (entering recovery, a partial ACK).
  bool retransmission_due() const { return resend_first_; }
  // RFC 6675 SetPipe(): bytes taken to be in the network.
  std::uint32_t pipe(const SendFlight& flight) const;
  // Limited transmit (RFC 3042): how far beyond cwnd new data may go.
  std::uint32_t limited_transmit(std::uint32_t mss) const;
  // Where new data starts: past any range the receiver already SACKed.
  SeqNum skip_sacked(SeqNum s) const { return scoreboard_.skip_sacked(s); }
  // The next segment to retransmit within `cwnd`, if any. Returning nothing ends the round.
  std::optional<Retransmission> next_retransmission(const SendFlight& flight, std::uint32_t cwnd);
  // The sender sent `r`.
  void on_retransmitted(const Retransmission& r);

  const SackScoreboard& scoreboard() const { return scoreboard_; }
  int duplicate_acks() const { return duplicate_acks_; }

 private:
  void enter_recovery(Instant now, const SendFlight& flight, CongestionControl& cc);
  void detect_loss(Instant now, const SendFlight& flight, std::optional<Duration> srtt,
                   CongestionControl& cc);
  std::optional<Retransmission> next_lost_by_rack(const SendFlight& flight);

  TcpCounters& counters_;
  bool sack_ = false;
  bool rack_enabled_ = true;
  Rack rack_;
  Instant reorder_deadline_ = kNever;
  Instant probe_deadline_ = kNever;
  std::optional<SeqNum> tlp_end_;  // RFC 8985 TLP.end_seq: a probe is outstanding
  bool tlp_retransmitted_ = false;
  SackScoreboard scoreboard_;
  int duplicate_acks_ = 0;
  bool in_recovery_ = false;
  SeqNum recovery_point_;      // SND.MAX when recovery began (RFC 6582 "recover")
  SeqNum high_rxt_;            // RFC 6675 HighRxt: below this, holes were already resent
  bool resend_first_ = false;  // the first hole goes out at once, whatever pipe is
};

}  // namespace synack
