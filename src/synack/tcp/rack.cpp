// RACK loss detection, following RFC 8985 section 6's steps.
#include "synack/tcp/rack.hpp"

#include <algorithm>

namespace synack {

namespace {
// RFC 8985 RACK_sent_after: was (t1, seq1) sent after (t2, seq2)?
bool sent_after(Instant t1, SeqNum seq1, Instant t2, SeqNum seq2) {
  return t1 > t2 || (t1 == t2 && seq1 > seq2);
}
}  // namespace

Rack::Rack(std::size_t capacity) : ring_(std::max<std::size_t>(capacity, 4)) {}

void Rack::on_sent(SeqNum start, SeqNum end, Instant now, bool retransmission) {
  if (retransmission) {
    for (std::size_t i = 0; i < count_; ++i) {
      SentSegment& s = at(i);
      if (!(s.start < end && start < s.end)) continue;
      s.sent = now;
      s.retransmitted = true;
      s.lost = false;
    }
    if (count_ > 0 && !(at(count_ - 1).end < end)) return;
    if (count_ > 0) start = seq_max(start, at(count_ - 1).end);
  }
  if (!(start < end)) return;
  if (count_ == ring_.size()) {
    at(count_ - 1).end = end;  // full: the newest record absorbs it (see the header)
    return;
  }
  at(count_) = SentSegment{start, end, now, false, false, false};
  ++count_;
}

void Rack::on_ack(SeqNum snd_una, const SackScoreboard& scoreboard, Instant now) {
  while (count_ > 0 && !(snd_una < at(0).end)) {
    const SentSegment s = at(0);
    head_ = (head_ + 1) % ring_.size();
    --count_;
    if (s.delivered) {
      --segs_sacked_;
    } else {
      delivered(s, now);
    }
  }
  if (count_ > 0 && at(0).start < snd_una) at(0).start = snd_una;
  if (scoreboard.empty()) return;
  for (std::size_t i = 0; i < count_; ++i) {
    SentSegment& s = at(i);
    if (s.delivered || scoreboard.unsacked_bytes(s.start, s.end) > 0) continue;
    s.delivered = true;
    s.lost = false;
    ++segs_sacked_;
    delivered(s, now);
  }
}

void Rack::delivered(const SentSegment& s, Instant now) {
  const Duration rtt = now - s.sent;
  // Step 2: an ACK that arrives sooner than the minimum RTT after a retransmission was for the
  // original transmission; its timing says nothing.
  if (s.retransmitted && min_rtt_ && rtt < *min_rtt_) return;
  rtt_ = rtt;
  if (!s.retransmitted) min_rtt_ = min_rtt_ ? std::min(*min_rtt_, rtt) : rtt;
  if (!xmit_ts_ || sent_after(s.sent, s.end, *xmit_ts_, end_seq_)) {
    xmit_ts_ = s.sent;
    end_seq_ = s.end;
  }
  // Step 3: a segment sent once, delivered below the highest delivered one, was reordered.
  if (s.retransmitted) return;
  if (fack_ && s.end < *fack_) {
    reordering_seen_ = true;
  } else {
    fack_ = s.end;
  }
}

Duration Rack::reordering_window(bool in_recovery, std::optional<Duration> srtt) const {
  // Step 4: without evidence of reordering, do not wait once recovery has begun or DupThresh
  // segments were SACKed (RFC 6675's rule stays the floor).
  if (!reordering_seen_ && (in_recovery || segs_sacked_ >= 3)) return Duration{0};
  if (!min_rtt_) return Duration{0};
  Duration window = *min_rtt_ / 4 * reo_wnd_mult_;
  if (srtt) window = std::min(window, *srtt);
  return window;
}

Rack::Detection Rack::detect_loss(Instant now, Duration reo_wnd) {
  Detection d;
  if (!xmit_ts_) return d;
  for (std::size_t i = 0; i < count_; ++i) {
    SentSegment& s = at(i);
    if (s.delivered || s.lost) continue;
    if (!sent_after(*xmit_ts_, end_seq_, s.sent, s.end)) continue;
    const Duration remaining = (s.sent + rtt_ + reo_wnd) - now;
    if (remaining <= Duration{0}) {
      s.lost = true;
      if (s.retransmitted) ++d.lost_retransmissions;
    } else {
      d.timeout = std::max(d.timeout, remaining);
    }
  }
  return d;
}

void Rack::on_retransmission_timeout() {
  for (std::size_t i = 0; i < count_; ++i) {
    at(i).delivered = false;
    at(i).lost = false;
  }
  segs_sacked_ = 0;
}

void Rack::on_dsack(SeqNum snd_una, SeqNum snd_max) {
  if (dsack_round_ && !(snd_una < *dsack_round_)) dsack_round_.reset();
  if (dsack_round_) return;
  dsack_round_ = snd_max;
  ++reo_wnd_mult_;
  reo_wnd_persist_ = 16;
}

void Rack::on_recovery_end() {
  if (reo_wnd_persist_ > 0 && --reo_wnd_persist_ == 0) reo_wnd_mult_ = 1;
}

const SentSegment* Rack::first_lost() const {
  for (std::size_t i = 0; i < count_; ++i) {
    if (at(i).lost) return &at(i);
  }
  return nullptr;
}

std::uint32_t Rack::lost_bytes() const {
  std::uint32_t total = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    if (at(i).lost) total += static_cast<std::uint32_t>(at(i).end - at(i).start);
  }
  return total;
}

const SentSegment* Rack::last_outstanding() const {
  for (std::size_t i = count_; i > 0; --i) {
    if (!at(i - 1).delivered) return &at(i - 1);
  }
  return nullptr;
}

}  // namespace synack
