#pragma once
// What `synack serve`, `connect` and `get` share: the device options, and a session that opens
// a TAP or TUN device, puts a Stack on it and runs the epoll loop with the real monotonic clock
// until the program is done or SIGINT/SIGTERM arrives.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "synack/core/expected.hpp"
#include "synack/link/device_driver.hpp"
#include "synack/link/event_loop.hpp"
#include "synack/link/monotonic_clock.hpp"
#include "synack/link/tun_tap_device.hpp"
#include "synack/sim/impaired_node.hpp"
#include "synack/stack/stack.hpp"

namespace synack::cli {

struct DeviceOptions {
  std::string dev;
  bool tun = false;
  std::string address;  // ADDR/PREFIX
  std::string gateway;
  std::string mac;      // default: random, locally administered
  std::size_t mtu = 0;  // default: the device's
  std::string pcap;
  std::string events;  // TCP events as JSON lines
  std::string impair;  // e.g. "loss=0.05,delay=10ms,jitter=5ms,reorder=0.1"
  std::uint64_t impair_seed = 1;
  bool stats = false;
  double stats_interval = 0;  // seconds between periodic counter prints; 0: none
  bool create = false;        // create the device when it does not exist
};

void add_device_options(CLI::App& cmd, DeviceOptions& options);
// The check for a `--port`: 1 to 65535 (0 is no port a peer can reach), with a plain message.
CLI::Validator tcp_port_validator();

// "198.18.0.2/24" -> address and prefix.
Result<std::pair<Ipv4Address, std::uint8_t>> parse_cidr(const std::string& text);
// "HOST:PORT" with an IPv4 literal.
Result<Endpoint> parse_endpoint(const std::string& text);
// "loss=0.05,delay=10ms,jitter=5ms,reorder=0.1,reorder-delay=20ms,duplicate=0.01"
Result<sim::Impairments> parse_impairments(const std::string& text);

class NetSession {
 public:
  static Result<std::unique_ptr<NetSession>> open(const DeviceOptions& options);
  ~NetSession();

  Stack& stack() { return stack_; }
  TcpLayer& tcp() { return stack_.tcp(); }
  EventLoop& loop() { return loop_; }
  Ipv4Address address() const { return address_; }
  // The application: called after every step of the stack with the current time, and woken at
  // its own deadline too (an HTTP server's linger timer, say).
  void set_application(std::function<void(Instant)> app,
                       std::function<Instant()> app_deadline = {});
  // Call after acting outside a step (stdin arrived): sends what is pending, re-arms timers.
  void kick() { driver_->kick(); }
  // Runs until stop(), SIGINT or SIGTERM. Returns true when stopped by a signal. SIGUSR1 and
  // --stats-interval print the counters while it runs.
  bool run();
  void stop() { loop_.stop(); }
  // Counters and device statistics, at exit with --stats.
  void print_stats_at_exit(std::FILE* out) const {
    if (options_.stats) print_stats(out);
  }
  void print_stats(std::FILE* out) const;

 private:
  NetSession(const DeviceOptions& options, TunTapDevice device, EventLoop loop);
  Status start();

  DeviceOptions options_;
  TunTapDevice device_;
  Ipv4Address address_;
  Stack stack_;
  EventLoop loop_;
  // The node the driver runs: the stack, possibly behind the impairment stage, with the
  // application's deadline folded into next_deadline().
  class WithApplicationDeadline : public NetworkNode {
   public:
    explicit WithApplicationDeadline(NetworkNode& inner) : inner_(inner) {}
    void receive_frame(Instant now, std::size_t iface, Bytes frame, FrameOutput& out) override {
      inner_.receive_frame(now, iface, frame, out);
    }
    void poll(Instant now, FrameOutput& out) override { inner_.poll(now, out); }
    Instant next_deadline() const override {
      const Instant inner = inner_.next_deadline();
      return app_deadline ? std::min(inner, app_deadline()) : inner;
    }
    std::function<Instant()> app_deadline;

   private:
    NetworkNode& inner_;
  };
  std::unique_ptr<sim::ImpairedNode> impaired_;
  std::unique_ptr<WithApplicationDeadline> node_;
  std::unique_ptr<DeviceDriver> driver_;
  Status watch_signals();
  Status start_stats_timer();

  std::FILE* events_ = nullptr;
  int signal_fd_ = -1;
  int stats_timer_fd_ = -1;
  bool stopped_by_signal_ = false;
};

// `synack connect` and `get` report failures as the kernel's tools do: "Connection refused".
std::string errno_text(int error);

}  // namespace synack::cli
