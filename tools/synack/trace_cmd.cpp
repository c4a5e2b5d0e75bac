// `synack trace FILE.pcap`: a ladder per TCP connection of any capture (from synack, tcpdump,
// Wireshark), with each side's state inferred from the segments it sent and received.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "commands.hpp"
#include "synack/viz/ladder_from_pcap.hpp"
#include "synack/viz/svg_renderer.hpp"
#include "synack/viz/text_renderer.hpp"

namespace synack::cli {
namespace {

struct TraceOptions {
  std::string file;
  std::string svg;
  bool absolute = false;
};

std::string svg_path(const std::string& base, std::size_t index) {
  if (index == 0) return base;
  const auto dot = base.rfind(".svg");
  const std::string stem = dot == std::string::npos ? base : base.substr(0, dot);
  return fmt::format("{}-{}.svg", stem, index + 1);
}

// The capture's clock is the wall clock (tcpdump stamps Unix time), whose seconds overflow the
// ladder's time column: by default times count from the first packet of any connection, as
// Wireshark's "seconds since beginning of capture" do.
Instant earliest_time(const std::vector<viz::Ladder>& ladders) {
  Instant first = kNever;
  for (const viz::Ladder& l : ladders) {
    for (const viz::Arrow& a : l.arrows) first = earliest(first, a.sent);
    for (const viz::StateMark& m : l.states) first = earliest(first, m.time);
  }
  return first;
}

void shift_times(viz::Ladder& l, Duration by) {
  for (viz::Arrow& a : l.arrows) {
    a.sent -= by;
    if (a.arrival) *a.arrival -= by;
  }
  for (viz::StateMark& m : l.states) m.time -= by;
  for (viz::TimerMark& m : l.timers) m.time -= by;
  for (viz::Note& n : l.notes) n.time -= by;
}

int run_trace(const TraceOptions& o) {
  viz::PcapLadderOptions po;
  po.relative_seq = !o.absolute;
  auto ladders = viz::ladders_from_pcap(o.file, po);
  if (!ladders) {
    fmt::print(stderr, "synack trace: {}\n", ladders.error().message());
    return 2;
  }
  if (ladders->empty()) {
    fmt::print(stderr, "synack trace: {}: no TCP connection found\n", o.file);
    return 1;
  }
  if (!o.absolute) {
    const Duration origin = earliest_time(*ladders) - kEpoch;
    for (viz::Ladder& l : *ladders) shift_times(l, origin);
  }
  viz::TextOptions to;
  to.colour = isatty(fileno(stdout)) != 0;
  for (std::size_t i = 0; i < ladders->size(); ++i) {
    const viz::Ladder& l = (*ladders)[i];
    fmt::print("{}== connection {}: {} <-> {}\n", i ? "\n" : "", i + 1, l.left_name, l.right_name);
    fmt::print("{}", viz::render_text(l, to));
    if (!o.svg.empty()) {
      const std::string path = svg_path(o.svg, i);
      std::ofstream out(path);
      out << viz::render_svg(l);
      out.close();
      if (!out) {
        fmt::print(stderr, "synack trace: cannot write {}\n", path);
        return 2;
      }
      fmt::print("ladder written to {}\n", path);
    }
  }
  return 0;
}

}  // namespace

void register_trace(CLI::App& app) {
  auto* cmd = app.add_subcommand("trace", "Draw a ladder per TCP connection of a pcap file");
  static TraceOptions options;
  cmd->add_option("file", options.file, "Capture file (Ethernet or raw IP)")->required();
  cmd->add_option("--svg", options.svg, "Write the ladders as SVG (FILE.svg, FILE-2.svg, ...)");
  cmd->add_flag("--absolute", options.absolute,
                "Show the capture's own timestamps and absolute sequence numbers (default: "
                "time from the first packet, sequence numbers from each side's ISN)");
  cmd->callback([] { set_exit_code(run_trace(options)); });
}

}  // namespace synack::cli
