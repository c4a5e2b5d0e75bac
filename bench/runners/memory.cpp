// Memory per connection state and SYN flood cost. Heap bytes are measured with glibc's
// mallinfo2() (bytes in use by malloc, so allocator headers and hash-table nodes count) around
// building many entries, next to the sizeof() of the entry itself. The Linux counterparts are
// kernel slab bytes (/proc/slabinfo) around building the same states on loopback, inside a
// network namespace of a forked child so that nothing touches the host's TCP.
#include <arpa/inet.h>
#include <malloc.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/runners/benchmarks.hpp"
#include "bench/runners/synack_pair.hpp"
#include "synack/tcp/listener.hpp"
#include "synack/tcp/time_wait.hpp"
#include "synack/wire/checksum.hpp"
#include "synack/wire/ipv4.hpp"
#include "synack/wire/tcp.hpp"

namespace synack::bench {
namespace {

// Bytes malloc has handed out: small blocks (uordblks) and blocks big enough to get their own
// mmap (hblkhd) - a large hash index lands there and must count too.
double heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return static_cast<double>(m.uordblks + m.hblkhd);
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

class NullSink : public SegmentSink {
 public:
  void send_segment(const FourTuple&, const TcpRepr&, const SplitBytes&) override {}
};

class CountingOutput : public FrameOutput {
 public:
  void send_frame(std::size_t, Bytes) override { ++frames; }
  std::uint64_t frames = 0;
};

// The server of the SYN benchmarks: 10.0.0.1/8 on a raw-IP link, checksums verified (a flood
// comes from the wire), listening on port 80.
const Ipv4Address kFloodServer{{10, 0, 0, 1}};

InterfaceConfig flood_interface() {
  InterfaceConfig i;
  i.address = kFloodServer;
  i.prefix_length = 8;
  i.ethernet = false;
  return i;
}

// `count` SYNs as Linux sends them (MSS, SACK-permitted, timestamps, window scale) from spoofed
// sources 10.x.y.z, each a different 4-tuple, with valid checksums.
std::vector<ByteVector> spoofed_syns(std::size_t count) {
  std::vector<ByteVector> frames;
  frames.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto host = static_cast<std::uint32_t>(i / 50000);
    const Ipv4Address src = Ipv4Address::from_u32((10u << 24) | (1u << 16) | (host + 2));
    TcpRepr syn;
    syn.src_port = static_cast<std::uint16_t>(10000 + i % 50000);
    syn.dst_port = 80;
    syn.seq = SeqNum{static_cast<std::uint32_t>(i * 2654435761u)};
    syn.flags = tcp_flags::kSyn;
    syn.window = 64240;
    syn.options.mss = 1460;
    syn.options.sack_permitted = true;
    syn.options.timestamps = TcpTimestamps{static_cast<std::uint32_t>(i), 0};
    syn.options.window_scale = 7;
    const std::size_t tcp_length = syn.header_length();
    ByteVector frame(kIpv4MinHeaderLength + tcp_length);
    Ipv4Repr ip;
    ip.src = src;
    ip.dst = kFloodServer;
    ip.protocol = 6;
    ip.payload_length = static_cast<std::uint16_t>(tcp_length);
    emit_ipv4(ip, frame);
    const auto sum = pseudo_header_sum(IpAddress::v4(src), IpAddress::v4(kFloodServer), 6,
                                       static_cast<std::uint32_t>(tcp_length));
    emit_tcp(syn, {}, MutableBytes{frame}.subspan(kIpv4MinHeaderLength), sum);
    frames.push_back(std::move(frame));
  }
  return frames;
}

// TcpConfig::syncookies (0 never, 1 when the SYN queue is full, 2 always) came with the SYN
// cookie work; a template keeps this file building against a TcpConfig without it.
template <typename Config>
bool set_syncookies(Config& config, int mode) {
  if constexpr (requires { config.syncookies = mode; }) {
    config.syncookies = mode;
    return true;
  }
  return false;
}

// Cookies: every SYN answered from a cookie, nothing kept (mode 2). Queue: cookies off and the
// SYN queue large enough to keep and answer every SYN, the cost a flood has without cookies.
TcpConfig flood_config(std::size_t syns, bool cookies) {
  TcpConfig tcp;
  if (cookies) {
    set_syncookies(tcp, 2);
  } else {
    set_syncookies(tcp, 0);
    tcp.max_syn_backlog = syns + 1;
  }
  return tcp;
}

double established_bytes(std::size_t connections) {
  TcpConfig tcp;
  tcp.send_buffer = tcp.receive_buffer = 4096;
  Pair p(1500, tcp);
  p.open();  // warm-up: first-use allocations are not per connection
  std::vector<std::pair<SocketId, SocketId>> sockets;
  sockets.reserve(connections);
  const double before = heap_in_use();
  for (std::size_t i = 0; i < connections; ++i) sockets.push_back(p.open());
  const double per_side = (heap_in_use() - before) / static_cast<double>(2 * connections);
  return per_side - static_cast<double>(tcp.send_buffer + tcp.receive_buffer);
}

double half_open_bytes(std::size_t count) {
  const auto syns = spoofed_syns(count);
  StackConfig config;
  config.tcp = flood_config(count, false);
  Stack server(config);
  server.add_interface(flood_interface());
  (void)server.tcp().listen(Endpoint{IpAddress::v4(kFloodServer), 80}, 128);
  CountingOutput out;
  const double before = heap_in_use();
  for (const auto& f : syns) server.receive_frame(from_micros(1), 0, f, out);
  return (heap_in_use() - before) / static_cast<double>(count);
}

}  // namespace

