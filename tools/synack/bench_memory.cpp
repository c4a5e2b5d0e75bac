// Memory per connection state and SYN flood cost. Heap bytes are measured with glibc's
// mallinfo2() (bytes in use by malloc, so allocator headers and hash-table nodes count) around
// building many entries, next to the sizeof() of the entry itself.
#include <malloc.h>
#include <time.h>

#include <chrono>
#include <vector>

#include "bench.hpp"
#include "bench_pair.hpp"
#include "synack/tcp/listener.hpp"
#include "synack/tcp/time_wait.hpp"
#include "synack/wire/checksum.hpp"
#include "synack/wire/ipv4.hpp"
#include "synack/wire/tcp.hpp"

namespace synack::cli::bench {
namespace {

double heap_in_use() {
  return static_cast<double>(mallinfo2().uordblks);
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
  m.time_wait_sizeof = sizeof(TimeWaitEntry);
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

}  // namespace synack::cli::bench
