// synack: the command-line tool. Each subcommand lives in its own file and registers here.
#include <CLI/CLI.hpp>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"synack: a userspace TCP/IP stack you can watch"};
  app.require_subcommand(1);
  synack::cli::register_commands(app);
  CLI11_PARSE(app, argc, argv);
  return synack::cli::exit_code();
}
