#pragma once
// The stage most scenarios run on: a client stack (198.18.0.1) and a server stack (198.18.0.2)
// joined by a raw-IP link with 10 ms one-way delay (no ARP, so every timing is TCP's own),
// secrets derived from the seed, every TCP event and frame recorded for evidence and ladders.
// Also small helpers shared by the scenario files.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synack/scenario/scenario.hpp"
#include "synack/sim/simulator.hpp"
#include "synack/stack/stack.hpp"
#include "synack/viz/ladder_from_simulation.hpp"

namespace synack::scenario {

inline const Ipv4Address kClientIp{{198, 18, 0, 1}};
inline const Ipv4Address kServerIp{{198, 18, 0, 2}};
inline constexpr std::uint16_t kServerPort = 80;
inline constexpr std::uint16_t kClientPort = 40000;

struct WorldOptions {
  std::uint64_t seed = 1;
  Duration one_way_delay = milliseconds(10);
  TcpConfig client_tcp;
  TcpConfig server_tcp;
  sim::SimulatorOptions sim;
  std::string pcap_path;  // Capture the link when set.
  // Prefix of both interfaces: 15 puts all of 198.18.0.0/15 on the link, so a server answers
  // spoofed sources out of it (the attacker scenarios).
  std::uint8_t prefix_length = 24;
  std::vector<SegmentFault> faults;  // Installed on the link, client = a.
  double loss = 0;                   // Random loss each way.
  int listen_backlog = 16;           // listen()'s default.
};

StackConfig stack_config(const TcpConfig& tcp, std::uint64_t seed, std::uint64_t host);
InterfaceConfig raw_interface(Ipv4Address address, std::uint8_t prefix_length);

class World {
 public:
  explicit World(const WorldOptions& options);
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  sim::Simulator sim;
  Stack client;
  Stack server;
  sim::Link* link = nullptr;  // a = client, b = server
  std::vector<TcpEvent> client_events;
  std::vector<TcpEvent> server_events;
  std::vector<viz::CapturedFrame> frames;
  std::optional<std::string> pcap;  // Set when the capture was opened.

  Endpoint server_endpoint(std::uint16_t port = kServerPort) const;
  Endpoint client_endpoint(std::uint16_t port) const;
  // Backlog 0: the world's listen_backlog.
  std::optional<SocketId> listen(std::uint16_t port = kServerPort, int backlog = 0);
  // From an ephemeral port, or from `local_port` when given.
  std::optional<SocketId> connect(std::optional<std::uint16_t> local_port = std::nullopt);
  // Listen, connect, run until both are ESTABLISHED and accepted: {client, server}.
  std::optional<std::pair<SocketId, SocketId>> open(Duration limit = seconds(10));
  bool run_until(const std::function<bool()>& done, Duration limit) {
    return sim.run_until(done, sim.now() + limit);
  }
  // The ladder of the connection the client sees as `tuple`.
  viz::Ladder ladder(const FourTuple& client_tuple, std::string title) const;

 private:
  std::optional<SocketId> listener_;
  int listen_backlog_ = 16;
};

// ---- helpers shared by scenario files ----
// The default world for a scenario: its seed and capture file.
WorldOptions world_options(const ScenarioOptions& o);
// A world with the seed only: no capture, no user knobs or faults (for comparison runs).
WorldOptions plain_world(std::uint64_t seed);
// The user's knobs and faults (ScenarioOptions) on top of a world's settings.
void apply_knobs(const ScenarioOptions& o, WorldOptions& w);
// Closes the capture and adds the pcap path and the ladder of `tuple` to the result.
void finish(World& w, ScenarioResult& r, const FourTuple& tuple, std::string title);
Bytes text(std::string_view s);
// Appends whatever `tcp` has to read into `into`; returns false at end of stream.
bool drain(TcpLayer& tcp, SocketId s, std::string& into);
std::vector<TcpEvent> segments_sent(const std::vector<TcpEvent>& events,
                                    std::optional<std::uint8_t> flags = std::nullopt,
                                    Instant from = kEpoch);
std::optional<Instant> when_entered(const std::vector<TcpEvent>& events, TcpState state,
                                    Instant from = kEpoch);
// "CLOSED > SYN_SENT > ESTABLISHED" for the state changes of `tuple` (or all when none).
std::string state_path(const std::vector<TcpEvent>& events,
                       std::optional<FourTuple> tuple = std::nullopt);
// "1.020 s"
std::string secs(Instant t);
std::string secs(Duration d);
// "0.000, 1.000, 3.000 s"
std::string secs_list(const std::vector<Instant>& times);
// Differences between consecutive times: "1.000, 2.000 s".
std::vector<Duration> intervals(const std::vector<Instant>& times);
std::string secs_list(const std::vector<Duration>& durations);
std::vector<Instant> times_of(const std::vector<TcpEvent>& events);
// Each interval is twice the one before (exactly, in microseconds).
bool doubling(const std::vector<Duration>& gaps);
std::string percent(double fraction);
// A fault-rule predicate: raw-IP frames carrying TCP with exactly these flags.
std::function<bool(Bytes)> tcp_flags_equal(std::uint8_t flags);

}  // namespace synack::scenario
