// `synack connect HOST:PORT`: netcat over a real TAP/TUN device. Standard input goes to the
// connection and the connection to standard output; end of input half-closes (FIN) and the
// program ends once the peer has closed too.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <vector>

#include "commands.hpp"
#include "net_session.hpp"
#include "synack/apps/stream_bridge.hpp"

namespace synack::cli {
namespace {

struct ConnectOptions {
  DeviceOptions device;
  std::string remote;
};

void write_all(int fd, Bytes data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // stdout gone: the bytes have nowhere to go
    data = data.subspan(static_cast<std::size_t>(n));
  }
}

// Standard input, read only when the connection can take more (backpressure), so a fast
// producer never makes synack buffer without bound.
class InputPump {
 public:
  InputPump(NetSession& session, apps::StreamBridge& bridge)
      : session_(session), bridge_(bridge), buffer_(64 * 1024) {
    struct stat st {};
    // epoll refuses regular files; they are always readable, so read them on every step.
    pollable_ = fstat(STDIN_FILENO, &st) == 0 && !S_ISREG(st.st_mode);
    if (pollable_) {
      session_.loop().watch(STDIN_FILENO, EPOLLIN, [this](std::uint32_t) { read_input(); });
    }
  }

  // After every stack step: offer what is still pending, then read more if there is room.
  void step() {
    offer_pending();
    if (!pollable_ && pending_.empty() && !eof_) read_input();
    if (pollable_ && !eof_)
      session_.loop().modify(STDIN_FILENO, pending_.empty() ? std::uint32_t{EPOLLIN} : 0u);
  }

 private:
  void read_input() {
    if (eof_ || !pending_.empty()) return;
    const ssize_t n = ::read(STDIN_FILENO, buffer_.data(), buffer_.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n <= 0) {
      eof_ = true;
      if (pollable_) session_.loop().unwatch(STDIN_FILENO);
      bridge_.input_eof();
    } else {
      pending_.assign(buffer_.begin(), buffer_.begin() + n);
      offer_pending();
      if (pollable_ && !pending_.empty()) session_.loop().modify(STDIN_FILENO, 0);
    }
    session_.kick();
  }

  void offer_pending() {
    if (pending_.empty()) return;
    const std::size_t taken = bridge_.offer_input(Bytes{pending_.data(), pending_.size()});
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(taken));
  }

  NetSession& session_;
  apps::StreamBridge& bridge_;
  std::vector<std::uint8_t> buffer_;
  std::vector<std::uint8_t> pending_;
  bool pollable_ = true;
  bool eof_ = false;
};

int connect(const ConnectOptions& o) {
  const auto remote = parse_endpoint(o.remote);
  if (!remote) {
    fmt::print(stderr, "synack connect: {}\n", remote.error().message());
    return 2;
  }
  auto session = NetSession::open(o.device);
  if (!session) {
    fmt::print(stderr, "synack connect: {}\n", session.error().message());
    return 1;
  }
  NetSession& s = **session;
  apps::StreamBridge bridge(s.tcp(), monotonic_now(), *remote,
                            [](Bytes data) { write_all(STDOUT_FILENO, data); });
  InputPump input(s, bridge);
  s.set_application([&](Instant now) {
    input.step();
    bridge.poll(now);
    if (bridge.finished()) s.stop();
  });
  const bool interrupted = s.run();
  s.print_stats_at_exit(stderr);
  if (interrupted) return 130;
  if (bridge.error() != 0) {
    fmt::print(stderr, "synack connect: {}: {}\n", o.remote, errno_text(bridge.error()));
    return 1;
  }
  return 0;
}

}  // namespace

void register_connect(CLI::App& app) {
  auto options = std::make_shared<ConnectOptions>();
  auto* cmd = app.add_subcommand("connect",
                                 "netcat over a TAP/TUN device: stdin to HOST:PORT, "
                                 "the connection to stdout");
  add_device_options(*cmd, options->device);
  cmd->add_option("remote", options->remote, "HOST:PORT")->required();
  cmd->callback([options] { set_exit_code(connect(*options)); });
}

}  // namespace synack::cli
