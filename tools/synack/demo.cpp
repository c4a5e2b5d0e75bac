#include <fmt/format.h>

#include "commands.hpp"

namespace synack::cli {

void register_demo(CLI::App& app) {
  auto* cmd = app.add_subcommand("demo", "Run the main demonstration on the simulated network");
  static std::uint64_t seed = 1;
  static std::string pcap;
  cmd->add_option("--seed", seed, "Seed for the simulated network");
  cmd->add_option("--pcap", pcap, "Write a capture of the simulated link");
  cmd->callback([] { fmt::print("demo: not yet wired (seed {})\n", seed); });
}

}  // namespace synack::cli
