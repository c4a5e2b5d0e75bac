#pragma once
#include <CLI/CLI.hpp>

namespace synack::cli {

// Adds every subcommand to `app`.
void register_commands(CLI::App& app);
// The exit status the chosen subcommand asked for.
int exit_code();
void set_exit_code(int code);

// One registration function per subcommand file.
void register_demo(CLI::App& app);
void register_scenario(CLI::App& app);
void register_trace(CLI::App& app);
void register_bench(CLI::App& app);
void register_serve(CLI::App& app);
void register_connect(CLI::App& app);
void register_get(CLI::App& app);
void register_explore(CLI::App& app);

}  // namespace synack::cli
