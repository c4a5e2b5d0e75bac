#include "synack/tcp/rtt_estimator.hpp"

#include <algorithm>

namespace synack {

namespace {
// Clock granularity G of RFC 6298 section 2: our timestamps are microseconds, but samples come
// from a millisecond timestamp clock at worst.
constexpr Duration kGranularity = milliseconds(1);
}  // namespace

void RttEstimator::add_sample(Duration rtt) {
  if (rtt < Duration{0}) return;
  if (!srtt_) {
    srtt_ = rtt;
    rttvar_ = rtt / 2;
  } else {
    // RTTVAR <- (1 - beta) * RTTVAR + beta * |SRTT - R'|, beta = 1/4
    // SRTT   <- (1 - alpha) * SRTT + alpha * R',        alpha = 1/8
    const Duration delta = *srtt_ > rtt ? *srtt_ - rtt : rtt - *srtt_;
    rttvar_ = (rttvar_ * 3 + delta) / 4;
    srtt_ = (*srtt_ * 7 + rtt) / 8;
  }
  rto_ = clamp(*srtt_ + std::max(kGranularity, rttvar_ * 4));
}

void RttEstimator::back_off() {
  rto_ = std::min(rto_ * 2, max_rto_);
}

Duration RttEstimator::clamp(Duration d) const {
  return std::clamp(d, min_rto_, max_rto_);
}

}  // namespace synack
