#pragma once
// Counters shared by the simple stream servers (echo, discard).
#include <cstdint>

namespace synack::apps {

struct StreamServerStats {
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_closed = 0;
  std::uint64_t connections_failed = 0;  // ended by an error (reset, timeout) instead of a FIN
  std::uint64_t bytes_received = 0;
  std::uint64_t bytes_sent = 0;
};

}  // namespace synack::apps
