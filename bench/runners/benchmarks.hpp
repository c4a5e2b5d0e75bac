#pragma once
// `synack bench`: each benchmark measures synack and, where there is one, the Linux kernel on the
// same work in the same run. The measurement functions live here in bench/runners:
// synack_direct.cpp (synack stacks driven by one thread), linux_loopback.cpp (loopback sockets),
// memory.cpp (memory and SYN flood), linux_synflood.cpp (the kernel under a SYN flood through a
// TAP device) and tap.cpp (TAP device vs veth). A new benchmark gets its own file here and its
// declaration below; tools/synack/bench_cmd.cpp only wires them to `synack bench`, repeats them
// and prints the results.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>

namespace synack::bench {

// ---- synack ----
// Gbit/s of goodput over wall time, one bulk stream between two stacks at `mtu`.
// `segments`, when given, receives the data segments the sender sent.
double synack_throughput(std::size_t mtu, double seconds, std::uint64_t* segments = nullptr);
// Connections per second (connect, accept, 4-byte request and response, client close).
double synack_connrate(std::size_t connections);
// 1-byte round trips per second on one connection.
double synack_rr(double seconds);

// ---- Linux loopback ----
double linux_throughput(std::size_t mtu, double seconds);
double linux_connrate(std::size_t connections);
double linux_rr(double seconds);

// ---- memory (bytes) ----
struct MemoryFigures {
  double connection_sizeof = 0;     // sizeof(TcpConnection)
  double established_measured = 0;  // heap bytes per established idle connection, buffers excluded
  double half_open_sizeof = 0;      // sizeof(HalfOpenEntry)
  double half_open_measured = 0;    // heap bytes per half-open entry
  double time_wait_sizeof = 0;      // sizeof(TimeWaitEntry)
  double time_wait_measured = 0;    // heap bytes per TIME_WAIT entry
  double time_wait_peak_mib = 0;    // heap MiB holding `time_wait_entries` entries
  double time_wait_insert_per_s = 0;
};
MemoryFigures synack_memory(std::size_t connections, std::size_t time_wait_entries);

// The Linux kernel's counterparts, in bytes of slab (/proc/slabinfo active objects times object
// size) gained while building the states on loopback in a private network namespace of a forked
// child. Root only: otherwise nullopt with the reason in `why_not`.
struct LinuxMemoryFigures {
  bool available = false;
  double established_slab = 0;          // per connection end: TCP sock, inode, dentry, file, bind
  double established_tcp_sock = 0;      // per connection end: the TCP sock alone
  double established_object_sizes = 0;  // objsize of TCP + sock_inode_cache + dentry + filp
  double half_open_slab = 0;            // per request sock
  double half_open_object_size = 0;     // objsize of request_sock_TCP
  double time_wait_slab = 0;            // per TIME_WAIT entry: tw sock and bind buckets
  double time_wait_object_size = 0;     // objsize of tw_sock_TCP
  double time_wait_peak_mib = 0;        // slab MiB holding time_wait_count entries
  double time_wait_count = 0;           // entries /proc/net/sockstat counted
};
std::optional<LinuxMemoryFigures> linux_memory(std::size_t connections,
                                               std::size_t time_wait_entries, std::string* why_not);

// ---- SYN flood ----
struct SynFloodFigures {
  double syns_per_cpu_second = 0;
  double synacks_per_syn = 0;  // answered fraction
};
// Whether TcpConfig has SYN cookies (decided at compile time).
bool syncookies_available();
// `syns` spoofed SYNs into a listening stack: answered from cookies (TcpConfig::syncookies 2), or
// with cookies off and a SYN queue big enough to keep them all.
SynFloodFigures synack_synflood(std::size_t syns, bool cookies);

// The Linux kernel's counterpart (linux_synflood.cpp): spoofed SYN frames written into a
// TAP device of a private network namespace whose kernel side listens and never accepts. Root and
// /dev/net/tun only (see tap_unavailable()).
struct LinuxSynFloodFigures {
  double syns_per_cpu_second = 0;          // the writing thread's CPU time over its writes
  double syns_per_process_cpu_second = 0;  // getrusage(RUSAGE_SELF) over the same writes: a check
  double synacks_per_syn = 0;              // SYNs answered by a matching SYN-ACK
  double softirq_seconds = 0;              // /proc/stat softirq time of all CPUs over the run
  std::uint64_t synack_frames = 0;         // frames read from the device (retransmissions too)
  std::uint64_t tx_dropped = 0;            // frames the device dropped, its queue full
};
// The namespace, TAP device, routes and sysctls (net.ipv4.tcp_syncookies 2, or 0 with
// tcp_max_syn_backlog and somaxconn raised to keep every SYN), built by the constructor (throws
// std::runtime_error) and removed by the destructor. Each run floods a fresh listener with `syns`
// SYNs from new random sources.
class LinuxSynFlood {
 public:
  LinuxSynFlood(std::size_t syns, bool cookies);
  ~LinuxSynFlood();
  LinuxSynFlood(const LinuxSynFlood&) = delete;
  LinuxSynFlood& operator=(const LinuxSynFlood&) = delete;
  LinuxSynFloodFigures run();

 private:
  struct World;
  std::size_t syns_;
  std::unique_ptr<World> world_;
  std::mt19937_64 random_;
};

// ---- TAP: synack to the Linux kernel over a TAP device vs kernel to kernel over veth ----
struct TapTransfer {
  double gbit_per_s = 0;           // goodput at the receiver, first byte to end of stream
  double sender_cpu_s_per_gb = 0;  // sending thread's CPU seconds per 10^9 bytes
  // synack runs only: data segments sent and retransmitted, frames the device refused.
  std::uint64_t segments = 0;
  std::uint64_t retransmitted = 0;
  std::uint64_t write_errors = 0;
};
// Why the TAP benchmark cannot run on this machine, or nullopt when it can.
std::optional<std::string> tap_unavailable();
// The benchmark's private network namespaces, TAP device, veth pair and kernel listeners, built
// by the constructor (throws std::runtime_error) and removed by the destructor. Each run moves
// `bytes` over a fresh connection at MTU 1500.
class TapBench {
 public:
  explicit TapBench(std::uint64_t bytes);
  ~TapBench();
  TapBench(const TapBench&) = delete;
  TapBench& operator=(const TapBench&) = delete;
  // A synack Stack on its own thread sends to a kernel receiver on the TAP device.
  TapTransfer synack_run();
  // A kernel sender sends to a kernel receiver across the veth pair.
  TapTransfer linux_run();

 private:
  struct World;
  std::uint64_t bytes_;
  std::unique_ptr<World> world_;
};

}  // namespace synack::bench
