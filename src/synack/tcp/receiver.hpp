#pragma once
// The receiving half of a connection: the receive sequence space (RFC 9293 section 3.3.1:
// IRS, RCV.NXT, the advertised right edge), the receive ring with out-of-order bytes kept at
// their offset, the window we advertise (receiver silly-window avoidance, 3.8.6.2.2), when an ACK
// is due (delayed ACKs, RFC 5681 section 4.2 and RFC 9293 3.8.6.3), the SACK blocks we report
// (RFC 2018) and TS.Recent (RFC 7323 section 4.3).
//
// It never sends: the connection asks it what an ACK says and tells it when one left.
#include <cstdint>
#include <optional>
#include <string_view>

#include "synack/core/time.hpp"
#include "synack/tcp/byte_ring.hpp"
#include "synack/tcp/context.hpp"
#include "synack/tcp/reassembly.hpp"
#include "synack/tcp/segment.hpp"

namespace synack {

// Segment text after trimming to what is new and fits the window (3.10.7.4 seventh).
struct ReceivedText {
  SeqNum seq;
  Bytes text;
  bool fin = false;
};

class TcpReceiver {
 public:
  TcpReceiver(TcpContext& ctx, const FourTuple& tuple, std::size_t buffer, std::uint16_t our_mss,
              std::uint8_t receive_shift);

  // The peer's SYN arrived (actively opening): RCV.NXT = IRS + 1 and the window our SYN offered,
  // min(free space, 64 KiB) unscaled.
  void on_syn(SeqNum irs);
  // A passive open: the handshake already set IRS and the SYN-ACK offered min(buffer, 64 KiB).
  void on_passive_open(SeqNum irs);
  // The handshake settled our window shift and the peer's first TSval.
  void negotiated(std::uint8_t receive_shift, std::uint32_t ts_recent);

  // ---- segment arrival ----
  // RFC 9293 section 3.10.7.4's four acceptability cases.
  bool acceptable(const InboundSegment& seg) const;
  // RFC 7323 section 5.3 R1: whether a TSval is older than TS.Recent.
  bool older_than_ts_recent(std::uint32_t tsval) const {
    return static_cast<std::int32_t>(tsval - ts_recent_) < 0;
  }
  // RFC 7323 section 4.3: TS.Recent follows the segment that covers Last.ACK.sent.
  void remember_timestamp(const InboundSegment& seg);
  // Trims a segment's text to the new bytes within the window. Nothing when none fit (counted,
  // ACK scheduled).
  std::optional<ReceivedText> trim(Instant now, const InboundSegment& seg);
  // Takes trimmed text in order or out of order; true when the peer's FIN is now in order (the
  // caller then calls accept_fin()).
  bool accept(Instant now, const ReceivedText& text);
  // The FIN is in order: RCV.NXT moves past it.
  void accept_fin();
  // An unacceptable segment whose text lies wholly below RCV.NXT: a duplicate, reported by a
  // D-SACK block in the ACK it gets (RFC 2883 section 4).
  void note_old_duplicate(const InboundSegment& seg);

  // ---- the application ----
  std::size_t read(MutableBytes out);
  std::size_t bytes_readable() const { return buffer_.size(); }
  bool fin_received() const { return fin_received_; }

  // ---- ACK generation ----
  void schedule_ack(Instant now, bool immediately);
  // Asks for an immediate ACK with a reason for the trace.
  void request_ack(std::string_view reason) {
    ack_now_ = true;
    ack_reason_ = reason;
  }
  // The delayed-ACK timer: an ACK is due at `now` if it expired.
  void on_delayed_ack_deadline(Instant now);
  bool ack_due() const { return ack_now_; }
  std::string_view ack_reason() const { return ack_reason_; }
  Instant delayed_ack_deadline() const { return delayed_ack_deadline_; }
  // A segment carrying our current ACK left: nothing is pending any more.
  void on_ack_sent();
  // Our SYN-ACK (simultaneous open) acknowledged the peer's SYN.
  void on_syn_ack_sent();
  void stop_timers() { delayed_ack_deadline_ = kNever; }

  // What every segment we send says about the receiving side: the advertised window (moving the
  // right edge as 3.8.6.2.2 allows), and SACK blocks.
  std::uint16_t advertised_window();
  // SACK blocks (RFC 2018), led by a D-SACK block for a duplicate just received (RFC 2883).
  std::uint8_t sack_blocks(TcpOptions& options) const;
  const std::optional<SackBlock>& dsack() const { return dsack_; }
  // Whether reading opened the window enough to announce it (3.8.6.2.2); cleared by
  // update_checked() after each transmission round.
  bool window_update_due() const;
  void update_checked() { read_since_update_check_ = false; }

  SeqNum irs() const { return irs_; }
  SeqNum rcv_nxt() const { return rcv_nxt_; }
  SeqNum last_ack_sent() const { return last_ack_sent_; }
  std::uint32_t ts_recent() const { return ts_recent_; }
  std::uint32_t window() const { return static_cast<std::uint32_t>(buffer_.free_space()); }
  bool has_out_of_order() const { return !reassembly_.empty(); }

 private:
  void accept_in_order(Bytes text);
  void accept_out_of_order(Instant now, SeqNum seq, Bytes text, bool fin);

  TcpContext& ctx_;
  const FourTuple& tuple_;
  std::uint16_t our_mss_;
  std::uint8_t receive_shift_;
  std::uint32_t ts_recent_ = 0;

  SeqNum irs_;
  SeqNum rcv_nxt_;
  SeqNum rcv_adv_;  // right edge of the window last advertised
  SeqNum last_ack_sent_;
  ByteRing buffer_;  // in-order bytes not yet read, then out-of-order ones
  ReassemblyRanges reassembly_;
  bool fin_received_ = false;
  std::optional<SackBlock> dsack_;  // reported once, in the next ACK

  bool ack_now_ = false;
  std::string_view ack_reason_ = "ack";
  int unacked_segments_ = 0;  // segments received since our last ACK
  Instant delayed_ack_deadline_ = kNever;
  bool read_since_update_check_ = false;  // the application read since the last window check
};

}  // namespace synack
