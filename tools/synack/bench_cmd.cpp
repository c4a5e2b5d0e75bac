// `synack bench NAME [--json]`: runs one benchmark (or all), synack and Linux alternately on the
// same work, repeated; prints min, median and max of each and the ratio of the medians.
#include <fmt/format.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/runners/benchmarks.hpp"
#include "bench/runners/summary.hpp"
#include "commands.hpp"

namespace synack::cli {
namespace {

using synack::bench::Summary;

struct BenchOptions {
  std::string name;
  bool json = false;
  bool quick = false;
  int runs = 5;
  double seconds = 1.0;
  std::size_t connections = 20000;
  std::size_t mtu = 0;          // throughput: only this MTU (0: 1500 and 65535)
  std::uint64_t tap_mib = 256;  // tap: MiB per transfer
};

// One measured quantity: synack's runs and, when Linux has a counterpart, Linux's.
struct Row {
  std::string name;
  std::string unit;
  Summary synack;
  std::optional<Summary> linux_kernel;
  std::optional<double> ratio() const {
    if (!linux_kernel || linux_kernel->median <= 0) return std::nullopt;
    return synack.median / linux_kernel->median;
  }
};

struct Report {
  std::string benchmark;
  std::vector<Row> rows;
  std::vector<std::string> notes;
  // memory: synack beside the Linux kernel, kept apart from `rows` (synack's own figures).
  std::vector<Row> versus_linux = {};
};

// Runs synack and Linux alternately so that drift in the machine's load hits both alike.
Row compare(const std::string& name, const std::string& unit, int runs,
            const std::function<double()>& ours, const std::function<double()>& kernel) {
  std::vector<double> a, b;
  for (int i = 0; i < runs; ++i) {
    a.push_back(ours());
    if (kernel) b.push_back(kernel());
  }
  Row r{name, unit, Summary::of(a), std::nullopt};
  if (kernel) r.linux_kernel = Summary::of(b);
  return r;
}

Row single(const std::string& name, const std::string& unit, double value) {
  return Row{name, unit, Summary::of({value}), std::nullopt};
}

Report run_throughput(const BenchOptions& o) {
  Report r{"throughput", {}, {}};
  std::vector<std::size_t> mtus = {1500, 65535};
  if (o.mtu != 0) mtus = {o.mtu};
  for (std::size_t mtu : mtus) {
    std::uint64_t segments = 0;
    double gbps = 0;
    r.rows.push_back(compare(
        fmt::format("MTU {}", mtu), "Gbit/s", o.runs,
        [&] { return gbps = bench::synack_throughput(mtu, o.seconds, &segments); },
        [&] { return bench::linux_throughput(mtu, o.seconds); }));
    r.notes.push_back(fmt::format("MTU {}: synack's last run sent {} segments ({:.0f} bytes each)",
                                  mtu, segments,
                                  segments ? gbps * 1e9 / 8 * o.seconds / segments : 0.0));
  }
  r.notes.push_back(
      "synack: two stacks, one thread, in-memory link, checksum offload, 4 MiB buffers");
  r.notes.push_back(
      "linux: loopback, sender and receiver threads; MTU 1500 = TCP_MAXSEG 1460 (loopback "
      "GSO still moves large packets)");
  return r;
}

Report run_connrate(const BenchOptions& o) {
  Report r{"connrate", {}, {}};
  r.rows.push_back(compare(
      "connect+4B req+4B resp+close", "conn/s", o.runs,
      [&] { return bench::synack_connrate(o.connections); },
      [&] { return bench::linux_connrate(o.connections); }));
  r.notes.push_back(fmt::format(
      "{} connections per run (bounded: each leaves TIME_WAIT at the client and the ephemeral "
      "range holds about 28k); linux: one thread, non-blocking sockets",
      o.connections));
  return r;
}

Report run_rr(const BenchOptions& o) {
  Report r{"rr", {}, {}};
  r.rows.push_back(compare(
      "1-byte round trips", "trips/s", o.runs, [&] { return bench::synack_rr(o.seconds); },
      [&] { return bench::linux_rr(o.seconds); }));
  r.notes.push_back("TCP_NODELAY both ends; linux: one thread, blocking sockets");
  return r;
}

// synack and Linux alternately, each run a fresh set of states (for Linux a fresh network
// namespace), so min/median/max show how steady the figures are.
void add_linux_counterparts(const BenchOptions& o, Report& r) {
  const std::size_t connections = o.quick ? 200 : 5000;
  const std::size_t tw = o.quick ? 2000 : 20000;
  std::vector<bench::MemoryFigures> ours;
  std::vector<bench::LinuxMemoryFigures> kernel;
  std::string why_not;
  for (int i = 0; i < o.runs; ++i) {
    ours.push_back(bench::synack_memory(connections, tw));
    auto k = bench::linux_memory(connections, tw, &why_not);
    if (!k) {
      r.notes.push_back("Linux counterparts not available: " + why_not);
      return;
    }
    kernel.push_back(*k);
  }
  const auto row = [&](const std::string& name, const std::string& unit, auto synack_of,
                       auto linux_of) {
    std::vector<double> a, b;
    for (const auto& m : ours) a.push_back(synack_of(m));
    for (const auto& k : kernel) b.push_back(linux_of(k));
    r.versus_linux.push_back(Row{name, unit, Summary::of(a), Summary::of(b)});
  };
  using M = bench::MemoryFigures;
  using K = bench::LinuxMemoryFigures;
  row(
      "established idle connection, per end: synack heap / Linux slab", "bytes",
      [](const M& m) { return m.established_measured; },
      [](const K& k) { return k.established_slab; });
  row(
      "established: synack heap / Linux TCP sock slab alone", "bytes",
      [](const M& m) { return m.established_measured; },
      [](const K& k) { return k.established_tcp_sock; });
  row(
      "established: sizeof(TcpConnection) / objsize TCP+inode+dentry+file", "bytes",
      [](const M& m) { return m.connection_sizeof; },
      [](const K& k) { return k.established_object_sizes; });
  row(
      "half-open entry: synack heap / Linux request_sock_TCP slab", "bytes",
      [](const M& m) { return m.half_open_measured; }, [](const K& k) { return k.half_open_slab; });
  row(
      "half-open: sizeof(HalfOpenEntry) / objsize request_sock_TCP", "bytes",
      [](const M& m) { return m.half_open_sizeof; },
      [](const K& k) { return k.half_open_object_size; });
  row(
      "TIME_WAIT entry: synack heap / Linux tw_sock+bind bucket slab", "bytes",
      [](const M& m) { return m.time_wait_measured; }, [](const K& k) { return k.time_wait_slab; });
  row(
      "TIME_WAIT: stored record / objsize tw_sock_TCP", "bytes",
      [](const M& m) { return m.time_wait_sizeof; },
      [](const K& k) { return k.time_wait_object_size; });
  row(
      fmt::format("TIME_WAIT: memory holding {} entries", tw), "MiB",
      [](const M& m) { return m.time_wait_peak_mib; },
      [](const K& k) { return k.time_wait_peak_mib; });
  double counted = 0;
  for (const auto& k : kernel) counted = std::max(counted, k.time_wait_count);
  r.notes.push_back(fmt::format(
      "versus Linux ({} runs each): {} idle loopback pairs, {} TCP_DEFER_ACCEPT half-open "
      "handshakes and {} client-first closes per run (sockstat counted up to {:.0f} tw), each "
      "run in a fresh "
      "network namespace of a forked child; slab = /proc/slabinfo active objects x objsize "
      "gained (host-wide caches: other activity on the machine adds noise)",
      o.runs, connections, connections, tw, counted));
}

Report run_memory(const BenchOptions& o) {
  Report r{"memory", {}, {}};
  const std::size_t tw = o.quick ? 10000 : 1000000;
  const auto m = bench::synack_memory(o.quick ? 200 : 5000, tw);
  r.rows.push_back(single("established: sizeof(TcpConnection)", "bytes", m.connection_sizeof));
  r.rows.push_back(single("established: heap per idle connection, buffers excluded", "bytes",
                          m.established_measured));
  r.rows.push_back(single("half-open: sizeof(HalfOpenEntry)", "bytes", m.half_open_sizeof));
  r.rows.push_back(single("half-open: heap per entry", "bytes", m.half_open_measured));
  r.rows.push_back(
      single("TIME_WAIT: stored IPv4 record (before index)", "bytes", m.time_wait_sizeof));
  r.rows.push_back(single("TIME_WAIT: heap per entry", "bytes", m.time_wait_measured));
  r.rows.push_back(
      single(fmt::format("TIME_WAIT: heap holding {} entries", tw), "MiB", m.time_wait_peak_mib));
  r.rows.push_back(single("TIME_WAIT: inserts", "entries/s", m.time_wait_insert_per_s));
  r.notes.push_back(
      "heap = glibc mallinfo2() bytes in use (small blocks and mmapped ones), allocator "
      "overhead and table nodes included");
  add_linux_counterparts(o, r);
  return r;
}

Report run_synflood(const BenchOptions& o) {
  Report r{"synflood", {}, {}};
  const std::size_t syns = o.quick ? 5000 : 200000;
  // The Linux side needs what the tap benchmark needs: root and /dev/net/tun.
  const auto linux_unavailable = bench::tap_unavailable();
  const auto measure = [&](bool cookies, const std::string& label) {
    std::optional<bench::LinuxSynFlood> kernel;
    if (!linux_unavailable) kernel.emplace(syns, cookies);
    std::vector<double> rate, answered, kernel_rate, kernel_answered;
    bench::LinuxSynFloodFigures last;
    for (int i = 0; i < o.runs; ++i) {  // alternately, as compare() does
      const auto f = bench::synack_synflood(syns, cookies);
      rate.push_back(f.syns_per_cpu_second);
      answered.push_back(f.synacks_per_syn);
      if (!kernel) continue;
      last = kernel->run();
      kernel_rate.push_back(last.syns_per_cpu_second);
      kernel_answered.push_back(last.synacks_per_syn);
    }
    const auto linux_of = [&](const std::vector<double>& runs) {
      return kernel ? std::optional<Summary>(Summary::of(runs)) : std::nullopt;
    };
    r.rows.push_back(
        Row{"spoofed SYNs, " + label, "SYN/CPU s", Summary::of(rate), linux_of(kernel_rate)});
    r.rows.push_back(Row{"SYN-ACKs per SYN, " + label, "ratio", Summary::of(answered),
                         linux_of(kernel_answered)});
    if (kernel) {
      r.notes.push_back(fmt::format(
          "linux, {}: last run {:.4g} SYN per process CPU s (getrusage, a check), {} frames "
          "read back, {} dropped by the device, {:.0f} ms softirq time on all CPUs",
          label, last.syns_per_process_cpu_second, last.synack_frames, last.tx_dropped,
          last.softirq_seconds * 1000));
    }
  };
  if (bench::syncookies_available()) {
    measure(true, "SYN cookies (syncookies 2)");
  } else {
    r.notes.push_back("SYN cookies not available in this build's TcpConfig");
  }
  measure(false, "SYN queue (syncookies 0, max_syn_backlog raised)");
  r.notes.push_back(fmt::format("{} distinct spoofed sources per run, checksums verified", syns));
  if (linux_unavailable) {
    r.notes.push_back("linux: not available: " + *linux_unavailable);
  } else {
    r.notes.push_back(
        "synack: raw IP frames handed to Stack::receive_frame; linux: Ethernet frames written "
        "one per write(2) into a TAP device in a private network namespace, listener never "
        "accepting; CPU = the writing thread's (the kernel receives and answers inside the "
        "write), SYN-ACKs read back outside the timed spans and matched to their SYNs; with "
        "cookies off the kernel also retransmits queued SYN-ACKs from timers (1 s, 3 s, ...), "
        "which adds frames read back and device drops");
  }
  return r;
}

void print_row(const Row& row) {
  const auto triple = [](const Summary& s) {
    return fmt::format("{:.4g} / {:.4g} / {:.4g}", s.min, s.median, s.max);
  };
  if (row.synack.runs.size() == 1 && !row.linux_kernel) {
    fmt::print("  {:<58} {:>12.4g} {}\n", row.name, row.synack.median, row.unit);
    return;
  }
  fmt::print("  {} [{}]\n", row.name, row.unit);
  fmt::print("    synack  min/median/max  {}\n", triple(row.synack));
  if (row.linux_kernel) {
    fmt::print("    linux   min/median/max  {}\n", triple(*row.linux_kernel));
    fmt::print("    ratio (median synack / linux)  {:.2f}x\n", *row.ratio());
  }
}

Report run_tap(const BenchOptions& o) {
  Report r{"tap", {}, {}};
  const std::uint64_t mib = o.quick ? 16 : o.tap_mib;
  bench::TapBench world(mib << 20);
  std::vector<double> ours_gbps, kernel_gbps, ours_cpu, kernel_cpu;
  bench::TapTransfer ours;
  for (int i = 0; i < o.runs; ++i) {  // alternately, as compare() does
    ours = world.synack_run();
    const auto kernel = world.linux_run();
    ours_gbps.push_back(ours.gbit_per_s);
    kernel_gbps.push_back(kernel.gbit_per_s);
    ours_cpu.push_back(ours.sender_cpu_s_per_gb);
    kernel_cpu.push_back(kernel.sender_cpu_s_per_gb);
  }
  r.rows.push_back(Row{fmt::format("goodput to a Linux receiver, MTU 1500, {} MiB", mib), "Gbit/s",
                       Summary::of(ours_gbps), Summary::of(kernel_gbps)});
  r.rows.push_back(Row{"sending thread CPU (lower is better)", "CPU s/GB", Summary::of(ours_cpu),
                       Summary::of(kernel_cpu)});
  r.notes.push_back(
      "synack: one thread (EventLoop + DeviceDriver), one write(2) per 1514-byte frame on a TAP "
      "device, to a kernel receiver thread; goodput measured by the receiver from its first read "
      "to EOF");
  r.notes.push_back(
      "linux: sender and receiver threads in two namespaces joined by veth, MTU 1500 with "
      "veth's default offloads (TSO/GRO move up to 64 KiB per packet)");
  r.notes.push_back(
      "CPU: the sending thread from connect to the receiver's close, kernel work done in its "
      "system calls included (TAP writes run the kernel's receive path)");
  r.notes.push_back(fmt::format(
      "synack's last run: {} segments sent, {} retransmitted, {} frames refused by the device",
      ours.segments, ours.retransmitted, ours.write_errors));
  return r;
}

void print_text(const Report& r, int runs) {
  fmt::print("== {} ({} run{})\n", r.benchmark, runs, runs == 1 ? "" : "s");
  for (const Row& row : r.rows) print_row(row);
  if (!r.versus_linux.empty()) fmt::print("  -- versus Linux --\n");
  for (const Row& row : r.versus_linux) print_row(row);
  for (const auto& n : r.notes) fmt::print("  note: {}\n", n);
}

nlohmann::json to_json(const Summary& s) {
  return {{"min", s.min}, {"median", s.median}, {"max", s.max}, {"runs", s.runs}};
}

nlohmann::json to_json(const std::vector<Row>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const Row& row : rows) {
    nlohmann::json j = {{"name", row.name}, {"unit", row.unit}, {"synack", to_json(row.synack)}};
    j["linux"] = row.linux_kernel ? to_json(*row.linux_kernel) : nlohmann::json();
    j["ratio"] = row.ratio() ? nlohmann::json(*row.ratio()) : nlohmann::json();
    out.push_back(j);
  }
  return out;
}

nlohmann::json to_json(const Report& r) {
  nlohmann::json j = {{"benchmark", r.benchmark}, {"results", to_json(r.rows)}, {"notes", r.notes}};
  if (r.benchmark == "memory") j["versus_linux"] = to_json(r.versus_linux);
  return j;
}

const std::vector<std::string> kNames = {"throughput", "connrate", "rr",
                                         "memory",     "synflood", "tap"};

int run_bench(BenchOptions o) {
  if (o.quick) {
    o.runs = 3;
    o.seconds = 0.05;
    o.connections = 300;
  }
  std::vector<std::string> names;
  if (o.name == "all") {
    names = kNames;
  } else {
    names = {o.name};
  }
  nlohmann::json all = nlohmann::json::array();
  for (const auto& name : names) {
    if (name == "tap") {
      if (const auto reason = bench::tap_unavailable()) {
        if (o.json) {
          all.push_back({{"benchmark", "tap"}, {"available", false}, {"reason", *reason}});
        } else {
          fmt::print("== tap\n  not available: {}\n", *reason);
        }
        continue;
      }
    }
    Report r;
    try {
      if (name == "throughput") r = run_throughput(o);
      if (name == "connrate") r = run_connrate(o);
      if (name == "rr") r = run_rr(o);
      if (name == "memory") r = run_memory(o);
      if (name == "synflood") r = run_synflood(o);
      if (name == "tap") r = run_tap(o);
    } catch (const std::exception& e) {
      fmt::print(stderr, "synack bench {}: {}\n", name, e.what());
      return 1;
    }
    const int runs = name == "memory" ? 1 : o.runs;
    if (o.json) {
      auto j = to_json(r);
      j["repetitions"] = runs;
      all.push_back(j);
    } else {
      print_text(r, runs);
    }
    std::fflush(stdout);
  }
  if (o.json) fmt::print("{}\n", (names.size() == 1 ? all[0] : all).dump(2));
  return 0;
}

}  // namespace

void register_bench(CLI::App& app) {
  auto* cmd = app.add_subcommand("bench",
                                 "Benchmark synack against the Linux kernel's TCP on this machine");
  static BenchOptions options;
  std::vector<std::string> choices = kNames;
  choices.push_back("all");
  cmd->add_option("name", options.name, "throughput, connrate, rr, memory, synflood, tap or all")
      ->required()
      ->check(CLI::IsMember(choices));
  cmd->add_flag("--json", options.json, "Machine-readable output");
  cmd->add_flag("--quick", options.quick, "Tiny runs that only prove the benchmark works");
  cmd->add_option("--runs", options.runs, "Repetitions of each measurement")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--seconds", options.seconds, "Length of each timed run")
      ->check(CLI::Range(0.001, 600.0));
  cmd->add_option("--mtu", options.mtu, "throughput: run only this MTU")
      ->check(CLI::Range(576, 65535));
  cmd->add_option("--connections", options.connections, "Connections per connrate run")
      ->check(CLI::Range(1, 28000));
  cmd->add_option("--mib", options.tap_mib, "tap: MiB per transfer (--quick: 16)")
      ->check(CLI::Range(1, 65536));
  cmd->callback([] { set_exit_code(run_bench(options)); });
}

}  // namespace synack::cli
