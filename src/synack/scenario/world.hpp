#pragma once
// The stage most scenarios run on: the testbed's two-host world (client 198.18.0.1, server
// 198.18.0.2, one raw-IP link, 10 ms one way, secrets from the seed) that also keeps every frame
// on the link for evidence and ladder diagrams. Also how a scenario's options become a world and
// its world becomes part of the result.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "synack/scenario/run_options.hpp"
#include "synack/scenario/scenario.hpp"
#include "synack/testbed/two_host_world.hpp"
#include "synack/viz/ladder_from_simulation.hpp"

namespace synack::scenario {

// The testbed's options plus the user's segment faults (synack scenario run --fault).
struct WorldOptions : testbed::TwoHostOptions {
  std::vector<SegmentFault> faults;  // Installed on the link, client = a.
};

class World : public testbed::TwoHostWorld {
 public:
  explicit World(const WorldOptions& options);

  std::vector<viz::CapturedFrame> frames;

  // The ladder of the connection the client sees as `client_tuple`.
  viz::Ladder ladder(const FourTuple& client_tuple, std::string title) const;
};

// What a connection ladder calls its two ends, and which link it shows (none: every frame).
struct LadderView {
  std::string_view left = "client";
  std::string_view right = "server";
  std::optional<sim::LinkId> link;
};
// The ladder of one connection, seen as the left end sees it (`left_tuple`: local = left), with
// relative sequence numbers; the columns are named "<left> <address:port>" and likewise right.
viz::Ladder connection_ladder(const FourTuple& left_tuple, std::string title,
                              const std::vector<TcpEvent>& left_events,
                              const std::vector<TcpEvent>& right_events,
                              const std::vector<viz::CapturedFrame>& frames,
                              const LadderView& view = {});

// The default world for a scenario: its seed, capture file, and the user's knobs and faults.
WorldOptions world_options(const ScenarioOptions& o);
// A world with the seed only: no capture, no user knobs or faults (for comparison runs).
WorldOptions plain_world(std::uint64_t seed);
// The user's knobs and faults (ScenarioOptions) on top of a world's settings.
void apply_knobs(const ScenarioOptions& o, WorldOptions& w);
// Closes the capture and adds the pcap path and the ladder of `tuple` to the result.
void finish(World& w, ScenarioResult& r, const FourTuple& tuple, std::string title);

}  // namespace synack::scenario
