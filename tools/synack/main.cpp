// synack: the command-line tool. Each subcommand lives in its own file and registers here.
#include <CLI/CLI.hpp>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"synack: a userspace TCP/IP stack you can watch"};
  app.require_subcommand(1);
  synack::cli::register_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints --help, or the message and a pointer to --help; a command line it could
    // not accept is a usage error, exit status 2 as for every synack usage error (CLI11's own
    // codes, 100 and up, mean nothing to a shell script).
    return app.exit(e) == 0 ? 0 : 2;
  }
  return synack::cli::exit_code();
}
