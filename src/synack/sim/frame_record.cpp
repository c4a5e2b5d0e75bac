#include "synack/sim/frame_record.hpp"

namespace synack::sim {

const char* to_string(FrameFate fate) {
  switch (fate) {
    case FrameFate::delivered:
      return "delivered";
    case FrameFate::lost:
      return "lost";
    case FrameFate::queue_drop:
      return "queue_drop";
    case FrameFate::mtu_drop:
      return "mtu_drop";
    case FrameFate::fault_drop:
      return "fault_drop";
    case FrameFate::expired:
      return "expired";
  }
  return "unknown";
}

}  // namespace synack::sim
