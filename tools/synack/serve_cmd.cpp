// `synack serve`: a server on a real TAP/TUN device: echo, discard or HTTP/1.1 static files.
#include <fmt/format.h>

#include <time.h>

#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "net_session.hpp"
#include "synack/apps/discard_server.hpp"
#include "synack/apps/echo_server.hpp"
#include "synack/apps/http_file_server.hpp"
#include "synack/link/monotonic_clock.hpp"

namespace synack::cli {
namespace {

struct ServeOptions {
  DeviceOptions device;
  std::uint16_t port = 0;
  bool echo = false;
  bool discard = false;
  std::string http_root;
  int backlog = 128;
};

// The Unix time at the event loop's Instant zero (CLOCK_MONOTONIC's origin), so the HTTP server
// can date its responses (RFC 9110 6.6.1) from the monotonic time it is handed. Read once: the
// wall clock is read here, in the tool, never by the apps.
Duration unix_time_at_monotonic_zero() {
  ::timespec real{};
  ::clock_gettime(CLOCK_REALTIME, &real);
  const Instant monotonic = monotonic_now();
  return instant_from_timespec(real) - monotonic;
}

std::unique_ptr<apps::App> make_app(const ServeOptions& o, TcpLayer& tcp, SocketId listener) {
  if (o.echo) return std::make_unique<apps::EchoServer>(tcp, listener);
  if (o.discard) return std::make_unique<apps::DiscardServer>(tcp, listener);
  apps::HttpServerOptions http;
  http.unix_time_at_zero = unix_time_at_monotonic_zero();
  return std::make_unique<apps::HttpFileServer>(tcp, listener, o.http_root, http);
}

int serve(const ServeOptions& o) {
  if (int(o.echo) + int(o.discard) + int(!o.http_root.empty()) != 1) {
    fmt::print(stderr, "synack serve: choose one of --echo, --discard, --http DIR\n");
    return 2;
  }
  if (!o.http_root.empty() && !std::filesystem::is_directory(o.http_root)) {
    fmt::print(stderr, "synack serve: {} is not a directory\n", o.http_root);
    return 2;
  }
  auto session = NetSession::open(o.device);
  if (!session) {
    fmt::print(stderr, "synack serve: {}\n", session.error().message());
    return 1;
  }
  NetSession& s = **session;
  const auto listener = s.tcp().listen(Endpoint{IpAddress::v4(s.address()), o.port}, o.backlog);
  if (!listener) {
    fmt::print(stderr, "synack serve: listen on port {}: {}\n", o.port,
               errno_text(listener.error().code));
    return 1;
  }
  auto app = make_app(o, s.tcp(), *listener);
  s.set_application([&app](Instant now) { app->poll(now); },
                    [&app] { return app->next_deadline(); });
  fmt::print(stderr, "synack serve: {} on {}:{} ({})\n",
             o.echo      ? "echo"
             : o.discard ? "discard"
                         : "http " + o.http_root,
             s.address().to_string(), o.port, o.device.dev);
  s.run();
  s.print_stats_at_exit(stderr);
  return 0;
}

}  // namespace

void register_serve(CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Serve echo, discard or HTTP files on a TAP/TUN device");
  add_device_options(*cmd, options->device);
  cmd->add_option("--port", options->port, "TCP port to listen on")
      ->required()
      ->check(tcp_port_validator());
  cmd->add_flag("--echo", options->echo, "Echo every byte back (RFC 862)");
  cmd->add_flag("--discard", options->discard, "Read and throw away everything (RFC 863)");
  cmd->add_option("--http", options->http_root, "Serve the files under DIR over HTTP/1.1");
  cmd->add_option("--backlog", options->backlog, "Accept queue length");
  cmd->callback([options] { set_exit_code(serve(*options)); });
}

}  // namespace synack::cli
