#pragma once
// Time as the sans-IO core sees it: an Instant handed in by the caller, never read from a clock.
// The simulator passes virtual time; a real event loop passes CLOCK_MONOTONIC.
#include <chrono>
#include <cstdint>
#include <limits>

namespace synack {

// A clock tag without now(): protocol code cannot read it, only receive its time points.
struct StackClock {
  using rep = std::int64_t;
  using period = std::micro;
  using duration = std::chrono::duration<rep, period>;
  using time_point = std::chrono::time_point<StackClock>;
  static constexpr bool is_steady = true;
};

using Duration = StackClock::duration;
using Instant = StackClock::time_point;

inline constexpr Instant kNever = Instant::max();
inline constexpr Instant kEpoch = Instant{};

constexpr Duration microseconds(std::int64_t n) {
  return Duration{n};
}
constexpr Duration milliseconds(std::int64_t n) {
  return Duration{n * 1000};
}
constexpr Duration seconds(std::int64_t n) {
  return Duration{n * 1000 * 1000};
}

constexpr std::int64_t to_micros(Instant t) {
  return t.time_since_epoch().count();
}
constexpr std::int64_t to_micros(Duration d) {
  return d.count();
}
constexpr double to_seconds(Duration d) {
  return static_cast<double>(d.count()) / 1e6;
}
constexpr double to_seconds(Instant t) {
  return to_seconds(t.time_since_epoch());
}
constexpr Instant from_micros(std::int64_t us) {
  return Instant{Duration{us}};
}

// The earlier of two deadlines; kNever means "no deadline".
constexpr Instant earliest(Instant a, Instant b) {
  return a < b ? a : b;
}

}  // namespace synack
