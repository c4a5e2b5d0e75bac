#include "commands.hpp"

namespace synack::cli {
namespace {
int g_exit_code = 0;
}

void register_commands(CLI::App& app) {
  register_demo(app);
  register_scenario(app);
  register_trace(app);
  register_bench(app);
  register_serve(app);
  register_connect(app);
  register_get(app);
  register_explore(app);
}

int exit_code() {
  return g_exit_code;
}
void set_exit_code(int code) {
  g_exit_code = code;
}

}  // namespace synack::cli
