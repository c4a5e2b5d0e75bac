// `synack bench tap`: goodput from a synack Stack on a TAP device to a Linux TCP receiver,
// next to the same transfer between two Linux sockets across a veth pair.
//
//   synack: synack thread (Stack, EventLoop, DeviceDriver) --tap fd-- sbtap0 198.18.0.1/24,
//           receiver thread, namespace A
//   linux:  sender thread, namespace S, vs 198.18.1.2/24 --veth-- vr 198.18.1.1/24,
//           receiver thread, namespace R
//
// Every namespace is the benchmark's own (synack-bench-<pid>-<n>, created with `ip netns add`)
// and is deleted on every exit path; threads enter one with setns(2), which moves only the
// calling thread. The host's namespace, interfaces and sysctls are never touched. Addresses come
// from 198.18.0.0/15, the benchmarking range (RFC 2544 appendix C.2.2).
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bench/runners/benchmarks.hpp"
#include "bench/runners/netns.hpp"
#include "synack/link/device_driver.hpp"
#include "synack/link/event_loop.hpp"
#include "synack/link/monotonic_clock.hpp"
#include "synack/link/tun_tap_device.hpp"
#include "synack/stack/stack.hpp"

namespace synack::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kMtu = 1500;
constexpr std::uint16_t kPort = 5001;
constexpr const char* kTapName = "sbtap0";
const Ipv4Address kTapKernelIp{{198, 18, 0, 1}};
const Ipv4Address kTapSynackIp{{198, 18, 0, 2}};
const Ipv4Address kVethReceiverIp{{198, 18, 1, 1}};
// Fixed and locally administered (IEEE 802 section 8.2), so the kernel's neighbour entry from
// one run is still right in the next.
const MacAddress kSynackMac{{0x02, 0x53, 0x59, 0x4e, 0x41, 0x4b}};
// Stalls end a run with an error instead of hanging the benchmark.
constexpr int kIdleTimeoutSeconds = 10;

double thread_cpu_seconds() {
  ::timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void set_int_option(int fd, int level, int name, int value) {
  if (::setsockopt(fd, level, name, &value, sizeof value) != 0) fail_errno("setsockopt");
}

sockaddr_in socket_address(Ipv4Address ip, std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  std::memcpy(&a.sin_addr.s_addr, ip.octets.data(), 4);
  return a;
}

// Reads and writes give up after kIdleTimeoutSeconds without progress.
void set_idle_timeout(int fd) {
  const ::timeval tv{kIdleTimeoutSeconds, 0};
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0) {
    fail_errno("setsockopt timeout");
  }
}

