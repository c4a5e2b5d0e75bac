#pragma once
// The real clock behind a real event loop: CLOCK_MONOTONIC never jumps when the wall clock is
// set, so protocol timers (RTO, TIME_WAIT, delayed ACK) measure true elapsed time. The sans-IO
// core never calls this; drivers do and hand the result in.
#include <time.h>

#include "synack/core/time.hpp"

namespace synack {

// Converts a timespec of any clock to microseconds since that clock's origin.
inline Instant instant_from_timespec(const ::timespec& ts) {
  return from_micros(static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000);
}

// Instant from CLOCK_MONOTONIC (microseconds since an unspecified start, usually boot).
inline Instant monotonic_now() {
  ::timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return instant_from_timespec(ts);
}

}  // namespace synack
