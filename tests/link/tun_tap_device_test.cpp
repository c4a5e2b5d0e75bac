// TunTapDevice on real devices. Creating devices needs CAP_NET_ADMIN and /dev/net/tun, and must
// never disturb the host: each test forks a child that moves into a fresh network namespace
// (unshare(CLONE_NEWNET)) and does everything there, using only 198.18.0.0/15 (RFC 2544). The
// namespace and its devices vanish when the child exits. Without root or /dev/net/tun the
// tests skip.
//
// The end-to-end tests put a synack Stack behind a DeviceDriver on the device and let the Linux
// kernel's own TCP connect to it through the device, TUN (raw IP) and TAP (Ethernet with ARP).
#include "synack/link/tun_tap_device.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <string>

#include "synack/link/device_driver.hpp"
#include "synack/link/event_loop.hpp"
#include "synack/link/monotonic_clock.hpp"
#include "synack/stack/stack.hpp"

namespace synack {
namespace {

constexpr int kExitSkip = 77;

bool can_create_devices() {
  return ::geteuid() == 0 && ::access("/dev/net/tun", R_OK | W_OK) == 0;
}

// A device name unique to this process (IFNAMSIZ allows 15 characters).
std::string unique_name(const std::string& prefix) {
  return prefix + std::to_string(::getpid() % 100000);
}

struct ChildOutcome {
  int exit_code = -1;
  std::string message;
};

// Runs `body` in a forked child inside a new network namespace. `body` returns "" on success or
// a description of what failed; the child exits with kExitSkip if it cannot unshare.
ChildOutcome run_in_new_network_namespace(const std::function<std::string()>& body) {
  int report[2];
  if (::pipe(report) != 0) return {-1, "pipe failed"};
  const pid_t child = ::fork();
  if (child < 0) return {-1, "fork failed"};
  if (child == 0) {
    ::close(report[0]);
    std::string message;
    int code = 0;
    if (::unshare(CLONE_NEWNET) != 0) {
      message = std::string("unshare(CLONE_NEWNET): ") + std::strerror(errno);
      code = kExitSkip;
    } else {
      try {
        message = body();
      } catch (const std::exception& e) {
        message = std::string("exception: ") + e.what();
      }
      code = message.empty() ? 0 : 1;
    }
    [[maybe_unused]] const ssize_t written = ::write(report[1], message.data(), message.size());
    ::_exit(code);  // no gtest teardown or atexit handlers in the child
  }
  ::close(report[1]);
  ChildOutcome outcome;
  char buffer[512];
  ssize_t n;
  while ((n = ::read(report[0], buffer, sizeof buffer)) > 0) outcome.message.append(buffer, n);
  ::close(report[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return outcome;
}

#define SYNACK_RUN_ISOLATED(...)                                              \
  do {                                                                        \
    if (!can_create_devices()) GTEST_SKIP() << "needs root and /dev/net/tun"; \
    const ChildOutcome outcome = run_in_new_network_namespace(__VA_ARGS__);   \
    if (outcome.exit_code == kExitSkip) GTEST_SKIP() << outcome.message;      \
    EXPECT_EQ(outcome.exit_code, 0) << outcome.message;                       \
  } while (false)

// Collects failed checks in the child, where gtest assertions would not reach the parent.
class Checks {
 public:
  void expect(bool ok, const std::string& what) {
    if (!ok) failures_ += what + "\n";
  }
  std::string result() const { return failures_; }

 private:
  std::string failures_;
};

std::string check_device(const std::string& name, DeviceKind kind) {
  Checks checks;
  Result<TunTapDevice> opened = TunTapDevice::open(name, kind);
  if (!opened) return opened.error().message();
  TunTapDevice device = std::move(*opened);
  checks.expect(device.fd() >= 0, "fd");
  checks.expect(device.kind() == kind, "kind");
  checks.expect(device.name() == name, "name is " + device.name());
  checks.expect(device.mtu() == 1500, "mtu is " + std::to_string(device.mtu()));
  checks.expect((::fcntl(device.fd(), F_GETFL) & O_NONBLOCK) != 0, "non-blocking");
  checks.expect((::fcntl(device.fd(), F_GETFD) & FD_CLOEXEC) != 0, "close-on-exec");
  char byte;
  checks.expect(::read(device.fd(), &byte, 1) < 0 && errno == EAGAIN, "read of idle device");
  checks.expect(::if_nametoindex(name.c_str()) != 0, "interface exists");

  // Moving transfers the fd; the moved-from object owns nothing.
  const int fd = device.fd();
  TunTapDevice moved = std::move(device);
  checks.expect(moved.fd() == fd && device.fd() == -1, "move");
  return checks.result();
}

TEST(TunTapDevice, RejectsANameLongerThanTheKernelAllows) {
  const Result<TunTapDevice> opened =
      TunTapDevice::open("a-name-far-too-long-for-ifnamsiz", DeviceKind::kTap);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error(), ENAMETOOLONG);
  EXPECT_EQ(opened.error().context,
            "device name 'a-name-far-too-long-for-ifnamsiz' is longer than 15 characters");
}

TEST(TunTapDevice, OpensTapAndTunInAPrivateNamespace) {
  SYNACK_RUN_ISOLATED([] {
    return check_device(unique_name("sktap"), DeviceKind::kTap) +
           check_device(unique_name("sktun"), DeviceKind::kTun);
  });
}

TEST(TunTapDevice, ReportsWhyTheKernelRefused) {
  SYNACK_RUN_ISOLATED([] {
    Checks checks;
    const std::string name = unique_name("skdup");
    Result<TunTapDevice> tap = TunTapDevice::open(name, DeviceKind::kTap);
    if (!tap) return tap.error().message();
    // The name is taken by a TAP that is still attached: asking for a TUN of that name fails.
    const Result<TunTapDevice> tun = TunTapDevice::open(name, DeviceKind::kTun);
    checks.expect(!tun.has_value(), "second open succeeded");
    if (!tun) {
      checks.expect(tun.error() == EINVAL && tun.error().context == "TUNSETIFF " + name,
                    "error was: " + tun.error().message());
    }
    return checks.result();
  });
}

TEST(TunTapDevice, EmptyNameLetsTheKernelChoose) {
  SYNACK_RUN_ISOLATED([] {
    Result<TunTapDevice> tun = TunTapDevice::open("", DeviceKind::kTun);
    if (!tun) return tun.error().message();
    return tun->name() == "tun0" ? std::string{} : "kernel chose " + tun->name();
  });
}

// ---- end to end: the kernel's TCP talks to a synack Stack through the device ----

sockaddr_in ipv4_sockaddr(const char* address, std::uint16_t port = 0) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  ::inet_pton(AF_INET, address, &sa.sin_addr);
  return sa;
}

// Gives the kernel side of `name` an address and brings it up (netdevice(7) ioctls), inside the
// child's namespace only.
std::string configure_kernel_side(const std::string& name, const char* address,
                                  const char* netmask) {
  const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return "socket";
  std::string error;
  auto request = [&](unsigned long op, ifreq& r, const char* what) {
    if (error.empty() && ::ioctl(s, op, &r) < 0)
      error = std::string(what) + ": " + std::strerror(errno);
  };
  ifreq r{};
  std::strncpy(r.ifr_name, name.c_str(), IFNAMSIZ - 1);
  sockaddr_in sa = ipv4_sockaddr(address);
  std::memcpy(&r.ifr_addr, &sa, sizeof sa);
  request(SIOCSIFADDR, r, "SIOCSIFADDR");
  sa = ipv4_sockaddr(netmask);
  std::memcpy(&r.ifr_netmask, &sa, sizeof sa);
  request(SIOCSIFNETMASK, r, "SIOCSIFNETMASK");
  request(SIOCGIFFLAGS, r, "SIOCGIFFLAGS");
  r.ifr_flags = static_cast<short>(r.ifr_flags | IFF_UP);
  request(SIOCSIFFLAGS, r, "SIOCSIFFLAGS");
  ::close(s);
  return error;
}

// The kernel connects to the Stack, sends a request, and the Stack's application (the driver's
// after_step hook) answers it; the kernel reads the answer.
std::string kernel_connects_to_stack(DeviceKind kind) {
  const bool tap = kind == DeviceKind::kTap;
  const std::string name = unique_name(tap ? "sketap" : "sketun");
  const char* kernel_ip = tap ? "198.18.1.1" : "198.18.0.1";
  const char* stack_ip = tap ? "198.18.1.2" : "198.18.0.2";
  Result<TunTapDevice> opened = TunTapDevice::open(name, kind);
  if (!opened) return opened.error().message();
  const TunTapDevice device = std::move(*opened);
  if (std::string error = configure_kernel_side(name, kernel_ip, "255.255.255.0"); !error.empty()) {
    return error;
  }

  Stack stack;
  InterfaceConfig config;
  config.mac = MacAddress{{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}};
  config.address = *Ipv4Address::parse(stack_ip);
  config.prefix_length = 24;
  config.mtu = device.mtu();
  config.ethernet = tap;
  stack.add_interface(config);
  const Result<SocketId> listener =
      stack.tcp().listen(Endpoint{IpAddress::v4(config.address), 7}, 4);
  if (!listener) return "listen failed";

  auto created = EventLoop::create();
  if (!created) return created.error().message();
  EventLoop& loop = *created;
  DeviceDriver driver(loop, stack, device.fd());
  const std::string request = "request from the kernel";
  const std::string response = "response from synack";
  std::optional<SocketId> connection;
  std::string received_by_stack;
  driver.set_after_step([&](Instant) {
    if (!connection) {
      const Result<SocketId> accepted = stack.tcp().accept(*listener);
      if (!accepted) return;
      connection = *accepted;
    }
    std::array<std::uint8_t, 256> buffer{};
    const Result<std::size_t> n = stack.tcp().recv(*connection, MutableBytes{buffer});
    if (!n || *n == 0) return;
    received_by_stack.append(reinterpret_cast<const char*>(buffer.data()), *n);
    if (received_by_stack == request) {
      stack.tcp().send(*connection, Bytes{reinterpret_cast<const std::uint8_t*>(response.data()),
                                          response.size()});
    }
  });

  const int kernel_socket = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const sockaddr_in stack_address = ipv4_sockaddr(stack_ip, 7);
  if (::connect(kernel_socket, reinterpret_cast<const sockaddr*>(&stack_address),
                sizeof stack_address) == 0 ||
      errno != EINPROGRESS) {
    return std::string("connect: ") + std::strerror(errno);
  }
  std::string received_by_kernel;
  std::string failure;
  loop.watch(kernel_socket, EPOLLOUT, [&](std::uint32_t) {
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(kernel_socket, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
      failure = std::string("kernel connect: ") + std::strerror(error);
      loop.stop();
      return;
    }
    if (::send(kernel_socket, request.data(), request.size(), 0) !=
        static_cast<ssize_t>(request.size())) {
      failure = "kernel send";
    }
    loop.watch(kernel_socket, EPOLLIN, [&](std::uint32_t) {
      char buffer[256];
      const ssize_t n = ::recv(kernel_socket, buffer, sizeof buffer, 0);
      if (n > 0) received_by_kernel.append(buffer, static_cast<std::size_t>(n));
      if (n <= 0 || received_by_kernel.size() >= response.size()) loop.stop();
    });
  });
  loop.run(monotonic_now() + seconds(10));
  ::close(kernel_socket);

  Checks checks;
  checks.expect(failure.empty(), failure);
  checks.expect(received_by_stack == request, "stack received '" + received_by_stack + "'");
  checks.expect(received_by_kernel == response, "kernel received '" + received_by_kernel + "'");
  checks.expect(driver.stats().write_errors == 0, "write errors");
  checks.expect(driver.stats().frames_in >= 3 && driver.stats().frames_out >= 2, "frame counts");
  if (tap) checks.expect(stack.host().counters().arp_requests_received >= 1, "no ARP request seen");
  return checks.result();
}

TEST(TunTapDevice, KernelTcpReachesAStackBehindATun) {
  SYNACK_RUN_ISOLATED([] { return kernel_connects_to_stack(DeviceKind::kTun); });
}

TEST(TunTapDevice, KernelTcpReachesAStackBehindATapWithArp) {
  SYNACK_RUN_ISOLATED([] { return kernel_connects_to_stack(DeviceKind::kTap); });
}

}  // namespace
}  // namespace synack
