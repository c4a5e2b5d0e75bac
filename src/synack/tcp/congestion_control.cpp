#include "synack/tcp/congestion_control.hpp"

#include <algorithm>
#include <cmath>

namespace synack {

std::string_view to_string(CongestionAlgorithm a) {
  return a == CongestionAlgorithm::kCubic ? "cubic" : "reno";
}

std::optional<CongestionAlgorithm> congestion_algorithm_from_string(std::string_view name) {
  if (name == "reno" || name == "newreno") return CongestionAlgorithm::kNewReno;
  if (name == "cubic") return CongestionAlgorithm::kCubic;
  return std::nullopt;
}

// RFC 6928: an initial window of ten segments.
CongestionControl::CongestionControl(std::uint32_t mss) : mss_(mss), cwnd_(10 * mss) {}

void CongestionControl::slow_start(std::uint32_t acked) {
  cwnd_ += std::min(acked, 2 * mss_);
}

void CongestionControl::on_retransmission_timeout(std::uint32_t flight) {
  ssthresh_ = std::max(flight / 2, 2 * mss_);
  cwnd_ = mss_;  // the loss window, one segment
}

// ---------------------------------------------------------------- NewReno

void NewReno::on_ack(Instant, std::uint32_t acked, std::uint32_t, std::optional<Duration>) {
  if (in_slow_start()) {
    slow_start(acked);
    return;
  }
  // Congestion avoidance: one SMSS per cwnd of data acknowledged.
  bytes_acked_ += acked;
  if (bytes_acked_ >= cwnd_) {
    bytes_acked_ -= cwnd_;
    cwnd_ += mss_;
  }
}

void NewReno::on_congestion_event(Instant, std::uint32_t flight) {
  // RFC 5681 equation 4. (Without SACK the connection adds RFC 6582 step 2's inflation.)
  ssthresh_ = std::max(flight / 2, 2 * mss_);
  cwnd_ = ssthresh_;
  bytes_acked_ = 0;
}

// ---------------------------------------------------------------- CUBIC

void Cubic::reduce(Instant now) {
  const double cwnd = static_cast<double>(cwnd_) / mss_;
  // Fast convergence (section 4.7): release bandwidth when the window stops growing.
  w_max_ = (w_max_ > 0 && cwnd < w_max_) ? cwnd * (1 + kBeta) / 2 : cwnd;
  k_ = std::cbrt(w_max_ * (1 - kBeta) / kC);
  epoch_ = now;
}

void Cubic::on_congestion_event(Instant now, std::uint32_t) {
  reduce(now);
  ssthresh_ = std::max(static_cast<std::uint32_t>(cwnd_ * kBeta), 2 * mss_);
  cwnd_ = ssthresh_;
  carry_ = 0;
  w_est_ = static_cast<double>(cwnd_) / mss_;
}

void Cubic::on_retransmission_timeout(std::uint32_t) {
  // Section 4.8: like Reno, but ssthresh by beta; the cubic epoch restarts after slow start.
  ssthresh_ = std::max(static_cast<std::uint32_t>(cwnd_ * kBeta), 2 * mss_);
  w_max_ = static_cast<double>(cwnd_) / mss_;
  cwnd_ = mss_;
  carry_ = 0;
  epoch_.reset();
}

void Cubic::on_ack(Instant now, std::uint32_t acked, std::uint32_t, std::optional<Duration> srtt) {
  if (in_slow_start()) {
    slow_start(acked);
    return;
  }
  const double mss = mss_;
  if (!epoch_) {
    // First avoidance ACK after slow start: start the curve at the current window.
    epoch_ = now;
    w_max_ = std::max(w_max_, cwnd_ / mss);
    k_ = std::cbrt(std::max(0.0, w_max_ - cwnd_ / mss) / kC);
    w_est_ = cwnd_ / mss;
  }
  const double current = cwnd_ / mss + carry_;
  const double rtt = srtt ? to_seconds(*srtt) : 0.1;
  const double t = to_seconds(now - *epoch_);
  auto w_cubic = [&](double time) { return kC * std::pow(time - k_, 3) + w_max_; };
  const double segments_acked = acked / mss;
  // Reno-friendly estimate (section 4.3), alpha = 3 (1 - beta) / (1 + beta).
  const double alpha = 3 * (1 - kBeta) / (1 + kBeta);
  w_est_ += alpha * segments_acked / current;
  double next;
  if (w_cubic(t) < w_est_) {
    next = w_est_;
  } else {
    // Concave and convex regions (sections 4.4, 4.5): aim for W_cubic one RTT ahead.
    const double target = std::clamp(w_cubic(t + rtt), current, 1.5 * current);
    next = current + (target - current) / current * segments_acked;
  }
  const double bytes = std::max(next, current) * mss;
  cwnd_ = static_cast<std::uint32_t>(bytes);
  carry_ = (bytes - cwnd_) / mss;
}

std::unique_ptr<CongestionControl> make_congestion_control(CongestionAlgorithm a,
                                                           std::uint32_t mss) {
  if (a == CongestionAlgorithm::kCubic) return std::make_unique<Cubic>(mss);
  return std::make_unique<NewReno>(mss);
}

}  // namespace synack
