// `synack bench NAME [--json]`: runs one benchmark (or all), synack and Linux alternately on the
// same work, repeated; prints min, median and max of each and the ratio of the medians.
#include <fmt/format.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench.hpp"
#include "commands.hpp"
#include "synack/bench/summary.hpp"

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
  std::size_t mtu = 0;  // throughput: only this MTU (0: 1500 and 65535)
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

Report run_memory(const BenchOptions& o) {
  Report r{"memory", {}, {}};
  const std::size_t tw = o.quick ? 10000 : 1000000;
  const auto m = bench::synack_memory(o.quick ? 200 : 5000, tw);
  r.rows.push_back(single("established: sizeof(TcpConnection)", "bytes", m.connection_sizeof));
  r.rows.push_back(single("established: heap per idle connection, buffers excluded", "bytes",
                          m.established_measured));
  r.rows.push_back(single("half-open: sizeof(HalfOpenEntry)", "bytes", m.half_open_sizeof));
  r.rows.push_back(single("half-open: heap per entry", "bytes", m.half_open_measured));
  r.rows.push_back(single("TIME_WAIT: sizeof(TimeWaitEntry)", "bytes", m.time_wait_sizeof));
  r.rows.push_back(single("TIME_WAIT: heap per entry", "bytes", m.time_wait_measured));
  r.rows.push_back(
      single(fmt::format("TIME_WAIT: heap holding {} entries", tw), "MiB", m.time_wait_peak_mib));
  r.rows.push_back(single("TIME_WAIT: inserts", "entries/s", m.time_wait_insert_per_s));
  r.notes.push_back(
      "heap = glibc mallinfo2() bytes in use, allocator overhead and table nodes included; "
      "no Linux counterpart is measured");
  return r;
}

Report run_synflood(const BenchOptions& o) {
  Report r{"synflood", {}, {}};
  const std::size_t syns = o.quick ? 5000 : 200000;
  const auto measure = [&](bool cookies, const std::string& label) {
    std::vector<double> rate, answered;
    for (int i = 0; i < o.runs; ++i) {
      const auto f = bench::synack_synflood(syns, cookies);
      rate.push_back(f.syns_per_cpu_second);
      answered.push_back(f.synacks_per_syn);
    }
    r.rows.push_back(Row{"spoofed SYNs, " + label, "SYN/CPU s", Summary::of(rate), std::nullopt});
    r.rows.push_back(
        Row{"SYN-ACKs per SYN, " + label, "ratio", Summary::of(answered), std::nullopt});
  };
  if (bench::syncookies_available()) {
    measure(true, "SYN cookies (syncookies 2)");
  } else {
    r.notes.push_back("SYN cookies not available in this build's TcpConfig");
  }
  measure(false, "SYN queue (syncookies 0, max_syn_backlog raised)");
  r.notes.push_back(fmt::format("{} distinct spoofed sources per run, checksums verified", syns));
  return r;
}

void print_text(const Report& r, int runs) {
  fmt::print("== {} ({} run{})\n", r.benchmark, runs, runs == 1 ? "" : "s");
  for (const Row& row : r.rows) {
    const auto triple = [](const Summary& s) {
      return fmt::format("{:.4g} / {:.4g} / {:.4g}", s.min, s.median, s.max);
    };
    if (row.synack.runs.size() == 1 && !row.linux_kernel) {
      fmt::print("  {:<58} {:>12.4g} {}\n", row.name, row.synack.median, row.unit);
      continue;
    }
    fmt::print("  {} [{}]\n", row.name, row.unit);
    fmt::print("    synack  min/median/max  {}\n", triple(row.synack));
    if (row.linux_kernel) {
      fmt::print("    linux   min/median/max  {}\n", triple(*row.linux_kernel));
      fmt::print("    ratio (median synack / linux)  {:.2f}x\n", *row.ratio());
    }
  }
  for (const auto& n : r.notes) fmt::print("  note: {}\n", n);
}

nlohmann::json to_json(const Summary& s) {
  return {{"min", s.min}, {"median", s.median}, {"max", s.max}, {"runs", s.runs}};
}

nlohmann::json to_json(const Report& r) {
  nlohmann::json rows = nlohmann::json::array();
  for (const Row& row : r.rows) {
    nlohmann::json j = {{"name", row.name}, {"unit", row.unit}, {"synack", to_json(row.synack)}};
    j["linux"] = row.linux_kernel ? to_json(*row.linux_kernel) : nlohmann::json();
    j["ratio"] = row.ratio() ? nlohmann::json(*row.ratio()) : nlohmann::json();
    rows.push_back(j);
  }
  return {{"benchmark", r.benchmark}, {"results", rows}, {"notes", r.notes}};
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
      // Needs a TAP device and a network namespace, which the stack cannot drive yet.
      if (o.json) {
        all.push_back({{"benchmark", "tap"},
                       {"available", false},
                       {"reason", "needs the TAP backend (issue 6)"}});
      } else {
        fmt::print("== tap\n  not available: needs the TAP backend (issue 6)\n");
      }
      continue;
    }
    Report r;
    try {
      if (name == "throughput") r = run_throughput(o);
      if (name == "connrate") r = run_connrate(o);
      if (name == "rr") r = run_rr(o);
      if (name == "memory") r = run_memory(o);
      if (name == "synflood") r = run_synflood(o);
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
  cmd->callback([] { set_exit_code(run_bench(options)); });
}

}  // namespace synack::cli
