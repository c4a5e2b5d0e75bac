#pragma once
// The scenario catalog: each scenario states a claim about TCP's handshake or close, runs it on
// the deterministic simulator, measures, and checks the claim against the numbers. The CLI
// (`synack scenario`) prints the result; the tests run every scenario and require it to pass.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synack/scenario/run_options.hpp"
#include "synack/tcp/counters.hpp"
#include "synack/viz/ladder.hpp"

namespace synack::scenario {

struct ScenarioOptions {
  std::uint64_t seed = 1;
  // When set, the scenario's main simulated link is captured to this pcap file.
  std::string pcap_path;
  // Faults on single segments of the main link, and knobs; scenarios built on World honour
  // both (world_options), the others what concerns them.
  std::vector<SegmentFault> faults = {};
  Knobs knobs = {};
};

// One measured fact: "SYN sent at" = "0.000 s, 1.000 s, 3.000 s".
struct Evidence {
  std::string name;
  std::string value;
};

// One numeric test of the claim: what was required and whether the run satisfied it.
struct Check {
  std::string requirement;
  bool held = false;
};

// One host's TCP counters after the run (those that are not zero), Linux names.
struct HostCounters {
  std::string host;
  std::vector<std::pair<std::string, std::uint64_t>> values;
};

struct ScenarioResult {
  std::vector<Evidence> evidence;
  std::vector<Check> checks;
  std::vector<viz::Ladder> ladders;    // Usually one; variants compared side by side add more.
  std::optional<std::string> pcap;     // The capture written, if one was asked for.
  std::vector<HostCounters> counters;  // Of the hosts of the main ladder.
  // The first ladder's link took ScenarioOptions::faults (scenarios built on World); the others
  // build their own networks and ignore them.
  bool accepts_faults = false;

  // The evidence supports the claim: at least one check, and every check held.
  bool passed() const;

  void add(std::string name, std::string value);
  // Records the requirement; returns `held` so callers can skip dependent checks.
  bool check(bool held, std::string requirement);
  void add_counters(std::string host, const TcpCounters& counters);
};

struct Scenario {
  std::string_view name;
  std::string_view claim;
  ScenarioResult (*run)(const ScenarioOptions&);
};

// Every scenario, in teaching order.
const std::vector<Scenario>& catalog();
const Scenario* find_scenario(std::string_view name);

}  // namespace synack::scenario
