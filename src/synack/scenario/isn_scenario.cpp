// Initial sequence numbers (RFC 6528): a 4 microsecond clock plus a keyed hash of the 4-tuple.
#include <fmt/format.h>

#include <cstdlib>

#include "synack/scenario/scenarios.hpp"
#include "synack/scenario/world.hpp"

namespace synack::scenario {

using namespace testbed;

ScenarioResult run_isn(const ScenarioOptions& opt) {
  ScenarioResult r;
  World w(world_options(opt));
  // No listener: each SYN is refused with RST, so the same 4-tuple is free again at once.
  std::vector<Instant> when;
  const auto isn_at = [&](Instant t, std::uint16_t port) -> std::optional<SeqNum> {
    w.sim.run_until(t);
    when.push_back(w.sim.now());
    const auto c = w.connect(port);
    if (!c) return std::nullopt;
    const SeqNum isn = w.client.tcp().connection(*c)->iss();
    w.run_until([&] { return w.client.tcp().state(*c) == TcpState::kClosed; }, seconds(1));
    w.client.tcp().close(*c);
    return isn;
  };
  // Each refused attempt takes one round trip (20 ms), so attempts are at least that far apart.
  const std::vector<std::int64_t> times_us = {0, 50'000, 100'004, 1'000'000, 10'000'000};
  std::vector<SeqNum> same;
  for (auto t : times_us) {
    if (auto isn = isn_at(from_micros(t), kClientPort)) same.push_back(*isn);
  }
  if (!r.check(same.size() == times_us.size(), "every connect starts")) return r;
  bool clock_exact = true;
  std::string same_text;
  for (std::size_t i = 0; i < same.size(); ++i) {
    const std::uint32_t advance = same[i].raw() - same[0].raw();
    const auto expected = static_cast<std::uint32_t>(to_micros(when[i] - when[0]) / 4);
    clock_exact = clock_exact && advance == expected;
    same_text += fmt::format("{}t={:.6f}s isn={} (+{})", i ? ", " : "", to_seconds(when[i]),
                             same[i].raw(), advance);
  }
  // Other 4-tuples, all at the same instant: only the hash differs.
  const Instant t_other = from_micros(20'000'000);
  std::vector<SeqNum> other;
  std::string other_text;
  for (std::uint16_t port = kClientPort + 1; port <= kClientPort + 5; ++port) {
    w.sim.run_until(t_other);
    const auto c = w.connect(port);
    if (!c) continue;
    other.push_back(w.client.tcp().connection(*c)->iss());
    other_text +=
        fmt::format("{}port {} isn={}", other.size() > 1 ? ", " : "", port, other.back().raw());
  }
  bool unrelated = other.size() == 5;
  std::uint32_t closest = 0xffffffff;
  for (std::size_t i = 0; i < other.size(); ++i) {
    for (std::size_t j = i + 1; j < other.size(); ++j) {
      const std::uint32_t d = other[i].raw() - other[j].raw();
      closest = std::min({closest, d, static_cast<std::uint32_t>(0u - d)});
    }
  }
  unrelated = unrelated && closest > 1024;
  w.sim.run_for(seconds(1));
  r.add("same 4-tuple (client port 40000)", same_text);
  r.add("advance per 4 us", "1 (M = microseconds / 4)");
  r.add("other 4-tuples at t=20 s", other_text);
  r.add("closest pair of other-tuple ISNs", std::to_string(closest));
  r.check(clock_exact, "for one 4-tuple the ISN advances by exactly elapsed time / 4 us");
  r.check(unrelated,
          "at one instant, ISNs of different 4-tuples are far apart (no pair within 1024)");
  finish(w, r, FourTuple{w.client_endpoint(kClientPort), w.server_endpoint()},
         "ISN: one 4-tuple, refused attempts over time");
  return r;
}

}  // namespace synack::scenario
