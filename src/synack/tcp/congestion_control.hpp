#pragma once
// Congestion control behind a small interface so algorithms plug in per connection (like
// Linux's tcp_congestion_ops). The connection owns loss detection and recovery (RFC 6675 /
// RFC 6582); the algorithm only decides how cwnd and ssthresh move.
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "synack/core/time.hpp"

namespace synack {

enum class CongestionAlgorithm : std::uint8_t { kNewReno, kCubic };

std::string_view to_string(CongestionAlgorithm a);
std::optional<CongestionAlgorithm> congestion_algorithm_from_string(std::string_view name);

class CongestionControl {
 public:
  explicit CongestionControl(std::uint32_t mss);
  virtual ~CongestionControl() = default;

  virtual CongestionAlgorithm algorithm() const = 0;

  // New data was acknowledged outside loss recovery. `flight` is what was outstanding before.
  virtual void on_ack(Instant now, std::uint32_t acked, std::uint32_t flight,
                      std::optional<Duration> srtt) = 0;
  // Loss detected by duplicate ACKs or SACK (RFC 5681 section 3.2 step 2): reduce.
  virtual void on_congestion_event(Instant now, std::uint32_t flight) = 0;
  // Loss recovery ended (the recovery point was acknowledged): deflate to ssthresh.
  virtual void on_recovery_end() { cwnd_ = ssthresh_; }
  // The retransmission timer expired (RFC 5681 section 3.1 equations 4 and 5).
  virtual void on_retransmission_timeout(std::uint32_t flight);

  std::uint32_t cwnd() const { return cwnd_; }
  std::uint32_t ssthresh() const { return ssthresh_; }
  bool in_slow_start() const { return cwnd_ < ssthresh_; }
  // RFC 6582 step 4: each duplicate ACK in NewReno recovery lets one more segment out.
  void inflate(std::uint32_t bytes) { cwnd_ += bytes; }
  void set_mss(std::uint32_t mss) { mss_ = mss; }

 protected:
  // RFC 5681 slow start with appropriate byte counting (RFC 3465, L = 2 SMSS).
  void slow_start(std::uint32_t acked);

  std::uint32_t mss_;
  std::uint32_t cwnd_;
  std::uint32_t ssthresh_ = 0xffffffff;
};

// RFC 5681 congestion avoidance and RFC 6582 (NewReno) reductions.
class NewReno final : public CongestionControl {
 public:
  using CongestionControl::CongestionControl;
  CongestionAlgorithm algorithm() const override { return CongestionAlgorithm::kNewReno; }
  void on_ack(Instant now, std::uint32_t acked, std::uint32_t flight,
              std::optional<Duration> srtt) override;
  void on_congestion_event(Instant now, std::uint32_t flight) override;

 private:
  std::uint32_t bytes_acked_ = 0;  // RFC 5681 section 3.1: byte counting in avoidance
};

// RFC 9438 CUBIC: window growth as a cubic function of the time since the last reduction,
// with multiplicative decrease 0.7 and the Reno-friendly region.
class Cubic final : public CongestionControl {
 public:
  using CongestionControl::CongestionControl;
  CongestionAlgorithm algorithm() const override { return CongestionAlgorithm::kCubic; }
  void on_ack(Instant now, std::uint32_t acked, std::uint32_t flight,
              std::optional<Duration> srtt) override;
  void on_congestion_event(Instant now, std::uint32_t flight) override;
  void on_retransmission_timeout(std::uint32_t flight) override;

  static constexpr double kBeta = 0.7;  // RFC 9438 section 4.6
  static constexpr double kC = 0.4;     // RFC 9438 section 5

  double w_max_segments() const { return w_max_; }
  double k_seconds() const { return k_; }

 private:
  void reduce(Instant now);

  double w_max_ = 0;  // window before the last reduction, in segments
  double k_ = 0;      // seconds to grow back to w_max_
  double w_est_ = 0;  // Reno-friendly estimate, segments
  double carry_ = 0;  // fraction of a segment of growth not yet in cwnd_
  std::optional<Instant> epoch_;
};

std::unique_ptr<CongestionControl> make_congestion_control(CongestionAlgorithm a,
                                                           std::uint32_t mss);

}  // namespace synack
