#pragma once
// Wall-clock time as an Instant (microseconds since the Unix epoch), for capture files only:
// tcpdump and Wireshark show pcap timestamps as dates, so frames captured on a real device are
// stamped with CLOCK_REALTIME. Never use it for timers: it jumps when the clock is set.
#include <time.h>

#include "synack/link/monotonic_clock.hpp"

namespace synack {

inline Instant wall_clock_now() {
  ::timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return instant_from_timespec(ts);
}

}  // namespace synack
