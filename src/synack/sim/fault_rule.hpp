#pragma once
// Targeted, deterministic faults for exact test cases ("drop the 2nd SYN", "hold this FIN back
// for 5 s"), complementing the probabilistic Impairments.
#include <cstddef>
#include <functional>
#include <utility>

#include "synack/core/bytes.hpp"
#include "synack/core/time.hpp"

namespace synack::sim {

enum class FaultAction {
  drop,       // The frame never arrives.
  delay,      // The frame arrives `amount` later than it otherwise would (outside FIFO order).
  duplicate,  // The frame arrives normally and a copy arrives `amount` after it.
};

struct FaultRule {
  // Which frames the rule looks at; sees the frame as the sender sent it.
  std::function<bool(Bytes frame)> matches;
  // Act on the n-th matching frame (1-based); 0 acts on every match.
  std::size_t occurrence = 1;
  FaultAction action = FaultAction::drop;
  Duration amount{0};

  static FaultRule drop(std::function<bool(Bytes)> matches, std::size_t occurrence = 1) {
    return FaultRule{std::move(matches), occurrence, FaultAction::drop, Duration{0}};
  }
  static FaultRule delay(std::function<bool(Bytes)> matches, std::size_t occurrence, Duration by) {
    return FaultRule{std::move(matches), occurrence, FaultAction::delay, by};
  }
  static FaultRule duplicate(std::function<bool(Bytes)> matches, std::size_t occurrence,
                             Duration after) {
    return FaultRule{std::move(matches), occurrence, FaultAction::duplicate, after};
  }
};

}  // namespace synack::sim
