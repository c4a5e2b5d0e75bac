#pragma once
// Frame predicates for the simulator's fault rules on raw-IP links ("drop the first SYN").
#include <cstdint>
#include <functional>

#include "synack/core/bytes.hpp"

namespace synack::testbed {

// An IPv4 frame, not a fragment, carrying TCP with exactly these flags.
bool is_tcp_with_flags(Bytes frame, std::uint8_t flags);
std::function<bool(Bytes)> tcp_flags_equal(std::uint8_t flags);

}  // namespace synack::testbed
