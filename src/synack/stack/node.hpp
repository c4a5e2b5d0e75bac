#pragma once
// The sans-IO contract between anything that owns network interfaces (a host stack, a scripted
// attacker, a test probe) and whatever moves frames (the simulator, a TAP event loop).
// The driver hands in frames and the current time; the node hands frames back through
// FrameOutput during the call and reports when it next needs to run.
#include <cstddef>

#include "synack/core/bytes.hpp"
#include "synack/core/time.hpp"

namespace synack {

class FrameOutput {
 public:
  virtual ~FrameOutput() = default;
  // Sends one frame out of interface `iface`. The bytes are only valid during the call.
  virtual void send_frame(std::size_t iface, Bytes frame) = 0;
};

class NetworkNode {
 public:
  virtual ~NetworkNode() = default;
  // A frame arrived on interface `iface` at time `now`.
  virtual void receive_frame(Instant now, std::size_t iface, Bytes frame, FrameOutput& out) = 0;
  // Time has reached `now`: fire due timers and send whatever is pending.
  virtual void poll(Instant now, FrameOutput& out) = 0;
  // When poll() next has work: kNever when idle, a time <= now when output is pending
  // (for example after an application call queued data).
  virtual Instant next_deadline() const = 0;
};

}  // namespace synack
