#include "demo_ping.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "synack/wire/arp.hpp"
#include "synack/wire/ethernet.hpp"

namespace synack::cli {
namespace {

// Like ping(8): one request per second, 56 data bytes (84-byte IP packet).
constexpr Duration kPingInterval = seconds(1);
constexpr std::size_t kPingDataLength = 56;
// Long enough to cover one lost ARP request (retried after 1 s, ArpConfig::retry_interval), so
// a first echo delayed by address resolution still counts as answered.
constexpr Duration kReplyTimeout = seconds(2);
// Any fixed value: it only has to tell our replies apart from others (RFC 792 "Identifier").
constexpr std::uint16_t kPingIdentifier = 0x5341;  // "SA"

struct Probe {
  std::uint16_t sequence = 0;
  Instant sent;
  bool send_refused = false;  // The host had no route, buffer or ARP slot for it.
  std::optional<Duration> rtt;
  bool reported = false;
};

double to_ms(Duration d) {
  return static_cast<double>(to_micros(d)) / 1000.0;
}

// Prints the ARP frames of an Ethernet link, stamped with the virtual time they were sent.
// Frames that never arrive are marked, so a missing reply is explained.
void print_arp_frame(std::FILE* out, const sim::FrameRecord& record) {
  auto ethernet = EthernetView::parse(record.bytes);
  if (!ethernet || ethernet->repr().ethertype != kEtherTypeArp) return;
  auto arp = parse_arp(ethernet->payload());
  if (!arp) return;
  const char* fate = record.fate == sim::FrameFate::delivered ? "" : " (lost)";
  if (arp->operation == ArpOperation::kRequest) {
    fmt::print(out, "  {:.3f}s ARP who-has {} tell {}{}\n", to_seconds(record.sent),
               arp->target_ip.to_string(), arp->sender_ip.to_string(), fate);
  } else {
    fmt::print(out, "  {:.3f}s ARP {} is-at {}{}\n", to_seconds(record.sent),
               arp->sender_ip.to_string(), arp->sender_mac.to_string(), fate);
  }
}

// Moves replies the host received into their probes; duplicates and strangers are ignored.
void collect_replies(Host& host, Ipv4Address from, std::vector<Probe>& probes) {
  for (const PingReply& reply : host.take_ping_replies()) {
    if (reply.identifier != kPingIdentifier || reply.from != from || !reply.data_intact) continue;
    if (reply.sequence == 0 || reply.sequence > probes.size()) continue;
    Probe& probe = probes[reply.sequence - 1];
    if (probe.rtt || probe.send_refused) continue;
    if (reply.received_at - probe.sent > kReplyTimeout) continue;  // Too late: already lost.
    probe.rtt = reply.received_at - probe.sent;
  }
}

// Prints, in sequence order, every probe whose outcome is known at `now`.
void report_settled(std::FILE* out, Ipv4Address from, Instant now, std::vector<Probe>& probes) {
  for (Probe& probe : probes) {
    if (probe.reported) continue;
    if (probe.rtt) {
      fmt::print(out, "seq={} from {} time={:.3f} ms\n", probe.sequence, from.to_string(),
                 to_ms(*probe.rtt));
    } else if (probe.send_refused) {
      fmt::print(out, "seq={} not sent\n", probe.sequence);
    } else if (now >= probe.sent + kReplyTimeout) {
      fmt::print(out, "seq={} lost\n", probe.sequence);
    } else {
      return;  // Keep the lines in order: wait for this one.
    }
    probe.reported = true;
  }
}

PingDemoResult summarize(const std::vector<Probe>& probes) {
  PingDemoResult result;
  result.sent = static_cast<int>(probes.size());
  Duration total{0};
  std::optional<Duration> min;
  std::optional<Duration> max;
  for (const Probe& probe : probes) {
    if (!probe.rtt) continue;
    ++result.received;
    total += *probe.rtt;
    min = min ? std::min(*min, *probe.rtt) : *probe.rtt;
    max = max ? std::max(*max, *probe.rtt) : *probe.rtt;
  }
  result.lost = result.sent - result.received;
  if (result.received > 0) {
    result.rtt_min_ms = to_ms(*min);
    result.rtt_max_ms = to_ms(*max);
    result.rtt_avg_ms = to_ms(total) / result.received;
  }
  return result;
}

void print_summary(std::FILE* out, const PingDemoResult& r) {
  const double lost_percent = r.sent == 0 ? 0.0 : 100.0 * r.lost / r.sent;
  fmt::print(out, "{} sent, {} received, {:g}% lost", r.sent, r.received, lost_percent);
  if (r.received > 0) {
    fmt::print(out, ", rtt min/avg/max = {:.3f}/{:.3f}/{:.3f} ms", r.rtt_min_ms, r.rtt_avg_ms,
               r.rtt_max_ms);
  }
  fmt::print(out, "\n");
}

}  // namespace

PingDemoResult run_ping_demo(sim::Simulator& sim, Stack& a, Stack& b, Ipv4Address b_ip, int count,
                             std::FILE* out) {
  (void)b;  // B only has to answer, which its Host does by itself (RFC 1122 3.2.2.6).
  const int probe_count = std::clamp(count, 0, 0xffff);  // Sequence numbers are 16 bits.
  const Instant start = sim.now();
  fmt::print(out, "PING {} from {}: {} data bytes\n", b_ip.to_string(),
             a.host().source_address_for(IpAddress::v4(b_ip)).value_or(IpAddress{}).to_string(),
             kPingDataLength);

  // Observers cannot be removed, so this one goes quiet when the ping part is over and later
  // parts of the demo (TCP) are not interleaved with ARP lines.
  auto printing = std::make_shared<bool>(true);
  sim.on_frame([printing, out, &sim](const sim::FrameRecord& record) {
    if (*printing && sim.link(record.link).layer() == sim::LinkLayer::ethernet) {
      print_arp_frame(out, record);
    }
  });

  std::vector<Probe> probes(static_cast<std::size_t>(probe_count));
  for (int i = 0; i < probe_count; ++i) {
    Probe& probe = probes[static_cast<std::size_t>(i)];
    probe.sequence = static_cast<std::uint16_t>(i + 1);
    probe.sent = start + kPingInterval * i;
    sim.schedule_at(probe.sent, [&sim, &a, &probe, b_ip] {
      probe.send_refused =
          !a.host().ping(sim.now(), b_ip, kPingIdentifier, probe.sequence, kPingDataLength);
    });
  }

  // Advance in ping-interval steps, reporting what each step settled, until every probe has
  // been answered or has timed out.
  const Instant end = start + kPingInterval * (probe_count > 0 ? probe_count - 1 : 0) +
                      (probe_count > 0 ? kReplyTimeout : Duration{0});
  const auto all_reported = [&probes] {
    return std::all_of(probes.begin(), probes.end(), [](const Probe& p) { return p.reported; });
  };
  while (sim.now() < end && !all_reported()) {
    sim.run_until(std::min(sim.now() + kPingInterval, end));
    collect_replies(a.host(), b_ip, probes);
    report_settled(out, b_ip, sim.now(), probes);
  }
  *printing = false;

  const PingDemoResult result = summarize(probes);
  print_summary(out, result);
  return result;
}

}  // namespace synack::cli
