// The listener's half-open (SYN) queue and the SYN flood that fills it, with and without SYN
// cookies (RFC 4987).
#include <fmt/format.h>

#include "synack/scenario/evidence_format.hpp"
#include "synack/scenario/scenarios.hpp"
#include "synack/scenario/syn_flood_trial.hpp"
#include "synack/scenario/world.hpp"
#include "synack/testbed/attacker_topology.hpp"
#include "synack/testbed/scripted_client_world.hpp"

namespace synack::scenario {

using namespace tcp_flags;
using namespace testbed;

namespace {

Ipv4Address spoofed(std::size_t i) {
  return Ipv4Address{
      {198, 19, static_cast<std::uint8_t>(i / 250), static_cast<std::uint8_t>(i % 250 + 1)}};
}

}  // namespace

ScenarioResult run_half_open_queue(const ScenarioOptions& opt) {
  ScenarioResult r;
  constexpr std::size_t kQueue = 4;
  TcpConfig server_tcp;
  server_tcp.max_syn_backlog = kQueue;
  server_tcp.synack_retries = 2;              // entries freed 1 + 2 + 4 = 7 s after their SYN
  server_tcp.syncookies = 0;                  // the queue on its own; syn-flood shows cookies
  apply_server_knobs(opt.knobs, server_tcp);  // the user's knobs may break the claim's premise
  // The attacker's spoofed SYNs and the later client both come from the scripted peer.
  ScriptedClientOptions wo;
  wo.seed = opt.seed;
  wo.server_tcp = server_tcp;
  wo.prefix_length = 15;  // spoofed sources are on-link
  wo.pcap_path = opt.pcap_path;
  ScriptedClientWorld w(wo);
  std::optional<DemonstrationSettings> server_isn;
  apply_isn_knob(opt.knobs, 5000, server_isn);
  if (server_isn) w.server.tcp().use_demonstration_settings(*server_isn);
  std::vector<viz::CapturedFrame> frames;
  w.sim.on_frame(viz::frame_recorder(frames));
  const auto l = w.listen(kServerPort, opt.knobs.accept_backlog.value_or(16));
  if (!r.check(l.has_value(), "listen succeeds")) return r;
  ScriptedPeer& peer = w.peer;
  sim::Simulator& sim = w.sim;
  Stack& server = w.server;
  const Listener& listener = *server.tcp().listener(*l);

  std::vector<std::string> timeline;
  for (std::size_t i = 0; i < kQueue; ++i) {
    sim.run_until(from_micros(static_cast<std::int64_t>(i) * 100'000));
    peer.send(spoofed(i), kServerIp,
              make_header(static_cast<std::uint16_t>(1024 + i), kServerPort, SeqNum{7000},
                          SeqNum{0}, kSyn));
    sim.run_for(milliseconds(20));
    timeline.push_back(
        fmt::format("{:.2f}s:{}", to_seconds(sim.now()), listener.half_open_count()));
  }
  const std::size_t full = listener.half_open_count();
  const auto answers_to_client = [&] {
    std::size_t n = 0;
    for (const auto& s : peer.received()) n += s.dst == kClientIp ? 1 : 0;
    return n;
  };
  sim.run_until(from_micros(1'000'000));
  peer.send(kClientIp, kServerIp,
            make_header(kClientPort, kServerPort, SeqNum{1000}, SeqNum{0}, kSyn));
  sim.run_for(milliseconds(900));
  const std::size_t answered_when_full = answers_to_client();
  const std::uint64_t drops = server.tcp().counters().TCPReqQFullDrop;
  // The entries' SYN-ACK retries run out at 7 s after each SYN; try again at 8 s.
  sim.run_until(from_micros(8'000'000));
  const std::size_t after_expiry = listener.half_open_count();
  peer.send(kClientIp, kServerIp,
            make_header(kClientPort, kServerPort, SeqNum{1000}, SeqNum{0}, kSyn));
  sim.run_for(milliseconds(100));
  const std::size_t answered_later = answers_to_client();
  std::size_t synacks_to_spoofed = 0;
  for (const auto& s : peer.received()) synacks_to_spoofed += s.dst != kClientIp ? 1 : 0;
  sim.close_captures();

  r.add("max_syn_backlog", std::to_string(kQueue));
  r.add("half-open entries after each spoofed SYN", fmt::format("{}", fmt::join(timeline, ", ")));
  r.add("new SYN at 1.0 s (queue full)",
        fmt::format("{} answers, TCPReqQFullDrop={}", answered_when_full, drops));
  r.add("SYN-ACKs sent to spoofed sources (never answered)", std::to_string(synacks_to_spoofed));
  r.add("half-open entries at 8 s", std::to_string(after_expiry));
  r.add("new SYN at 8.0 s", fmt::format("{} answer(s)", answered_later - answered_when_full));
  r.add("TCPHalfOpenFreed", std::to_string(server.tcp().counters().TCPHalfOpenFreed));
  r.check(full == kQueue, "each spoofed SYN leaves one SYN_RECEIVED entry until the queue is full");
  r.check(answered_when_full == 0 && drops == 1,
          "a new SYN into the full queue gets no answer at all");
  r.check(synacks_to_spoofed == kQueue * 3,
          "each entry sends its SYN-ACK 3 times (synack_retries = 2)");
  r.check(after_expiry == 0 && answered_later - answered_when_full == 1,
          "once the retries run out the entries are freed and a new SYN is answered");
  r.pcap = w.pcap;
  r.ladders.push_back(connection_ladder(FourTuple{client_endpoint(kClientPort), server_endpoint()},
                                        "a SYN into a full half-open queue, then after expiry", {},
                                        w.server_events, frames));
  return r;
}

namespace {

// One row of the flood table: a defence, and what legitimate clients got under it.
struct FloodRow {
  std::string defence;
  int synack_retries = 5;
  int attempts = 0;
  int succeeded = 0;
  int attempts_while_full = 0;  // the queue was full when the client's first SYN left
  int succeeded_while_full = 0;
  std::uint64_t queue_full_drops = 0;
  std::size_t peak_half_open = 0;
  Duration entry_lifetime{0};
};

constexpr std::size_t kFloodQueue = 128;
constexpr int kAttackPerSecond = 30;
const Duration kFloodLength = seconds(30);

// Server <-> hub <-> {client, attacker}; 5 ms per link, so 10 ms client to server.
void run_flood(FloodRow& row, std::uint64_t seed, const std::string& pcap_path,
               std::vector<viz::Ladder>* ladder, std::optional<std::string>* pcap) {
  TcpConfig server_tcp;
  server_tcp.max_syn_backlog = kFloodQueue;
  server_tcp.synack_retries = row.synack_retries;
  server_tcp.syncookies = 0;  // the slow flood shows the queue itself; cookies come below
  AttackerOptions o;
  o.seed = seed;
  o.server_tcp = server_tcp;
  o.record_events = ladder != nullptr;
  if (pcap) o.pcap_path = pcap_path;
  AttackerTopology t(o);
  if (pcap) *pcap = t.pcap;
  std::vector<viz::CapturedFrame> frames;
  if (ladder) t.sim.on_frame(viz::frame_recorder(frames));
  const auto l = t.listen(kServerPort, 128);
  if (!l) return;
  sim::Simulator& sim = t.sim;
  Stack& server = t.server;
  Stack& client = t.client;
  ScriptedPeer& attacker = t.attacker;

  const auto total = static_cast<std::size_t>(kAttackPerSecond * to_seconds(kFloodLength));
  for (std::size_t i = 0; i < total; ++i) {
    sim.schedule_at(
        from_micros(static_cast<std::int64_t>(i) * 1'000'000 / kAttackPerSecond), [&, i] {
          attacker.send(spoofed(i), kServerIp,
                        make_header(static_cast<std::uint16_t>(1024 + i % 60000), kServerPort,
                                    SeqNum{static_cast<std::uint32_t>(i * 7919)}, SeqNum{0}, kSyn));
        });
  }
  // A legitimate client tries once a second from 5 s on; each try gets 3 s to connect.
  std::optional<FourTuple> first_tuple;
  for (int k = 5; k < 30; ++k) {
    sim.run_until(from_micros(k * 1'000'000LL));
    const std::size_t half_open = server.tcp().listener(*l)->half_open_count();
    row.peak_half_open = std::max(row.peak_half_open, half_open);
    const bool queue_full = half_open >= kFloodQueue;
    const auto c = t.connect();
    if (!c) continue;
    if (!first_tuple) first_tuple = client.tcp().tuple(*c);
    ++row.attempts;
    const bool ok = sim.run_until([&] { return client.tcp().state(*c) == TcpState::kEstablished; },
                                  sim.now() + milliseconds(2990));
    if (ok) ++row.succeeded;
    if (queue_full) {
      ++row.attempts_while_full;
      if (ok) ++row.succeeded_while_full;
    }
    while (auto s = server.tcp().accept(*l)) server.tcp().abort(*s);
    client.tcp().abort(*c);
  }
  row.queue_full_drops = server.tcp().counters().TCPReqQFullDrop;
  // Each entry lives until its last SYN-ACK times out: 1 + 2 + ... + 2^retries seconds.
  row.entry_lifetime = seconds((2LL << row.synack_retries) - 1);
  sim.close_captures();
  if (ladder && first_tuple) {
    ladder->push_back(connection_ladder(
        *first_tuple, "first legitimate attempt during the flood, no defence", t.client_events,
        t.server_events, frames, LadderView{"client", "server", t.client_link->id()}));
  }
}

// One row of the fast flood table: a defence and what the flood trial measured under it.
struct FastFloodRow {
  std::string defence;
  int syncookies = 0;
  int synack_retries = 5;
  FloodTrialResult result;
};

constexpr std::size_t kFastFloodQueue = 1024;

std::string describe(const FloodTrialResult& t) {
  const auto ms = [](Duration d) { return fmt::format("{:.0f} ms", to_seconds(d) * 1000); };
  return fmt::format(
      "{}/{} connected ({}); connect time min {} / median {} / p99 {}; half-open entries peak {} "
      "({} bytes each); SyncookiesSent {}, SyncookiesRecv {}, TCPReqQFullDrop {}; {:.0f} "
      "spoofed SYNs per host CPU second (simulator included)",
      t.completed, t.attempts, percent(t.success_rate()), ms(t.connect_time_quantile(0)),
      ms(t.connect_time_quantile(0.5)), ms(t.connect_time_quantile(0.99)), t.peak_half_open,
      t.half_open_entry_bytes, t.syncookies_sent, t.syncookies_recv, t.queue_full_drops,
      t.syns_per_wall_second());
}

}  // namespace

ScenarioResult run_syn_flood(const ScenarioOptions& opt) {
  ScenarioResult r;
  std::vector<FloodRow> rows = {
      {"none (synack_retries 5)", 5},
      {"fewer SYN-ACK retries (synack_retries 2)", 2},
      {"fewer SYN-ACK retries (synack_retries 1)", 1},
  };
  r.add("slow attack", fmt::format("{} spoofed SYNs/s for {}, max_syn_backlog {}, no cookies",
                                   kAttackPerSecond, secs(kFloodLength), kFloodQueue));
  r.add("legitimate client", "one connect per second from 5 s to 29 s, 3 s allowed each");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    FloodRow& row = rows[i];
    run_flood(row, opt.seed, opt.pcap_path, i == 0 ? &r.ladders : nullptr,
              i == 0 ? &r.pcap : nullptr);
    r.add("slow: " + row.defence,
          fmt::format("{}/{} connected ({}); {}/{} while the queue was full; configured "
                      "half-open entry lifetime {}, peak half-open {}, TCPReqQFullDrop {}",
                      row.succeeded, row.attempts,
                      percent(row.attempts ? double(row.succeeded) / row.attempts : 0.0),
                      row.succeeded_while_full, row.attempts_while_full, secs(row.entry_lifetime),
                      row.peak_half_open, row.queue_full_drops));
  }

  std::vector<FastFloodRow> fast = {
      {"none (synack_retries 5)", 0, 5, {}},
      {"fewer SYN-ACK retries (synack_retries 1)", 0, 1, {}},
      {"SYN cookies mode 1 (when the queue is full)", 1, 5, {}},
      {"SYN cookies mode 2 (always)", 2, 5, {}},
  };
  FloodTrialOptions base;
  base.seed = opt.seed;
  r.add("fast attack", fmt::format("{} spoofed SYNs/s (random sources, ports, ISNs) for {}, "
                                   "max_syn_backlog {}",
                                   base.syns_per_second, secs(base.flood_length), kFastFloodQueue));
  r.add("fast: legitimate client",
        fmt::format("one connect every {} from {} until the flood ends, {} allowed each",
                    secs(base.connect_interval), secs(base.first_connect),
                    secs(base.connect_allowance)));
  for (FastFloodRow& row : fast) {
    FloodTrialOptions o = base;
    o.server_tcp.syncookies = row.syncookies;
    o.server_tcp.synack_retries = row.synack_retries;
    o.server_tcp.max_syn_backlog = kFastFloodQueue;
    row.result = run_flood_trial(o);
    r.add("fast: " + row.defence, describe(row.result));
  }

  const FloodRow& none = rows[0];
  const FloodRow& fewest = rows[2];
  r.check(none.attempts_while_full >= 10 &&
              none.succeeded_while_full * 10 <= none.attempts_while_full &&
              none.queue_full_drops > 0,
          "no defence: the queue fills, and while it is full at most 10% of legitimate connects "
          "succeed");
  r.check(rows[1].entry_lifetime < none.entry_lifetime &&
              fewest.entry_lifetime < rows[1].entry_lifetime,
          "fewer SYN-ACK retries free half-open entries sooner");
  r.check(fewest.attempts == 25 && fewest.succeeded * 10 >= fewest.attempts * 9 &&
              fewest.peak_half_open < kFloodQueue,
          "with entries freed after 3 s the queue never fills and at least 90% connect");
  const FloodTrialResult& fast_none = fast[0].result;
  r.check(fast_none.attempts > 50 && fast_none.completed == 0 &&
              fast_none.peak_half_open == kFastFloodQueue && fast[1].result.completed == 0,
          "at 100,000 SYNs/s with no cookies the queue is full at once and no legitimate "
          "connect succeeds, fewer retries or not");
  for (std::size_t i = 2; i < 4; ++i) {
    const FloodTrialResult& t = fast[i].result;
    r.check(t.attempts > 50 && t.completed * 100 >= t.attempts * 99 &&
                t.peak_half_open <= (fast[i].syncookies == 2 ? 0 : kFastFloodQueue),
            fast[i].defence +
                ": at least 99% of legitimate connects succeed and half-open "
                "memory stays at its bound");
  }
  return r;
}

}  // namespace synack::scenario