// A kernel listener on `ip`:kPort in the calling thread's namespace.
Fd listen_on(Ipv4Address ip) {
  Fd l(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (l.get() < 0) fail_errno("socket");
  set_int_option(l.get(), SOL_SOCKET, SO_REUSEADDR, 1);
  const sockaddr_in addr = socket_address(ip, kPort);
  if (::bind(l.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    fail_errno("bind");
  }
  if (::listen(l.get(), 16) != 0) fail_errno("listen");
  return l;
}

struct Received {
  std::uint64_t bytes = 0;
  // From the first read's return to end of stream, and the bytes that arrived in that time
  // (all but the first read's).
  double seconds = 0;
  std::uint64_t timed_bytes = 0;
};

// The Linux receiver: accepts one connection, reads and discards to end of stream, closes.
Received receive_all(int listener) {
  ::pollfd p{listener, POLLIN, 0};
  if (::poll(&p, 1, kIdleTimeoutSeconds * 1000) != 1) fail("receiver: no connection arrived");
  const Fd c(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
  if (c.get() < 0) fail_errno("receiver: accept");
  set_idle_timeout(c.get());
  std::vector<std::uint8_t> in(256 * 1024);
  Received r;
  SteadyClock::time_point first;
  while (true) {
    const ssize_t n = ::read(c.get(), in.data(), in.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno(fmt::format("receiver: read after {} bytes", r.bytes));
    if (n == 0) break;
    if (r.bytes == 0) {
      first = SteadyClock::now();
    } else {
      r.timed_bytes += static_cast<std::uint64_t>(n);
    }
    r.bytes += static_cast<std::uint64_t>(n);
  }
  r.seconds = std::chrono::duration<double>(SteadyClock::now() - first).count();
  return r;
}

TapTransfer transfer_result(const Received& r, std::uint64_t bytes, double sender_cpu) {
  if (r.bytes != bytes) fail(fmt::format("receiver got {} of {} bytes", r.bytes, bytes));
  TapTransfer t;
  t.gbit_per_s = r.seconds > 0 ? static_cast<double>(r.timed_bytes) * 8 / r.seconds / 1e9 : 0;
  t.sender_cpu_s_per_gb = sender_cpu / (static_cast<double>(bytes) / 1e9);
  return t;
}

// ---- synack's sender ----

StackConfig synack_stack_config() {
  StackConfig c;
  c.tcp.send_buffer = 4u << 20;
  // One ACK may release a send buffer's worth of segments in a single driver step; the host
  // queues them until the step ends, so the queue must hold them all (see synack_pair.hpp).
  c.host.output_queue_capacity = 2 * c.tcp.send_buffer / (kMtu - 40) + 64;
  return c;
}

InterfaceConfig synack_interface() {
  InterfaceConfig i;
  i.mac = kSynackMac;
  i.address = kTapSynackIp;
  i.prefix_length = 24;
  i.mtu = kMtu;
  i.ethernet = true;
  return i;
}

// The application on the synack stack: queues `total` bytes as fast as the send buffer takes
// them, half-closes, and is done when the kernel's FIN (its close after EOF) arrives.
class BulkSender {
 public:
  BulkSender(TcpLayer& tcp, SocketId socket, std::uint64_t total)
      : tcp_(tcp), socket_(socket), total_(total), chunk_(256 * 1024, 0x5a) {}

  // After every driver step. True once finished or failed.
  bool step() {
    while (queued_ < total_) {
      const std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(chunk_.size(), total_ - queued_));
      const auto sent = tcp_.send(socket_, Bytes{chunk_.data(), n});
      if (!sent) {
        if (sent.error() == EAGAIN) return false;
        error_ = sent.error().code;
        return true;
      }
      queued_ += *sent;
    }
    // Not in SYN_SENT: a shutdown there abandons the connection (RFC 9293 section 3.10.4).
    if (!shut_ && tcp_.state(socket_) == TcpState::kEstablished) {
      tcp_.shutdown(socket_, ShutdownHow::kWrite);
      shut_ = true;
    }
    std::uint8_t sink[64];
    const auto r = tcp_.recv(socket_, MutableBytes{sink, sizeof sink});
    if (r && *r == 0) {
      finished_ = true;
      return true;
    }
    if (!r && r.error() != EAGAIN) {
      error_ = r.error().code;
      return true;
    }
    return false;
  }

  bool finished() const { return finished_; }
  int error() const { return error_; }
  std::uint64_t queued() const { return queued_; }

 private:
  TcpLayer& tcp_;
  SocketId socket_;
  std::uint64_t total_;
  std::vector<std::uint8_t> chunk_;
  std::uint64_t queued_ = 0;
  bool shut_ = false;
  bool finished_ = false;
  int error_ = 0;
};

// Frames the kernel queued on the device while no stack read it (the previous run's FIN
// retransmissions) would only be answered with RSTs: drop them.
void drain(int tap_fd) {
  std::vector<std::uint8_t> frame(DeviceDriver::kReadBufferSize);
  while (::read(tap_fd, frame.data(), frame.size()) > 0) {
  }
}

struct SynackSent {
  double cpu_seconds = 0;  // the synack thread's, from connect to the kernel's FIN
  std::uint64_t segments = 0;
  std::uint64_t retransmitted = 0;
  std::uint64_t write_errors = 0;
};

// The synack thread: a fresh Stack per run on the TAP device, driven by its own event loop.
SynackSent synack_send(int tap_fd, std::uint64_t bytes) {
  const double cpu_start = thread_cpu_seconds();
  Stack stack(synack_stack_config());
  stack.add_interface(synack_interface());
  stack.tcp().set_event_callback(nullptr);
  auto created = EventLoop::create();
  if (!created) fail(created.error().message());
  EventLoop& loop = *created;
  DeviceDriver driver(loop, stack, tap_fd);
  const Instant start = monotonic_now();
  const auto socket = stack.tcp().connect(start, Endpoint{IpAddress::v4(kTapKernelIp), kPort});
  if (!socket) fail(fmt::format("synack connect: {}", socket.error().message()));
  BulkSender sender(stack.tcp(), *socket, bytes);
  driver.set_after_step([&](Instant) {
    if (sender.step()) loop.stop();
  });
  driver.kick();
  // Generous: 10 s plus 10 s per 100 MB (10 MB/s would already be a broken run).
  const auto limit = seconds(kIdleTimeoutSeconds + static_cast<std::int64_t>(bytes / 10'000'000));
  loop.run(start + limit);
  if (!sender.finished()) {
    const auto& d = driver.stats();
    fail(fmt::format(
        "synack sender stopped after queueing {} of {} bytes ({}); device: {} "
        "frames out, {} write errors, {} frames in",
        sender.queued(), bytes, sender.error() ? std::strerror(sender.error()) : "timed out",
        d.frames_out, d.write_errors, d.frames_in));
  }
  const auto& counters = stack.tcp().counters();
  return SynackSent{thread_cpu_seconds() - cpu_start, counters.OutSegs, counters.RetransSegs,
                    driver.stats().write_errors};
}

// ---- Linux's sender ----

// Connects to the veth receiver, writes `bytes`, half-closes and waits for the receiver's close.
// Returns the thread's CPU seconds over the same span as synack_send's.
double linux_send(std::uint64_t bytes) {
  const double cpu_start = thread_cpu_seconds();
  const Fd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (s.get() < 0) fail_errno("sender: socket");
  set_idle_timeout(s.get());
  const sockaddr_in addr = socket_address(kVethReceiverIp, kPort);
  if (::connect(s.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    fail_errno("sender: connect");
  }
  const std::vector<std::uint8_t> out(256 * 1024, 0x5a);
  std::uint64_t sent = 0;
  while (sent < bytes) {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), bytes - sent));
    const ssize_t w = ::write(s.get(), out.data(), n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) fail_errno(fmt::format("sender: write after {} bytes", sent));
    sent += static_cast<std::uint64_t>(w);
  }
  ::shutdown(s.get(), SHUT_WR);
  std::uint8_t sink[64];
  while (true) {
    const ssize_t r = ::read(s.get(), sink, sizeof sink);
    if (r == 0) break;
    if (r < 0 && errno != EINTR) fail_errno("sender: waiting for the receiver's close");
  }
  return thread_cpu_seconds() - cpu_start;
}

// Waits for the receiver; on a sender failure first wakes a receiver still waiting to accept.
template <typename SenderResult>
std::pair<Received, SenderResult> finish(std::future<Received>& receiver,
                                         std::future<SenderResult>& sender, int listener) {
  SenderResult sent{};
  try {
    sent = sender.get();
  } catch (...) {
    ::shutdown(listener, SHUT_RDWR);
    try {
      receiver.get();
    } catch (...) {  // the sender's failure is the one to report
    }
    throw;
  }
  return {receiver.get(), sent};
}

}  // namespace

