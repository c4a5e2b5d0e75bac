// `synack scenario list` and `synack scenario run NAME`: the catalog of claims about TCP's
// handshake and close, each run on the simulator, drawn as a ladder and checked numerically.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "synack/scenario/scenario.hpp"
#include "synack/viz/svg_renderer.hpp"
#include "synack/viz/text_renderer.hpp"

namespace synack::cli {
namespace {

struct ScenarioCliOptions {
  std::string name;
  std::uint64_t seed = 1;
  std::string pcap;
  std::string svg;
  bool json = false;
  std::vector<std::string> faults;    // parse_fault's form: drop:server:1
  std::vector<std::string> settings;  // with_knob's form: msl=2s
};

void list_scenarios() {
  for (const auto& s : scenario::catalog()) fmt::print("{:<24} {}\n", s.name, s.claim);
}

// With several ladders, FILE.svg becomes FILE.svg, FILE-2.svg, ...
std::string svg_path(const std::string& base, std::size_t index) {
  if (index == 0) return base;
  const auto dot = base.rfind(".svg");
  const std::string stem = dot == std::string::npos ? base : base.substr(0, dot);
  return fmt::format("{}-{}.svg", stem, index + 1);
}

void print_json(const scenario::Scenario& s, const scenario::ScenarioResult& r,
                std::uint64_t seed) {
  nlohmann::ordered_json j;
  j["name"] = s.name;
  j["claim"] = s.claim;
  j["seed"] = seed;
  j["passed"] = r.passed();
  j["evidence"] = nlohmann::ordered_json::array();
  for (const auto& e : r.evidence) j["evidence"].push_back({{"name", e.name}, {"value", e.value}});
  j["checks"] = nlohmann::ordered_json::array();
  for (const auto& c : r.checks)
    j["checks"].push_back({{"requirement", c.requirement}, {"held", c.held}});
  j["ladders"] = r.ladders.size();
  if (r.pcap) j["pcap"] = *r.pcap;
  fmt::print("{}\n", j.dump(2));
}

void print_text(const scenario::Scenario& s, const scenario::ScenarioResult& r) {
  const bool colour = isatty(fileno(stdout)) != 0;
  fmt::print("== {}\nclaim: {}\n", s.name, s.claim);
  viz::TextOptions to;
  to.colour = colour;
  for (const auto& ladder : r.ladders) {
    fmt::print("\n-- {}\n{}", ladder.title, viz::render_text(ladder, to));
  }
  fmt::print("\nevidence:\n");
  for (const auto& e : r.evidence) fmt::print("  {}: {}\n", e.name, e.value);
  fmt::print("\nchecks:\n");
  for (const auto& c : r.checks) fmt::print("  [{}] {}\n", c.held ? "ok" : "FAIL", c.requirement);
  const char* verdict = r.passed() ? "PASS: the evidence supports the claim"
                                   : "FAIL: the evidence contradicts the claim";
  if (colour) {
    fmt::print("\n\x1b[1;{}m{}\x1b[0m\n", r.passed() ? 32 : 31, verdict);
  } else {
    fmt::print("\n{}\n", verdict);
  }
}

int run_scenario(const ScenarioCliOptions& o) {
  const scenario::Scenario* s = scenario::find_scenario(o.name);
  if (s == nullptr) {
    fmt::print(stderr, "synack scenario: no scenario named '{}' (see `synack scenario list`)\n",
               o.name);
    return 2;
  }
  scenario::ScenarioOptions so;
  so.seed = o.seed;
  so.pcap_path = o.pcap;
  for (const std::string& text : o.faults) {
    auto fault = scenario::parse_fault(text);
    if (!fault) {
      fmt::print(stderr, "synack scenario: {}\n", fault.error());
      return 2;
    }
    so.faults.push_back(*fault);
  }
  for (const std::string& text : o.settings) {
    auto knobs = scenario::with_knob(so.knobs, text);
    if (!knobs) {
      fmt::print(stderr, "synack scenario: {}\n", knobs.error());
      return 2;
    }
    so.knobs = *knobs;
  }
  const scenario::ScenarioResult r = s->run(so);
  if (o.json) {
    print_json(*s, r, o.seed);
  } else {
    print_text(*s, r);
  }
  std::FILE* notes = o.json ? stderr : stdout;
  if (!o.svg.empty()) {
    for (std::size_t i = 0; i < r.ladders.size(); ++i) {
      const std::string path = svg_path(o.svg, i);
      std::ofstream out(path);
      out << viz::render_svg(r.ladders[i]);
      out.close();
      if (!out) {
        fmt::print(stderr, "synack scenario: cannot write {}\n", path);
        return 2;
      }
      fmt::print(notes, "ladder written to {}\n", path);
    }
  }
  if (!o.pcap.empty()) {
    if (!r.pcap) {
      // An output the user asked for and did not get: an I/O error, like an unwritable SVG.
      fmt::print(stderr, "synack scenario: cannot write the capture {}\n", o.pcap);
      return 2;
    }
    fmt::print(notes, "capture written to {}\n", *r.pcap);
  }
  return r.passed() ? 0 : 1;
}

}  // namespace

void register_scenario(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("scenario", "Run the catalog of TCP handshake and close scenarios");
  cmd->require_subcommand(1);
  auto* list = cmd->add_subcommand("list", "List every scenario and its claim");
  list->callback([] {
    list_scenarios();
    set_exit_code(0);
  });
  static ScenarioCliOptions options;
  auto* run = cmd->add_subcommand("run", "Run one scenario: claim, ladder, evidence, verdict");
  run->add_option("name", options.name, "Scenario name (see `synack scenario list`)")->required();
  run->add_option("--seed", options.seed, "Seed for the simulated network")->capture_default_str();
  run->add_option("--pcap", options.pcap, "Write a capture of the scenario's main link");
  run->add_option("--svg", options.svg,
                  "Write the ladder as SVG (further ladders go to FILE-2.svg, ...)");
  run->add_flag("--json", options.json, "Print the result as JSON instead of text");
  run->add_option("--fault", options.faults,
                  "Fault on one segment of the main link, repeatable: drop:SENDER:N, "
                  "delay:SENDER:N:TIME, duplicate:SENDER:N:TIME (SENDER client|server, N counts "
                  "from 1)");
  run->add_option("--set", options.settings,
                  "Change a knob, repeatable: msl=TIME, syn_retries=N, synack_retries=N, "
                  "max_syn_backlog=N, accept_backlog=N, syncookies=0|1|2, loss=P, delay=TIME, "
                  "isn=fixed|random");
  run->callback([] { set_exit_code(run_scenario(options)); });
}

}  // namespace synack::cli
