// The listener's half-open (SYN) queue and the SYN flood that fills it, with and without SYN
// cookies (RFC 4987).
#include <fmt/format.h>

#include "synack/scenario/scenarios.hpp"
#include "synack/scenario/scripted_peer.hpp"
#include "synack/scenario/syn_flood_trial.hpp"
#include "synack/scenario/world.hpp"

namespace synack::scenario {

using namespace tcp_flags;

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
  sim::Simulator sim(opt.seed);
  ScriptedPeer peer;  // the attacker's spoofed SYNs and the later client both come from here
  Stack server(stack_config(server_tcp, opt.seed, 2));
  server.add_interface(raw_interface(kServerIp, 15));  // spoofed sources are on-link
  const auto a = sim.add_node(peer, "peer");
  const auto b = sim.add_node(server, "server");
  sim::Impairments imp;
  imp.delay = milliseconds(10);
  sim::Link& link =
      sim.connect(a, 0, b, 0, sim::LinkConfig::symmetric(imp, sim::LinkLayer::raw_ip));
  std::optional<std::string> pcap;
  if (!opt.pcap_path.empty() && sim.capture_link(link.id(), opt.pcap_path)) pcap = opt.pcap_path;
  std::vector<viz::CapturedFrame> frames;
  sim.on_frame(viz::frame_recorder(frames));
  std::vector<TcpEvent> server_events;
  server.tcp().set_event_callback([&](const TcpEvent& e) { server_events.push_back(e); });
  const auto l = server.tcp().listen(Endpoint{IpAddress::v4(kServerIp), kServerPort},
                                     opt.knobs.accept_backlog.value_or(16));
  if (!r.check(l.has_value(), "listen succeeds")) return r;
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
  r.pcap = pcap;
  viz::SimulationLadderOptions lo;
  lo.connection = FourTuple{Endpoint{IpAddress::v4(kClientIp), kClientPort},
                            Endpoint{IpAddress::v4(kServerIp), kServerPort}};
  lo.left_name = "client " + lo.connection->local.to_string();
  lo.right_name = "server " + lo.connection->remote.to_string();
  lo.title = "a SYN into a full half-open queue, then after expiry";
  lo.relative_seq = true;
  r.ladders.push_back(viz::ladder_from_simulation({}, server_events, frames, lo));
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
  sim::Simulator sim(seed);
  Stack server(stack_config(server_tcp, seed, 2));
  Stack client(stack_config(TcpConfig{}, seed, 1));
  ScriptedPeer attacker;
  IpHub hub(2);
  hub.add_route(kServerIp, 0);
  hub.add_route(kClientIp, 1);
  server.add_interface(raw_interface(kServerIp, 15));
  client.add_interface(raw_interface(kClientIp, 24));
  const auto ns = sim.add_node(server, "server");
  const auto nh = sim.add_node(hub, "hub");
  const auto nc = sim.add_node(client, "client");
  const auto na = sim.add_node(attacker, "attacker");
  sim::Impairments imp;
  imp.delay = milliseconds(5);
  const auto cfg = sim::LinkConfig::symmetric(imp, sim::LinkLayer::raw_ip);
  sim::Link& server_link = sim.connect(ns, 0, nh, 0, cfg);
  sim::Link& client_link = sim.connect(nc, 0, nh, 1, cfg);
  sim.connect(na, 0, nh, 2, cfg);
  if (pcap && !pcap_path.empty() && sim.capture_link(server_link.id(), pcap_path))
    *pcap = pcap_path;
  std::vector<viz::CapturedFrame> frames;
  if (ladder) sim.on_frame(viz::frame_recorder(frames));
  std::vector<TcpEvent> client_events;
  std::vector<TcpEvent> server_events;
  if (ladder) {
    client.tcp().set_event_callback([&](const TcpEvent& e) { client_events.push_back(e); });
    server.tcp().set_event_callback([&](const TcpEvent& e) { server_events.push_back(e); });
  }
  const auto l = server.tcp().listen(Endpoint{IpAddress::v4(kServerIp), kServerPort}, 128);
  if (!l) return;

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
    const auto c = client.tcp().connect(sim.now(), Endpoint{IpAddress::v4(kServerIp), kServerPort});
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
    viz::SimulationLadderOptions lo;
    lo.connection = first_tuple;
    lo.link = client_link.id();
    lo.left_name = "client " + first_tuple->local.to_string();
    lo.right_name = "server " + first_tuple->remote.to_string();
    lo.title = "first legitimate attempt during the flood, no defence";
    lo.relative_seq = true;
    ladder->push_back(viz::ladder_from_simulation(client_events, server_events, frames, lo));
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