// ---- the benchmark's world ----

struct TapBench::World {
  // Declared first so they are destroyed last, after every fd that lives in them is closed.
  Namespace tap_ns{"tap", 0};
  Namespace receiver_ns{"tap", 1};
  Namespace sender_ns{"tap", 2};
  std::optional<TunTapDevice> tap;
  Fd tap_listener;
  Fd veth_listener;
};

std::optional<std::string> tap_unavailable() {
  if (::geteuid() != 0 || ::access("/dev/net/tun", R_OK | W_OK) != 0) {
    return std::string{"needs root and /dev/net/tun"};
  }
  return std::nullopt;
}

TapBench::TapBench(std::uint64_t bytes) : bytes_(bytes), world_(std::make_unique<World>()) {
  World& w = *world_;
  // TUNSETIFF creates the device in the opening thread's namespace.
  auto tap = start_in(w.tap_ns, [] { return TunTapDevice::open(kTapName, DeviceKind::kTap); });
  auto device = tap.get();
  if (!device) fail(device.error().message());
  w.tap.emplace(std::move(*device));
  w.tap_ns.ip({"link", "set", kTapName, "mtu", std::to_string(kMtu), "up"});
  w.tap_ns.ip({"addr", "add", fmt::format("{}/24", kTapKernelIp.to_string()), "dev", kTapName});
  w.tap_listener = start_in(w.tap_ns, [] { return listen_on(kTapKernelIp); }).get();

  w.receiver_ns.ip({"link", "add", "vr", "mtu", std::to_string(kMtu), "type", "veth", "peer",
                    "name", "vs", "mtu", std::to_string(kMtu), "netns", w.sender_ns.name()});
  w.receiver_ns.ip({"addr", "add", fmt::format("{}/24", kVethReceiverIp.to_string()), "dev", "vr"});
  w.sender_ns.ip({"addr", "add", "198.18.1.2/24", "dev", "vs"});
  w.receiver_ns.ip({"link", "set", "vr", "up"});
  w.sender_ns.ip({"link", "set", "vs", "up"});
  w.veth_listener = start_in(w.receiver_ns, [] { return listen_on(kVethReceiverIp); }).get();
}

TapBench::~TapBench() = default;

TapTransfer TapBench::synack_run() {
  World& w = *world_;
  const int tap_fd = w.tap->fd();
  drain(tap_fd);
  auto receiver = start_in(w.tap_ns, [l = w.tap_listener.get()] { return receive_all(l); });
  // The device's fd works from any thread; the synack thread needs no namespace.
  auto sender =
      std::async(std::launch::async, [tap_fd, n = bytes_] { return synack_send(tap_fd, n); });
  const auto [received, sent] = finish(receiver, sender, w.tap_listener.get());
  TapTransfer t = transfer_result(received, bytes_, sent.cpu_seconds);
  t.segments = sent.segments;
  t.retransmitted = sent.retransmitted;
  t.write_errors = sent.write_errors;
  return t;
}

TapTransfer TapBench::linux_run() {
  World& w = *world_;
  auto receiver = start_in(w.receiver_ns, [l = w.veth_listener.get()] { return receive_all(l); });
  auto sender = start_in(w.sender_ns, [n = bytes_] { return linux_send(n); });
  const auto [received, cpu] = finish(receiver, sender, w.veth_listener.get());
  return transfer_result(received, bytes_, cpu);
}

}  // namespace synack::bench
