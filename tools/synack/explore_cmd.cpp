// `synack explore`: writes out the explorer page (built by `make web` with Emscripten: the stack,
// simulator, ladders and scenario catalog in WebAssembly, one self-contained index.html) and
// prints the file:// URL to open. The CLI itself never needs Emscripten: it finds the page next
// to the binary (build/web/ beside build/bin/, or share/synack/web/ when installed).
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "commands.hpp"

namespace synack::cli {
namespace {

namespace fs = std::filesystem;

struct ExploreOptions {
  std::string page;  // The built page; empty: look for it.
  std::string out;   // Where to write it; empty: <temp>/synack-explorer.
};

std::optional<fs::path> find_page(const ExploreOptions& o) {
  std::vector<fs::path> candidates;
  if (!o.page.empty()) return fs::path(o.page);
  if (const char* env = std::getenv("SYNACK_WEB_PAGE")) candidates.emplace_back(env);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path prefix = exe.parent_path().parent_path();
    candidates.push_back(prefix / "web" / "index.html");
    candidates.push_back(prefix / "share" / "synack" / "web" / "index.html");
  }
  for (const fs::path& p : candidates) {
    if (fs::is_regular_file(p, ec)) return p;
  }
  return std::nullopt;
}

int explore(const ExploreOptions& o) {
  const auto page = find_page(o);
  std::error_code ec;
  if (!page || !fs::is_regular_file(*page, ec)) {
    fmt::print(stderr,
               "synack explore: the explorer page is not built; run `make web` first (it needs "
               "Debian's emscripten, which scripts/install-deps.sh installs), or pass --page\n");
    return 2;
  }
  const fs::path dir =
      o.out.empty() ? fs::temp_directory_path(ec) / "synack-explorer" : fs::path(o.out);
  fs::create_directories(dir, ec);
  const fs::path target = fs::absolute(dir / "index.html", ec);
  fs::copy_file(*page, target, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    fmt::print(stderr, "synack explore: cannot write {}: {}\n", target.string(), ec.message());
    return 2;
  }
  fmt::print("explorer page written to {}\nopen file://{}\n", target.string(), target.string());
  fmt::print("(or serve its folder: synack serve --http {} --port 80 ...)\n",
             target.parent_path().string());
  return 0;
}

}  // namespace

void register_explore(CLI::App& app) {
  static ExploreOptions options;
  auto* cmd = app.add_subcommand(
      "explore", "Write out the explorer web page (the stack in WebAssembly) and print its URL");
  cmd->add_option("--out", options.out, "Directory to write index.html to (default: a temp dir)");
  cmd->add_option("--page", options.page, "The built page (default: the `make web` output)");
  cmd->callback([] { set_exit_code(explore(options)); });
}

}  // namespace synack::cli
