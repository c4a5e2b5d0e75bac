// `synack demo`: the README's main job. Two hosts on a simulated Ethernet link: first ARP and
// ping over a lossy link, then a TCP exchange drawn as a ladder with both sides' states.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "commands.hpp"
#include "demo_ping.hpp"
#include "demo_tcp.hpp"
#include "synack/sim/bulk_transfer.hpp"
#include "synack/sim/seeded_secrets.hpp"
#include "synack/viz/ladder_from_simulation.hpp"
#include "synack/viz/svg_renderer.hpp"
#include "synack/viz/text_renderer.hpp"

namespace synack::cli {
namespace {

struct DemoOptions {
  std::uint64_t seed = 1;
  std::string pcap;
  std::string svg;
  bool json = false;
  double ping_loss = 0.1;
  int pings = 5;
  std::size_t bulk_bytes = 4u << 20;
  double bulk_loss = 0.01;
};

const Ipv4Address kClientIp{{198, 18, 0, 1}};
const Ipv4Address kServerIp{{198, 18, 0, 2}};

InterfaceConfig ethernet(Ipv4Address ip, std::uint8_t last_mac_byte) {
  InterfaceConfig i;
  i.mac = MacAddress{{0x02, 0x00, 0x00, 0x00, 0x00, last_mac_byte}};
  i.address = ip;
  i.prefix_length = 24;
  return i;
}

sim::Impairments link_with_loss(double loss) {
  sim::Impairments imp;
  imp.delay = milliseconds(10);
  imp.loss = loss;
  return imp;
}

std::string hex(const std::array<std::uint8_t, 32>& digest) {
  std::string out;
  for (const auto byte : digest) out += fmt::format("{:02x}", byte);
  return out;
}

// A progress bar redrawn in place; only on a terminal, and only when the percentage changes.
class ProgressBar {
 public:
  explicit ProgressBar(std::FILE* out) : out_(isatty(fileno(out)) != 0 ? out : nullptr) {}
  void update(std::size_t done, std::size_t total) {
    if (!out_ || total == 0) return;
    const int percent = static_cast<int>(done * 100 / total);
    if (percent == last_) return;
    last_ = percent;
    const int filled = percent / 2;
    fmt::print(out_, "\r  [{}{}] {:3d}% {:.1f} MiB", std::string(filled, '#'),
               std::string(50 - filled, '.'), percent, static_cast<double>(done) / (1 << 20));
    std::fflush(out_);
  }
  void finish() {
    if (out_ && last_ >= 0) fmt::print(out_, "\n");
  }

