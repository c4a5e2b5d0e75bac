#include "synack/scenario/world.hpp"

namespace synack::scenario {

World::World(const WorldOptions& options) : testbed::TwoHostWorld(options) {
  install_faults(options.faults, *link);
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

WorldOptions world_options(const ScenarioOptions& o) {
  WorldOptions w;
  w.seed = o.seed;
  w.pcap_path = o.pcap_path;
  apply_knobs(o, w);
  return w;
}

WorldOptions plain_world(std::uint64_t seed) {
  WorldOptions w;
  w.seed = seed;
  return w;
}

void apply_knobs(const ScenarioOptions& o, WorldOptions& w) {
  apply_client_knobs(o.knobs, w.client_tcp);
  apply_server_knobs(o.knobs, w.server_tcp);
  apply_isn_knob(o.knobs, 1000, w.client_demonstration);
  apply_isn_knob(o.knobs, 5000, w.server_demonstration);
  if (o.knobs.loss) w.loss = *o.knobs.loss;
  if (o.knobs.delay) w.one_way_delay = *o.knobs.delay;
  if (o.knobs.accept_backlog) w.listen_backlog = *o.knobs.accept_backlog;
  w.faults.insert(w.faults.end(), o.faults.begin(), o.faults.end());
}

void finish(World& w, ScenarioResult& r, const FourTuple& tuple, std::string title) {
  w.sim.close_captures();
  r.pcap = w.pcap;
  r.ladders.push_back(w.ladder(tuple, std::move(title)));
  r.add_counters("client", w.client.tcp().counters());
  r.add_counters("server", w.server.tcp().counters());
  r.accepts_faults = true;
}

}  // namespace synack::scenario