MemoryFigures synack_memory(std::size_t connections, std::size_t time_wait_entries) {
  MemoryFigures m;
  m.connection_sizeof = sizeof(TcpConnection);
  m.half_open_sizeof = sizeof(HalfOpenEntry);
  m.time_wait_sizeof = TimeWaitTable::kIpv4RecordBytes;
  m.established_measured = established_bytes(connections);
  m.half_open_measured = half_open_bytes(connections);

  // TIME_WAIT entries straight through TimeWaitTable::insert, as TcpLayer makes them.
  NullSink sink;
  TcpContext ctx(TcpConfig{}, TcpSecrets{}, sink);
  const double before = heap_in_use();
  {
    TimeWaitTable table(ctx, time_wait_entries);
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < time_wait_entries; ++i) {
      TimeWaitEntry e;
      e.tuple.local = Endpoint{IpAddress::v4(Ipv4Address{{10, 0, 0, 1}}),
                               static_cast<std::uint16_t>(32768 + i % 28000)};
      e.tuple.remote = Endpoint{IpAddress::v4(Ipv4Address::from_u32(
                                    (10u << 24) | static_cast<std::uint32_t>(i / 28000 + 2))),
                                80};
      e.timestamps = true;
      table.insert(from_micros(1), e);
    }
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double held = heap_in_use() - before;
    m.time_wait_measured = held / static_cast<double>(table.size());
    m.time_wait_peak_mib = held / (1024.0 * 1024.0);
    m.time_wait_insert_per_s = static_cast<double>(time_wait_entries) / elapsed;
  }
  return m;
}

bool syncookies_available() {
  TcpConfig probe;
  return set_syncookies(probe, 2);
}

SynFloodFigures synack_synflood(std::size_t syns, bool cookies) {
  const auto frames = spoofed_syns(syns);
  StackConfig config;
  config.tcp = flood_config(syns, cookies);
  Stack server(config);
  server.add_interface(flood_interface());
  server.tcp().set_event_callback(nullptr);
  (void)server.tcp().listen(Endpoint{IpAddress::v4(kFloodServer), 80}, 128);
  CountingOutput out;
  const double start = thread_cpu_seconds();
  for (const auto& f : frames) server.receive_frame(from_micros(1), 0, f, out);
  const double cpu = thread_cpu_seconds() - start;
  SynFloodFigures r;
  r.syns_per_cpu_second = static_cast<double>(syns) / cpu;
  r.synacks_per_syn = static_cast<double>(out.frames) / static_cast<double>(syns);
  return r;
}

}  // namespace synack::bench

// ---------------------------------------------------------------- Linux, in a network namespace

