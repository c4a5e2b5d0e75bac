#include "synack/scenario/syn_flood_trial.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <random>

#include "synack/testbed/attacker_topology.hpp"

namespace synack::scenario {

using namespace tcp_flags;
using namespace testbed;

Duration FloodTrialResult::connect_time_quantile(double q) const {
  if (connect_times.empty()) return Duration{0};
  const auto i = static_cast<std::size_t>(q * double(connect_times.size() - 1) + 0.5);
  return connect_times[std::min(i, connect_times.size() - 1)];
}

FloodTrialResult run_flood_trial(const FloodTrialOptions& o) {
  FloodTrialResult r;
  r.half_open_entry_bytes = sizeof(HalfOpenEntry);
  // The attacker also receives the SYN-ACKs to its spoofed sources (the hub's default route).
  AttackerOptions topology;
  topology.seed = o.seed;
  topology.server_tcp = o.server_tcp;
  AttackerTopology bed(topology);
  const auto l = bed.listen(kServerPort, o.listen_backlog);
  if (!l) return r;
  sim::Simulator& sim = bed.sim;
  Stack& server = bed.server;
  Stack& client = bed.client;
  ScriptedPeer& attacker = bed.attacker;
  const Listener& listener = *server.tcp().listener(*l);

  // The attacker: every millisecond a batch of spoofed SYNs (random address, port and ISN).
  std::mt19937_64 rng(o.seed ^ 0x5359'4e66'6c6f'6f64ULL);
  const auto ms_count = to_micros(o.flood_length) / 1000;
  const std::uint64_t per_ms = o.syns_per_second / 1000;
  for (std::int64_t ms = 0; ms < ms_count; ++ms) {
    sim.schedule_at(from_micros(ms * 1000), [&] {
      attacker.clear();  // drop the SYN-ACKs it was sent: nobody answers them
      for (std::uint64_t i = 0; i < per_ms; ++i) {
        const std::uint64_t x = rng();
        const Ipv4Address src{{198, 19, static_cast<std::uint8_t>(x >> 8),
                               static_cast<std::uint8_t>(std::max<std::uint64_t>(x & 0xff, 1))}};
        attacker.send(src, kServerIp,
                      make_header(static_cast<std::uint16_t>(1024 + (x >> 16) % 64000), kServerPort,
                                  SeqNum{static_cast<std::uint32_t>(x >> 32)}, SeqNum{0}, kSyn));
        ++r.attack_syns;
      }
      r.peak_half_open = std::max(r.peak_half_open, listener.half_open_count());
    });
  }
  // The legitimate client: connects on schedule; ESTABLISHED (seen in its events) completes.
  std::map<FourTuple, Instant> started;
  client.tcp().set_event_callback([&](const TcpEvent& e) {
    if (e.kind != TcpEventKind::kStateChange || e.to != TcpState::kEstablished) return;
    auto it = started.find(e.tuple);
    if (it == started.end()) return;
    const Duration took = e.time - it->second;
    if (took <= o.connect_allowance) {
      ++r.completed;
      r.connect_times.push_back(took);
    }
    started.erase(it);
  });
  Instant last_connect = kEpoch;
  for (Instant t = kEpoch + o.first_connect; t < kEpoch + o.flood_length; t += o.connect_interval) {
    last_connect = t;
    sim.schedule_at(t, [&] {
      const auto c = bed.connect();
      if (!c) return;
      ++r.attempts;
      started.emplace(*client.tcp().tuple(*c), sim.now());
    });
  }
  // The server application accepts everything, every 10 ms, so the accept queue never limits.
  std::vector<SocketId> accepted;
  for (Instant t = kEpoch; t <= last_connect + o.connect_allowance; t += milliseconds(10)) {
    sim.schedule_at(t, [&] {
      while (auto s = server.tcp().accept(*l)) accepted.push_back(*s);
    });
  }
  const auto wall_start = std::chrono::steady_clock::now();
  sim.run_until(kEpoch + o.flood_length);
  r.final_half_open = listener.half_open_count();
  r.peak_half_open = std::max(r.peak_half_open, r.final_half_open);
  sim.run_until(last_connect + o.connect_allowance + milliseconds(1));
  r.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  std::sort(r.connect_times.begin(), r.connect_times.end());
  const TcpCounters& c = server.tcp().counters();
  r.syncookies_sent = c.SyncookiesSent;
  r.syncookies_recv = c.SyncookiesRecv;
  r.syncookies_failed = c.SyncookiesFailed;
  r.queue_full_drops = c.TCPReqQFullDrop;
  return r;
}

}  // namespace synack::scenario
