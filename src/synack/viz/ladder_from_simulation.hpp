#pragma once
// Builds the ladder of one TCP connection from a simulation: the TCP events of the host drawn
// on the left and of the host on the right, and the frames the simulator reported.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "synack/core/bytes.hpp"
#include "synack/sim/frame_record.hpp"
#include "synack/tcp/events.hpp"
#include "synack/viz/frame_decoder.hpp"
#include "synack/viz/ladder.hpp"

namespace synack::viz {

// An owning copy of a sim::FrameRecord (whose bytes are valid only during the callback).
struct CapturedFrame {
  std::uint64_t frame_id = 0;
  Instant sent;
  std::optional<Instant> delivered;
  sim::LinkId link = 0;
  sim::Direction direction = sim::Direction::a_to_b;
  sim::FrameFate fate = sim::FrameFate::delivered;
  bool duplicate = false;
  ByteVector bytes;
};

CapturedFrame capture_frame(const sim::FrameRecord& record);
// An observer for Simulator::on_frame that appends every frame to `out` (which must outlive
// the simulator's use of the observer).
std::function<void(const sim::FrameRecord&)> frame_recorder(std::vector<CapturedFrame>& out);

struct SimulationLadderOptions {
  std::string left_name;  // Empty: "client <endpoint>" or "server <endpoint>".
  std::string right_name;
  std::string title;
  // The connection as the left host sees it (local = left). None: the tuple of the first
  // segment the left host sent (or the right host's, mirrored).
  std::optional<FourTuple> connection;
  std::optional<sim::LinkId> link;  // Only frames of this link; none: every frame.
  FrameFormat frame_format = FrameFormat::automatic;
  bool relative_seq = false;
  bool show_arp = false;   // ARP frames as notes.
  bool show_drops = true;  // Segments a host received but discarded, as notes ("drop: ...").
};

// Each segment a host sent (kSegmentSent) becomes one arrow, matched in order with the frame
// carrying the same direction, seq, ack, flags and length: the arrow runs from the frame's send
// time to its delivery time, or ends in a cross when the frame was dropped. When no frame of the
// connection was given, arrivals come from the peer's matching receive events instead. Frames
// with no sent event (and duplicate copies) become arrows of their own.
Ladder ladder_from_simulation(const std::vector<TcpEvent>& left_events,
                              const std::vector<TcpEvent>& right_events,
                              const std::vector<CapturedFrame>& frames,
                              const SimulationLadderOptions& options = {});

// "RTO" for "retransmission timeout" and the like: the short names a ladder has room for.
std::string short_timer_name(std::string_view reason);

}  // namespace synack::viz