 private:
  std::FILE* out_;
  int last_ = -1;
};

// With --pcap FILE.pcap the bulk transfer, which runs on a raw-IP link of its own (a pcap file
// holds one link type), goes to FILE-bulk.pcap.
std::string bulk_capture_path(const std::string& pcap) {
  if (pcap.empty()) return {};
  const auto dot = pcap.rfind(".pcap");
  const std::string stem = dot == std::string::npos ? pcap : pcap.substr(0, dot);
  return stem + "-bulk.pcap";
}

// 0: byte-exact; 1: the transfer failed; 2: the capture could not be written.
int run_bulk_demo(const DemoOptions& o, std::FILE* text) {
  fmt::print(
      text,
      "\n== Bulk transfer: {:.1f} MiB over 50 Mbit/s, 10 ms each way, {:.0f}% loss, CUBIC, SACK\n",
      static_cast<double>(o.bulk_bytes) / (1 << 20), o.bulk_loss * 100);
  sim::BulkOptions b;
  b.bytes = o.bulk_bytes;
  b.seed = o.seed;
  b.data_path = sim::path(o.bulk_loss);
  b.data_path.bandwidth_bps = 50'000'000;
  b.data_path.queue_limit_packets = 64;
  b.ack_path = sim::path(o.bulk_loss);
  b.capture_path = bulk_capture_path(o.pcap);
  ProgressBar bar(text);
  b.on_progress = [&bar](std::size_t done, std::size_t total) { bar.update(done, total); };
  const sim::BulkResult r = sim::run_bulk(b);
  bar.finish();
  if (r.capture_error) {
    fmt::print(stderr, "synack demo: cannot write the capture: {}\n", r.capture_error->message());
    return 2;
  }
  fmt::print(text, "  {} of {} bytes in {:.3f} s of virtual time: goodput {:.2f} Mbit/s\n",
             r.received, r.sent, to_seconds(r.finished - r.started), r.goodput_mbps());
  fmt::print(text, "  segments lost on the way {}, retransmitted {} (fast {}, after timeout {})\n",
             r.data_path.frames_lost + r.data_path.queue_drops, r.client.RetransSegs,
             r.client.TCPFastRetrans, r.client.TCPTimeouts);
  fmt::print(text, "  SHA-256 sent     {}\n  SHA-256 received {}\n  {}\n", hex(r.sent_sha256),
             hex(r.received_sha256),
             r.byte_exact() ? "match: the stream arrived byte-exact" : "MISMATCH");
  if (!b.capture_path.empty()) {
    fmt::print(text, "  capture (bulk transfer, raw IP) written to {}\n", b.capture_path);
  }
  return r.byte_exact() ? 0 : 1;
}

void print_counters(std::FILE* text, const char* who, const TcpCounters& c) {
  std::string line;
  c.for_each([&](std::string_view name, std::uint64_t value) {
    if (value != 0 && name != "CurrEstab") line += fmt::format(" {}={}", name, value);
  });
  fmt::print(text, "  {} TCP counters:{}\n", who, line);
}

bool write_svg(const std::string& path, const viz::Ladder& ladder) {
  std::ofstream out(path);
  out << viz::render_svg(ladder);
  out.close();
  return static_cast<bool>(out);
}

int run_demo(const DemoOptions& o) {
  // With --json, standard output carries the TCP events as JSON lines and nothing else; the
  // human-readable account goes to standard error.
  std::FILE* text = o.json ? stderr : stdout;
  sim::Simulator sim(o.seed);
  StackConfig client_config;
  client_config.secrets = sim::seeded_secrets(o.seed, 1);
  StackConfig server_config;
  server_config.secrets = sim::seeded_secrets(o.seed, 2);
  Stack client(client_config);
  Stack server(server_config);
  client.add_interface(ethernet(kClientIp, 1));
  server.add_interface(ethernet(kServerIp, 2));
  const auto a = sim.add_node(client, "client");
  const auto b = sim.add_node(server, "server");
  sim::Link& link =
      sim.connect(a, 0, b, 0, sim::LinkConfig::symmetric(link_with_loss(o.ping_loss)));
  if (!o.pcap.empty()) {
    if (const Status capturing = sim.capture_link(link.id(), o.pcap); !capturing) {
      fmt::print(stderr, "synack demo: cannot write the capture: {}\n",
                 capturing.error().message());
      return 2;
    }
  }
  std::vector<viz::CapturedFrame> frames;
  sim.on_frame(viz::frame_recorder(frames));

  fmt::print(text, "== ARP and ping over a link with 10 ms delay and {:.0f}% loss (seed {})\n",
             o.ping_loss * 100, o.seed);
  const PingDemoResult ping = run_ping_demo(sim, client, server, kServerIp, o.pings, text);

  // The TCP part runs on a clean link so that every segment of the ladder is the protocol's
  // own doing; loss recovery has scenarios of its own.
  link.set_impairments(sim::Direction::a_to_b, link_with_loss(0));
  link.set_impairments(sim::Direction::b_to_a, link_with_loss(0));
  frames.clear();
  std::vector<TcpEvent> client_events;
  std::vector<TcpEvent> server_events;
  const Instant tcp_start = sim.now();
  fmt::print(text,
             "\n== TCP: handshake, request, response, four-way close, TIME_WAIT (from {:.3f}s)\n",
             to_seconds(tcp_start));
  const TcpDemoResult tcp =
      run_tcp_demo(sim, client, server, kServerIp, client_events, server_events);
  sim.close_captures();

  viz::SimulationLadderOptions lo;
  lo.connection = tcp.client_tuple;
  lo.left_name = "client " + tcp.client_tuple.local.to_string();
  lo.right_name = "server " + tcp.client_tuple.remote.to_string();
  lo.relative_seq = true;  // the ISNs are printed in the summary
  const viz::Ladder ladder = viz::ladder_from_simulation(client_events, server_events, frames, lo);
  if (o.json) {
    // Both sides' events in time order (the client's first at the same instant).
    std::vector<TcpEvent> events;
    std::merge(client_events.begin(), client_events.end(), server_events.begin(),
               server_events.end(), std::back_inserter(events),
               [](const TcpEvent& a, const TcpEvent& b) { return a.time < b.time; });
    for (const auto& e : events) fmt::print("{}\n", e.to_json());
  } else {
    viz::TextOptions to;
    to.colour = isatty(fileno(stdout)) != 0;
    fmt::print("{}", viz::render_text(ladder, to));
  }
  if (!o.svg.empty()) {
    if (!write_svg(o.svg, ladder)) {
      fmt::print(stderr, "synack demo: cannot write {}\n", o.svg);
      return 2;
    }
    fmt::print(text, "ladder written to {}\n", o.svg);
  }

  fmt::print(text, "\n== Summary\n");
  fmt::print(text, "  ping: {} sent, {} received, {} lost\n", ping.sent, ping.received, ping.lost);
  if (tcp.ok) {
    fmt::print(text, "  TCP: request {} bytes and response {} bytes delivered intact\n",
               tcp.request_bytes, tcp.response_bytes);
    fmt::print(text,
               "  ISNs (RFC 6528: 4 us clock + SipHash of the 4-tuple): client {}, server {}\n",
               tcp.client_isn.raw(), tcp.server_isn.raw());
    fmt::print(text, "  TIME_WAIT on the client from {:.3f}s to {:.3f}s: {:.3f}s = 2 x MSL\n",
               to_seconds(tcp.time_wait_entered), to_seconds(tcp.time_wait_left),
               to_seconds(tcp.time_wait_left - tcp.time_wait_entered));
  } else {
    fmt::print(text, "  TCP: FAILED: {}\n", tcp.failure);
  }
  print_counters(text, "client", client.tcp().counters());
  print_counters(text, "server", server.tcp().counters());
  if (!o.pcap.empty()) {
    fmt::print(text, "  capture (ARP, ping and the TCP exchange, Ethernet) written to {}\n",
               o.pcap);
  }
  const int bulk = o.bulk_bytes == 0 ? 0 : run_bulk_demo(o, text);
  if (bulk == 2) return 2;
  return tcp.ok && bulk == 0 ? 0 : 1;
}

}  // namespace

void register_demo(CLI::App& app) {
  auto* cmd = app.add_subcommand("demo", "Run the main demonstration on the simulated network");
  static DemoOptions options;
  cmd->add_option("--seed", options.seed, "Seed for the simulated network")->capture_default_str();
  cmd->add_option("--pcap", options.pcap,
                  "Capture ARP, ping and the TCP exchange to FILE.pcap and the bulk transfer to "
                  "FILE-bulk.pcap");
  cmd->add_option("--svg", options.svg, "Write the TCP ladder diagram as SVG");
  cmd->add_flag("--json", options.json,
                "Print only the TCP events, as JSON lines, on standard output (the rest goes to "
                "standard error)");
  cmd->add_option("--ping-loss", options.ping_loss, "Loss rate during the ping part")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--bulk-bytes", options.bulk_bytes, "Bytes in the bulk transfer (0 skips it)")
      ->capture_default_str();
  cmd->add_option("--bulk-loss", options.bulk_loss, "Loss rate each way during the bulk transfer")
      ->check(CLI::Range(0.0, 0.5))
      ->capture_default_str();
  cmd->callback([] { set_exit_code(run_demo(options)); });
}

}  // namespace synack::cli
