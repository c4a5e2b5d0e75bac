// The Linux kernel's side of the timed benchmarks, over loopback (127.0.0.1 only).
//
// Loopback's MTU is 65536 and changing it needs privileges and would disturb the machine, so the
// MTU 1500 run limits the MSS with TCP_MAXSEG instead. The kernel still builds TSO/GSO
// super-packets that loopback never splits, so its "MTU 1500" figure is optimistic.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/runners/benchmarks.hpp"

namespace synack::bench {
namespace {

using WallClock = std::chrono::steady_clock;

double since(WallClock::time_point start) {
  return std::chrono::duration<double>(WallClock::now() - start).count();
}

// A file descriptor closed on scope exit.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("linux loopback: ") + what);
}

void set_int(int fd, int level, int name, int value) {
  check(::setsockopt(fd, level, name, &value, sizeof value) == 0, "setsockopt");
}

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

// A listener on 127.0.0.1 with a fresh kernel-chosen port (so repeated runs never meet an
// earlier run's TIME_WAIT 4-tuples).
Fd listen_loopback(sockaddr_in& bound, int extra_flags = 0) {
  Fd l(::socket(AF_INET, SOCK_STREAM | extra_flags, 0));
  check(l.get() >= 0, "socket");
  bound = loopback(0);
  check(::bind(l.get(), reinterpret_cast<sockaddr*>(&bound), sizeof bound) == 0, "bind");
  check(::listen(l.get(), 4096) == 0, "listen");
  socklen_t len = sizeof bound;
  check(::getsockname(l.get(), reinterpret_cast<sockaddr*>(&bound), &len) == 0, "getsockname");
  return l;
}

void wait_for(int fd, short events) {
  pollfd p{fd, events, 0};
  check(::poll(&p, 1, 5000) == 1, "poll timed out");
}

// Blocking connected pair (client, server) over loopback.
std::pair<Fd, Fd> connected_pair(int client_maxseg = 0) {
  sockaddr_in addr{};
  Fd l = listen_loopback(addr);
  Fd c(::socket(AF_INET, SOCK_STREAM, 0));
  check(c.get() >= 0, "socket");
  if (client_maxseg > 0) set_int(c.get(), IPPROTO_TCP, TCP_MAXSEG, client_maxseg);
  check(::connect(c.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0, "connect");
  Fd s(::accept(l.get(), nullptr, nullptr));
  check(s.get() >= 0, "accept");
  return {std::move(c), std::move(s)};
}

void write_all(int fd, const void* data, std::size_t n) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EAGAIN) {
      wait_for(fd, POLLOUT);
      continue;
    }
    check(w > 0, "write");
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

void read_exact(int fd, void* data, std::size_t n) {
  auto* p = static_cast<std::uint8_t*>(data);
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EAGAIN) {
      wait_for(fd, POLLIN);
      continue;
    }
    check(r > 0, "read");
    p += r;
    n -= static_cast<std::size_t>(r);
  }
}

}  // namespace

double linux_throughput(std::size_t mtu, double seconds) {
  // MSS for the MTU as synack computes it (IPv4 + TCP headers without options).
  const int maxseg = mtu >= 65535 ? 0 : static_cast<int>(mtu - 40);
  auto [c, s] = connected_pair(maxseg);
  std::atomic<std::uint64_t> received{0};
  std::thread receiver([fd = s.get(), &received] {
    std::vector<std::uint8_t> in(256 * 1024);
    std::uint64_t total = 0;
    while (true) {
      const ssize_t r = ::read(fd, in.data(), in.size());
      if (r <= 0) break;
      total += static_cast<std::uint64_t>(r);
    }
    received = total;
  });
  std::vector<std::uint8_t> out(256 * 1024, 0x5a);
  const auto start = WallClock::now();
  while (since(start) < seconds) {
    if (::write(c.get(), out.data(), out.size()) <= 0) break;
  }
  ::shutdown(c.get(), SHUT_WR);
  receiver.join();
  // Goodput over the time until the receiver had everything.
  return static_cast<double>(received.load()) * 8 / since(start) / 1e9;
}

// Single-threaded, non-blocking, the same cycle as synack_connrate. Each run uses a fresh
// listener port and at most `connections` (20k by default) connections: every one leaves a
// TIME_WAIT entry at the client for 60 s, and the ephemeral range (32768-60999 here) would run
// out beyond about 28k per destination.
double linux_connrate(std::size_t connections) {
  sockaddr_in addr{};
  Fd l = listen_loopback(addr, SOCK_NONBLOCK);
  std::uint8_t buf[4] = {1, 2, 3, 4};
  std::size_t done = 0;
  const auto start = WallClock::now();
  for (std::size_t i = 0; i < connections; ++i) {
    Fd c(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    check(c.get() >= 0, "socket");
    const int rc = ::connect(c.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    check(rc == 0 || errno == EINPROGRESS, "connect");
    int accepted;
    while ((accepted = ::accept4(l.get(), nullptr, nullptr, SOCK_NONBLOCK)) < 0) {
      check(errno == EAGAIN, "accept");
      wait_for(l.get(), POLLIN);
    }
    Fd s(accepted);
    write_all(c.get(), buf, 4);
    read_exact(s.get(), buf, 4);
    write_all(s.get(), buf, 4);
    read_exact(c.get(), buf, 4);
    c = Fd();  // the client closes first and keeps TIME_WAIT
    while (true) {
      const ssize_t r = ::read(s.get(), buf, 4);
      if (r == 0) break;
      check(r < 0 && errno == EAGAIN, "read EOF");
      wait_for(s.get(), POLLIN);
    }
    ++done;
  }
  return static_cast<double>(done) / since(start);
}

// One thread, blocking sockets, TCP_NODELAY: on loopback a write delivers to the peer's
// receive queue inside the system call, so the following read never waits for a thread switch.
double linux_rr(double seconds) {
  auto [c, s] = connected_pair();
  set_int(c.get(), IPPROTO_TCP, TCP_NODELAY, 1);
  set_int(s.get(), IPPROTO_TCP, TCP_NODELAY, 1);
  std::uint8_t byte = 7;
  std::uint64_t trips = 0;
  const auto start = WallClock::now();
  while ((trips & 255) != 0 || since(start) < seconds) {
    write_all(c.get(), &byte, 1);
    read_exact(s.get(), &byte, 1);
    write_all(s.get(), &byte, 1);
    read_exact(c.get(), &byte, 1);
    ++trips;
  }
  return static_cast<double>(trips) / since(start);
}

}  // namespace synack::bench