namespace synack::bench {
namespace {

struct SlabCache {
  double active_objects = 0;
  double object_size = 0;
};
using SlabSnapshot = std::map<std::string, SlabCache>;

SlabSnapshot read_slabinfo() {
  SlabSnapshot out;
  std::ifstream in("/proc/slabinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.starts_with("slabinfo")) continue;
    std::istringstream fields(line);
    std::string name;
    double active = 0, total = 0, size = 0;
    if (fields >> name >> active >> total >> size) out[name] = SlabCache{active, size};
  }
  return out;
}

// Slab bytes that `caches` gained from `before` to `after`.
double slab_growth(const SlabSnapshot& before, const SlabSnapshot& after,
                   std::initializer_list<const char*> caches) {
  double bytes = 0;
  for (const char* name : caches) {
    const auto a = after.find(name);
    const auto b = before.find(name);
    if (a == after.end() || b == before.end()) continue;
    bytes += (a->second.active_objects - b->second.active_objects) * a->second.object_size;
  }
  return bytes;
}

double object_sizes(const SlabSnapshot& s, std::initializer_list<const char*> caches) {
  double bytes = 0;
  for (const char* name : caches) {
    if (auto it = s.find(name); it != s.end()) bytes += it->second.object_size;
  }
  return bytes;
}

// What one socket end costs in Linux: the TCP sock, and the socket inode, dentry and file every
// socket descriptor has (synack's figure has no descriptor; the first cache is the fair match).
constexpr std::initializer_list<const char*> kSocketCaches = {
    "TCP", "sock_inode_cache", "dentry", "filp", "tcp_bind_bucket", "tcp_bind2_bucket"};
constexpr std::initializer_list<const char*> kTimeWaitCaches = {"tw_sock_TCP", "tcp_bind_bucket",
                                                                "tcp_bind2_bucket"};

void write_file(const char* path, const std::string& value) {
  std::ofstream(path) << value;
}

bool loopback_up() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return false;
  ifreq ifr{};
  std::snprintf(ifr.ifr_name, IFNAMSIZ, "lo");
  bool ok = ::ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
  ok = ok && ::ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
  ::close(fd);
  return ok;
}

sockaddr_in loopback(std::uint32_t host_order_address, std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(host_order_address);
  return a;
}

int listen_on(std::uint16_t port, int backlog, bool defer_accept) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (defer_accept) {
    // The handshake's bare ACK is dropped until data comes: the entry stays a request sock.
    const int seconds = 60;
    ::setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &seconds, sizeof seconds);
  }
  const sockaddr_in a = loopback(INADDR_LOOPBACK, port);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 ||
      ::listen(fd, backlog) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// A client socket connected to 127.0.0.1:port from 127.0.0.(2 + i / 50000), so that more
// connections than one address has ephemeral ports can exist.
int connect_to(std::uint16_t port, std::size_t i) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  const sockaddr_in local = loopback(0x7f000002 + static_cast<std::uint32_t>(i / 50000), 0);
  const sockaddr_in remote = loopback(INADDR_LOOPBACK, port);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0 ||
      ::connect(fd, reinterpret_cast<const sockaddr*>(&remote), sizeof remote) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::size_t time_wait_count() {
  std::ifstream in("/proc/net/sockstat");
  std::string word;
  while (in >> word) {
    if (word == "tw") {
      std::size_t n = 0;
      in >> n;
      return n;
    }
  }
  return 0;
}

void close_all(std::vector<int>& fds) {
  for (int fd : fds) ::close(fd);
  fds.clear();
}

