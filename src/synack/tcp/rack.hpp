#pragma once
// RACK (RFC 8985 section 6): time-based loss detection. Every transmission of every outstanding
// segment is recorded with its send time; a segment is lost once a segment sent after it has
// been delivered (cumulatively ACKed or SACKed) and more than RTT + reordering window has passed
// since it was sent. A retransmission gets a new send time, so a lost retransmission is
// detected the same way, without waiting for the RTO.
//
// Records live in a ring sized once for the send buffer: no allocation per segment. If more
// small segments are outstanding than it holds, the newest record absorbs the excess (keeping
// the older send time, which can only make detection earlier, never later).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "synack/core/seq_num.hpp"
#include "synack/core/time.hpp"
#include "synack/tcp/sack_scoreboard.hpp"

namespace synack {

struct SentSegment {
  SeqNum start;
  SeqNum end;
  Instant sent;
  bool retransmitted = false;
  bool delivered = false;  // SACKed (cumulatively ACKed records are dropped)
  bool lost = false;       // taken as lost and not yet sent again
};

class Rack {
 public:
  explicit Rack(std::size_t capacity);

  // A transmission of [start, end): new data at the end, or a retransmission of recorded ones.
  void on_sent(SeqNum start, SeqNum end, Instant now, bool retransmission);
  // What an ACK delivered: records below `snd_una` go, records the scoreboard covers are
  // SACKed. Updates RACK.xmit_ts / end_seq / rtt (RFC 8985 6.2 step 2) and notices reordering
  // (step 3). `min_rtt` guards against retransmission ambiguity.
  void on_ack(SeqNum snd_una, const SackScoreboard& scoreboard, Instant now);
  // Step 5: marks lost what has waited longer than RACK.rtt + reo_wnd after a later segment was
  // delivered. `timeout`: how long until the next one would be (zero: nothing pending).
  struct Detection {
    Duration timeout{0};
    std::uint32_t lost_retransmissions = 0;  // retransmissions found lost again
  };
  Detection detect_loss(Instant now, Duration reo_wnd);
  // Step 4's reordering window, from the state the caller knows (recovery, SRTT).
  Duration reordering_window(bool in_recovery, std::optional<Duration> srtt) const;
  // The retransmission timer expired: nothing is taken as lost any more, and SACK information
  // is gone (the scoreboard was cleared).
  void on_retransmission_timeout();
  // DSACK-based adaptation (RFC 8985 6.2 step 4): once per round trip, a wider window.
  void on_dsack(SeqNum snd_una, SeqNum snd_max);
  void on_recovery_end();

  // The lowest segment taken as lost and not yet sent again.
  const SentSegment* first_lost() const;
  std::uint32_t lost_bytes() const;
  bool any_lost() const { return lost_bytes() > 0; }
  // The highest outstanding segment not yet delivered (what a tail loss probe resends).
  const SentSegment* last_outstanding() const;

  std::size_t size() const { return count_; }
  std::optional<Duration> min_rtt() const { return min_rtt_; }
  Duration rtt() const { return rtt_; }
  bool reordering_seen() const { return reordering_seen_; }
  int reo_wnd_mult() const { return reo_wnd_mult_; }
  std::uint32_t segs_sacked() const { return segs_sacked_; }

 private:
  SentSegment& at(std::size_t i) { return ring_[(head_ + i) % ring_.size()]; }
  const SentSegment& at(std::size_t i) const { return ring_[(head_ + i) % ring_.size()]; }
  void delivered(const SentSegment& s, Instant now);

  std::vector<SentSegment> ring_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;

  // RFC 8985 section 5.2's per-connection state.
  std::optional<Instant> xmit_ts_;  // RACK.xmit_ts: latest send time of a delivered segment
  SeqNum end_seq_;                  // RACK.end_seq
  std::optional<SeqNum> fack_;      // RACK.fack: highest delivered end
  Duration rtt_{0};                 // RACK.rtt
  std::optional<Duration> min_rtt_;
  bool reordering_seen_ = false;
  std::uint32_t segs_sacked_ = 0;
  int reo_wnd_mult_ = 1;
  int reo_wnd_persist_ = 0;
  std::optional<SeqNum> dsack_round_;
};

}  // namespace synack
