// `synack get URL`: one HTTP/1.1 GET over a real TAP/TUN device, the body to a file or stdout,
// with a progress bar when stderr is a terminal.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "net_session.hpp"
#include "synack/apps/http_get_client.hpp"
#include "synack/apps/http_url.hpp"

namespace synack::cli {
namespace {

struct GetOptions {
  DeviceOptions device;
  std::string url;
  std::string output;
};

// "[=====>     ]  42%  27.1 MiB / 64.0 MiB" on one line, redrawn in place.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled) {}
  void update(std::uint64_t received, std::int64_t total) {
    if (!enabled_) return;
    const double mib = static_cast<double>(received) / (1 << 20);
    if (total <= 0) {
      fmt::print(stderr, "\r{:8.1f} MiB", mib);
      return;
    }
    const int percent = static_cast<int>(received * 100 / static_cast<std::uint64_t>(total));
    if (percent == last_percent_) return;
    last_percent_ = percent;
    const int width = 40;
    const int filled = percent * width / 100;
    fmt::print(stderr, "\r[{:=<{}}{:>{}}] {:3}% {:8.1f} MiB / {:.1f} MiB", "", filled, "",
               width - filled, percent, mib, static_cast<double>(total) / (1 << 20));
  }
  void finish() {
    if (enabled_) fmt::print(stderr, "\n");
  }

 private:
  bool enabled_;
  int last_percent_ = -1;
};

int get(const GetOptions& o) {
  const auto url = apps::parse_http_url(o.url);
  if (!url) {
    fmt::print(stderr, "synack get: {}\n", url.error().message());
    return 2;
  }
  std::FILE* out = stdout;
  if (!o.output.empty() && o.output != "-") {
    out = std::fopen(o.output.c_str(), "wb");
    if (!out) {
      fmt::print(stderr, "synack get: {}: {}\n", o.output, errno_text(errno));
      return 1;
    }
  }
  auto session = NetSession::open(o.device);
  if (!session) {
    fmt::print(stderr, "synack get: {}\n", session.error().message());
    return 1;
  }
  NetSession& s = **session;
  ProgressBar bar(isatty(STDERR_FILENO) != 0);
  bool write_failed = false;
  apps::HttpGetClient client(
      s.tcp(), monotonic_now(), url->endpoint, url->host_header(), url->path,
      [&](Bytes body) {
        if (std::fwrite(body.data(), 1, body.size(), out) != body.size()) write_failed = true;
      },
      [&](std::uint64_t received, std::int64_t total) { bar.update(received, total); });
  s.set_application([&](Instant now) {
    client.poll(now);
    if (client.finished() || write_failed) s.stop();
  });
  const bool interrupted = s.run();
  bar.finish();
  if (out != stdout)
    std::fclose(out);
  else
    std::fflush(stdout);
  s.print_stats_at_exit(stderr);
  if (interrupted) return 130;
  if (write_failed) {
    fmt::print(stderr, "synack get: writing {}: {}\n", o.output, errno_text(errno));
    return 1;
  }
  const auto& r = client.result();
  if (!r.ok()) {
    fmt::print(stderr, "synack get: {}\n", r.describe());
    return 1;
  }
  if (r.status != 200) {
    fmt::print(stderr, "synack get: HTTP {}\n", r.status);
    return 1;
  }
  return 0;
}

}  // namespace

void register_get(CLI::App& app) {
  auto options = std::make_shared<GetOptions>();
  auto* cmd = app.add_subcommand("get", "HTTP/1.1 GET over a TAP/TUN device");
  add_device_options(*cmd, options->device);
  cmd->add_option("url", options->url, "http://HOST:PORT/PATH")->required();
  cmd->add_option("-o,--output", options->output, "Write the body here (default: stdout)");
  cmd->callback([options] { set_exit_code(get(*options)); });
}

}  // namespace synack::cli
