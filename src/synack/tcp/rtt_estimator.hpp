#pragma once
// Retransmission timeout per RFC 6298: SRTT/RTTVAR smoothing (section 2), clamped to
// [rto_min, rto_max], doubled on each expiry (section 5.5). Karn's algorithm (section 3) is the
// caller's part: it only feeds samples from segments that were never retransmitted.
#include <optional>

#include "synack/core/time.hpp"

namespace synack {

class RttEstimator {
 public:
  RttEstimator(Duration initial_rto, Duration min_rto, Duration max_rto)
      : rto_(initial_rto), min_rto_(min_rto), max_rto_(max_rto) {}

  // A new round-trip measurement (section 2.2 for the first, 2.3 for the rest).
  void add_sample(Duration rtt);
  // The timer expired: back off (section 5.5), capped at max_rto.
  void back_off();
  // Current timeout including backoff.
  Duration rto() const { return rto_; }
  std::optional<Duration> srtt() const { return srtt_; }
  Duration rttvar() const { return rttvar_; }

 private:
  Duration clamp(Duration d) const;

  std::optional<Duration> srtt_;
  Duration rttvar_{0};
  Duration rto_;
  Duration min_rto_;
  Duration max_rto_;
};

}  // namespace synack