// One measurement, in the child inside its own network namespace. Failures leave zeros.
LinuxMemoryFigures measure_in_namespace(std::size_t connections, std::size_t time_wait_entries) {
  LinuxMemoryFigures f;
  if (!loopback_up()) return f;
  write_file("/proc/sys/net/core/somaxconn", "65535");
  write_file("/proc/sys/net/ipv4/tcp_max_syn_backlog", "65535");
  write_file("/proc/sys/net/ipv4/tcp_syncookies", "0");
  write_file("/proc/sys/net/ipv4/tcp_max_tw_buckets", std::to_string(2 * time_wait_entries + 1000));
  write_file("/proc/sys/net/ipv4/ip_local_port_range", "1024 65535");
  // Linux reuses loopback TIME_WAIT ports for new connects by default (tcp_tw_reuse 2), which
  // would end entries early and hold fewer than asked.
  write_file("/proc/sys/net/ipv4/tcp_tw_reuse", "0");
  const rlim_t files = 4 * connections + 1000;
  const rlimit limit{files, files};
  ::setrlimit(RLIMIT_NOFILE, &limit);
  std::vector<int> fds;

  // Established: `connections` idle pairs; per end, as synack's figure.
  {
    const int l = listen_on(5001, 65535, false);
    if (l < 0) return f;
    const SlabSnapshot before = read_slabinfo();
    for (std::size_t i = 0; i < connections; ++i) {
      const int c = connect_to(5001, i);
      const int s = c < 0 ? -1 : ::accept(l, nullptr, nullptr);
      if (c < 0 || s < 0) return f;
      fds.push_back(c);
      fds.push_back(s);
    }
    const SlabSnapshot after = read_slabinfo();
    f.established_slab = slab_growth(before, after, kSocketCaches) / (2.0 * connections);
    f.established_tcp_sock = slab_growth(before, after, {"TCP"}) / (2.0 * connections);
    f.established_object_sizes = object_sizes(after, kSocketCaches) -
                                 object_sizes(after, {"tcp_bind_bucket", "tcp_bind2_bucket"});
    close_all(fds);
    ::close(l);
  }
  // Half-open: handshakes whose last ACK the listener (TCP_DEFER_ACCEPT) leaves in the SYN
  // queue; only the request socks count, not the connecting clients.
  {
    const int l = listen_on(5002, 65535, true);
    if (l < 0) return f;
    const SlabSnapshot before = read_slabinfo();
    for (std::size_t i = 0; i < connections; ++i) {
      const int c = connect_to(5002, i);
      if (c < 0) return f;
      fds.push_back(c);
    }
    const SlabSnapshot after = read_slabinfo();
    f.half_open_slab = slab_growth(before, after, {"request_sock_TCP"}) / connections;
    f.half_open_object_size = object_sizes(after, {"request_sock_TCP"});
    close_all(fds);
    ::close(l);
  }
  // TIME_WAIT: connections closed by the client first, so the client ends in TIME_WAIT.
  {
    const int l = listen_on(5003, 65535, false);
    if (l < 0) return f;
    const SlabSnapshot before = read_slabinfo();
    const std::size_t tw_before = time_wait_count();
    for (std::size_t i = 0; i < time_wait_entries; ++i) {
      const int c = connect_to(5003, i);
      const int s = c < 0 ? -1 : ::accept(l, nullptr, nullptr);
      if (c < 0 || s < 0) return f;
      ::close(c);
      ::close(s);
    }
    for (int i = 0; i < 200 && time_wait_count() < tw_before + time_wait_entries; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const SlabSnapshot after = read_slabinfo();
    f.time_wait_count = static_cast<double>(time_wait_count() - tw_before);
    if (f.time_wait_count <= 0) return f;
    const double held = slab_growth(before, after, kTimeWaitCaches);
    f.time_wait_slab = held / f.time_wait_count;
    f.time_wait_object_size = object_sizes(after, {"tw_sock_TCP"});
    f.time_wait_peak_mib = held / (1024.0 * 1024.0);
    ::close(l);
  }
  f.available = true;
  return f;
}

}  // namespace

std::optional<LinuxMemoryFigures> linux_memory(std::size_t connections,
                                               std::size_t time_wait_entries,
                                               std::string* why_not) {
  if (::geteuid() != 0) {
    *why_not = "needs root";
    return std::nullopt;
  }
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) {
    *why_not = "pipe failed";
    return std::nullopt;
  }
  // The tw_sock objects of the previous run's namespace are freed by the kernel after its
  // namespace is gone; wait for them so they do not show up as negative growth here.
  const auto settle = [] {
    double last = -1;
    for (int i = 0; i < 100; ++i) {
      const double now = read_slabinfo()["tw_sock_TCP"].active_objects;
      if (now == last) return;
      last = now;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  };
  settle();
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(pipe_fds[0]);
    LinuxMemoryFigures f;
    if (::unshare(CLONE_NEWNET) == 0) f = measure_in_namespace(connections, time_wait_entries);
    [[maybe_unused]] const auto written = ::write(pipe_fds[1], &f, sizeof f);
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  LinuxMemoryFigures f;
  const bool got = child > 0 && ::read(pipe_fds[0], &f, sizeof f) == sizeof f;
  ::close(pipe_fds[0]);
  if (child > 0) ::waitpid(child, nullptr, 0);
  if (!got || !f.available) {
    *why_not = "namespace set-up or loopback sockets failed";
    return std::nullopt;
  }
  return f;
}

}  // namespace synack::bench
