#pragma once
// `synack bench`: each benchmark measures synack and, where there is one, the Linux kernel on the
// same work in the same run. The measurement functions live in bench_synack.cpp (synack stacks
// driven by one thread), bench_linux.cpp (loopback sockets) and bench_memory.cpp (memory and
// SYN flood); bench_cmd.cpp runs them, repeats them and prints the results.
#include <cstddef>
#include <cstdint>
#include <string>

namespace synack::cli::bench {

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

}  // namespace synack::cli::bench
