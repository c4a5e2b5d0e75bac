#pragma once
// NOT FOR PRODUCTION. Deliberately unsafe TCP behaviour that the scenario catalog and the tests
// switch on to show what the safe default prevents: a fixed ISN (old duplicates of an earlier
// incarnation land in the new one's sequence space, RFC 9293 section 3.4.1), a TIME_WAIT shorter
// than 2 MSL, or none at all (RFC 9293 section 3.6.1).
//
// These are kept out of TcpConfig on purpose: a stack only behaves this way after an explicit
// TcpLayer::use_demonstration_settings() call, never through its ordinary configuration.
#include <cstdint>
#include <optional>

#include "synack/core/time.hpp"

namespace synack {

struct DemonstrationSettings {
  // Every connection's ISN, instead of RFC 6528's clock plus keyed hash.
  std::optional<std::uint32_t> fixed_isn;
  // TIME_WAIT length instead of 2 * TcpConfig::msl.
  std::optional<Duration> time_wait_length;
  // false: a closing connection skips TIME_WAIT and is freed at once.
  bool time_wait_enabled = true;
};

}  // namespace synack
