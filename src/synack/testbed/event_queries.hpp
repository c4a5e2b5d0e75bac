#pragma once
// Questions scenarios and tests ask of a recorded TCP event trace: which segments were sent,
// when a state was entered, which states were passed through.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "synack/tcp/events.hpp"

namespace synack::testbed {

// The segments sent (in order), only those with exactly `flags` when given, from `from` on.
std::vector<TcpEvent> segments_sent(const std::vector<TcpEvent>& events,
                                    std::optional<std::uint8_t> flags = std::nullopt,
                                    Instant from = kEpoch);
// The time of the first state change into `state` at or after `from`.
std::optional<Instant> when_entered(const std::vector<TcpEvent>& events, TcpState state,
                                    Instant from = kEpoch);
// The states passed through, starting with the first change's from-state.
std::vector<TcpState> state_sequence(const std::vector<TcpEvent>& events);
// "CLOSED > SYN_SENT > ESTABLISHED" for the state changes of `tuple` (or all when none).
std::string state_path(const std::vector<TcpEvent>& events,
                       std::optional<FourTuple> tuple = std::nullopt);
std::vector<Instant> times_of(const std::vector<TcpEvent>& events);

}  // namespace synack::testbed
