#include "synack/scenario/world.hpp"

#include <fmt/format.h>

#include "synack/sim/seeded_secrets.hpp"
#include "synack/wire/ipv4.hpp"

namespace synack::scenario {

StackConfig stack_config(const TcpConfig& tcp, std::uint64_t seed, std::uint64_t host) {
  StackConfig c;
  c.tcp = tcp;
  c.secrets = sim::seeded_secrets(seed, host);
  c.host.output_queue_capacity = 4096;  // Floods and bursts must not be cut by the driver queue.
  return c;
}

InterfaceConfig raw_interface(Ipv4Address address, std::uint8_t prefix_length) {
  InterfaceConfig i;
  i.address = address;
  i.prefix_length = prefix_length;
  i.ethernet = false;
  return i;
}

World::World(const WorldOptions& o)
    : sim(o.seed, o.sim),
      client(stack_config(o.client_tcp, o.seed, 1)),
      server(stack_config(o.server_tcp, o.seed, 2)) {
  client.add_interface(raw_interface(kClientIp, o.prefix_length));
  server.add_interface(raw_interface(kServerIp, o.prefix_length));
  const auto a = sim.add_node(client, "client");
  const auto b = sim.add_node(server, "server");
  sim::Impairments imp;
  imp.delay = o.one_way_delay;
  imp.loss = o.loss;
  link = &sim.connect(a, 0, b, 0, sim::LinkConfig::symmetric(imp, sim::LinkLayer::raw_ip));
  install_faults(o.faults, *link);
  listen_backlog_ = o.listen_backlog;
  if (!o.pcap_path.empty() && sim.capture_link(link->id(), o.pcap_path)) pcap = o.pcap_path;
  sim.on_frame(viz::frame_recorder(frames));
  client.tcp().set_event_callback([this](const TcpEvent& e) { client_events.push_back(e); });
  server.tcp().set_event_callback([this](const TcpEvent& e) { server_events.push_back(e); });
}

Endpoint World::server_endpoint(std::uint16_t port) const {
  return Endpoint{IpAddress::v4(kServerIp), port};
}
Endpoint World::client_endpoint(std::uint16_t port) const {
  return Endpoint{IpAddress::v4(kClientIp), port};
}

std::optional<SocketId> World::listen(std::uint16_t port, int backlog) {
  auto id = server.tcp().listen(server_endpoint(port), backlog > 0 ? backlog : listen_backlog_);
  if (!id) return std::nullopt;
  listener_ = *id;
  return *id;
}

std::optional<SocketId> World::connect(std::optional<std::uint16_t> local_port) {
  std::optional<Endpoint> local;
  if (local_port) local = client_endpoint(*local_port);
  auto id = client.tcp().connect(sim.now(), server_endpoint(), local);
  if (!id) return std::nullopt;
  return *id;
}

std::optional<std::pair<SocketId, SocketId>> World::open(Duration limit) {
  const auto listener = listener_ ? listener_ : listen();
  const auto c = connect();
  if (!listener || !c) return std::nullopt;
  SocketId s = 0;
  const bool ok = run_until(
      [&] {
        if (s == 0) {
          if (auto a = server.tcp().accept(*listener)) s = *a;
        }
        return s != 0 && client.tcp().state(*c) == TcpState::kEstablished;
      },
      limit);
  if (!ok) return std::nullopt;
  return std::pair{*c, s};
}

viz::Ladder World::ladder(const FourTuple& client_tuple, std::string title) const {
  viz::SimulationLadderOptions lo;
  lo.connection = client_tuple;
  lo.left_name = "client " + client_tuple.local.to_string();
  lo.right_name = "server " + client_tuple.remote.to_string();
  lo.title = std::move(title);
  lo.relative_seq = true;
  return viz::ladder_from_simulation(client_events, server_events, frames, lo);
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

Bytes text(std::string_view s) {
  return Bytes{reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

bool drain(TcpLayer& tcp, SocketId s, std::string& into) {
  std::uint8_t buf[2048];
  while (true) {
    auto n = tcp.recv(s, buf);
    if (!n) return true;
    if (*n == 0) return false;
    into.append(reinterpret_cast<const char*>(buf), *n);
  }
}

std::vector<TcpEvent> segments_sent(const std::vector<TcpEvent>& events,
                                    std::optional<std::uint8_t> flags, Instant from) {
  std::vector<TcpEvent> out;
  for (const auto& e : events) {
    if (e.kind != TcpEventKind::kSegmentSent || e.time < from) continue;
    if (flags && e.segment.flags != *flags) continue;
    out.push_back(e);
  }
  return out;
}

std::optional<Instant> when_entered(const std::vector<TcpEvent>& events, TcpState state,
                                    Instant from) {
  for (const auto& e : events) {
    if (e.kind == TcpEventKind::kStateChange && e.to == state && e.time >= from) return e.time;
  }
  return std::nullopt;
}

std::string state_path(const std::vector<TcpEvent>& events, std::optional<FourTuple> tuple) {
  std::string out;
  for (const auto& e : events) {
    if (e.kind != TcpEventKind::kStateChange) continue;
    if (tuple && e.tuple != *tuple) continue;
    if (out.empty()) out = std::string(to_string(e.from));
    out += " > " + std::string(to_string(e.to));
  }
  return out;
}

std::string secs(Instant t) {
  return fmt::format("{:.3f} s", to_seconds(t));
}
std::string secs(Duration d) {
  return fmt::format("{:.3f} s", to_seconds(d));
}

std::string secs_list(const std::vector<Instant>& times) {
  std::vector<Duration> d;
  for (Instant t : times) d.push_back(t.time_since_epoch());
  return secs_list(d);
}

std::string secs_list(const std::vector<Duration>& durations) {
  if (durations.empty()) return "none";
  std::string out;
  for (Duration d : durations)
    out += (out.empty() ? "" : ", ") + fmt::format("{:.3f}", to_seconds(d));
  return out + " s";
}

std::vector<Duration> intervals(const std::vector<Instant>& times) {
  std::vector<Duration> out;
  for (std::size_t i = 1; i < times.size(); ++i) out.push_back(times[i] - times[i - 1]);
  return out;
}

std::vector<Instant> times_of(const std::vector<TcpEvent>& events) {
  std::vector<Instant> out;
  for (const auto& e : events) out.push_back(e.time);
  return out;
}

bool doubling(const std::vector<Duration>& gaps) {
  for (std::size_t i = 1; i < gaps.size(); ++i) {
    if (gaps[i] != 2 * gaps[i - 1]) return false;
  }
  return !gaps.empty();
}

std::string percent(double fraction) {
  return fmt::format("{:.1f}%", fraction * 100);
}

std::function<bool(Bytes)> tcp_flags_equal(std::uint8_t flags) {
  return [flags](Bytes frame) {
    const auto ip = Ipv4View::parse(frame, false);
    if (!ip || ip->is_fragment() || ip->repr().protocol != kIpProtocolTcp) return false;
    const auto tcp = TcpView::parse(ip->payload());
    return tcp && tcp->flags() == flags;
  };
}

}  // namespace synack::scenario
