#include "synack/scenario/world.hpp"

namespace synack::scenario {

World::World(const testbed::TwoHostOptions& options) : testbed::TwoHostWorld(options) {
  sim.on_frame(viz::frame_recorder(frames));
}

viz::Ladder World::ladder(const FourTuple& client_tuple, std::string title) const {
  return connection_ladder(client_tuple, std::move(title), client_events, server_events, frames);
}

viz::Ladder connection_ladder(const FourTuple& left_tuple, std::string title,
                              const std::vector<TcpEvent>& left_events,
                              const std::vector<TcpEvent>& right_events,
                              const std::vector<viz::CapturedFrame>& frames,
                              const LadderView& view) {
  viz::SimulationLadderOptions lo;
  lo.connection = left_tuple;
  lo.link = view.link;
  lo.left_name = std::string(view.left) + " " + left_tuple.local.to_string();
  lo.right_name = std::string(view.right) + " " + left_tuple.remote.to_string();
  lo.title = std::move(title);
  lo.relative_seq = true;
  return viz::ladder_from_simulation(left_events, right_events, frames, lo);
}

testbed::TwoHostOptions world_options(const ScenarioOptions& o) {
  testbed::TwoHostOptions w;
  w.seed = o.seed;
  w.pcap_path = o.pcap_path;
  return w;
}

void finish(World& w, ScenarioResult& r, const FourTuple& tuple, std::string title) {
  w.sim.close_captures();
  r.pcap = w.pcap;
  r.ladders.push_back(w.ladder(tuple, std::move(title)));
}

}  // namespace synack::scenario
