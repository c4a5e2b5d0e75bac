// Why three messages: the hypothetical two- and four-message handshakes, run as small scripted
// protocols (never by changing real TCP) next to the real three-way handshake.
#include <fmt/format.h>

#include <map>

#include "synack/scenario/scenarios.hpp"
#include "synack/scenario/scripted_peer.hpp"
#include "synack/scenario/world.hpp"

namespace synack::scenario {

using namespace tcp_flags;

namespace {

const Duration kStaleDelay = seconds(5);  // How long each SYN lingers in the network.
const Duration kRunFor = seconds(40);
constexpr int kAttempts = 3;

FourTuple client_tuple(std::uint16_t port) {
  return FourTuple{Endpoint{IpAddress::v4(kClientIp), port},
                   Endpoint{IpAddress::v4(kServerIp), kServerPort}};
}

FourTuple server_view(const FourTuple& t) {
  return FourTuple{t.remote, t.local};
}

TcpEvent state_event(Instant time, const FourTuple& tuple, TcpState from, TcpState to,
                     std::string_view reason) {
  TcpEvent e;
  e.time = time;
  e.kind = TcpEventKind::kStateChange;
  e.tuple = tuple;
  e.from = from;
  e.to = to;
  e.reason = reason;
  return e;
}

// Two scripted nodes on a raw-IP link, 10 ms each way, every frame recorded.
struct ScriptedWorld {
  explicit ScriptedWorld(const ScenarioOptions& o) : sim(o.seed) {
    const auto a = sim.add_node(client, "client");
    const auto b = sim.add_node(server, "server");
    sim::Impairments imp;
    imp.delay = milliseconds(10);
    link = &sim.connect(a, 0, b, 0, sim::LinkConfig::symmetric(imp, sim::LinkLayer::raw_ip));
    if (!o.pcap_path.empty() && sim.capture_link(link->id(), o.pcap_path)) pcap = o.pcap_path;
    sim.on_frame(viz::frame_recorder(frames));
  }
  viz::Ladder ladder(const FourTuple& t, std::string title) const {
    viz::SimulationLadderOptions lo;
    lo.connection = t;
    lo.left_name = "client " + t.local.to_string();
    lo.right_name = "server " + t.remote.to_string();
    lo.title = std::move(title);
    lo.relative_seq = true;
    return viz::ladder_from_simulation(client_events, server_events, frames, lo);
  }
  sim::Simulator sim;
  ScriptedPeer client;
  ScriptedPeer server;
  sim::Link* link = nullptr;
  std::vector<viz::CapturedFrame> frames;
  std::vector<TcpEvent> client_events;
  std::vector<TcpEvent> server_events;
  std::optional<std::string> pcap;
};

}  // namespace

ScenarioResult run_two_way_handshake(const ScenarioOptions& opt) {
  ScenarioResult r;
  // ---- the broken protocol: the server commits on the SYN alone ----
  ScriptedWorld two(opt);
  struct Committed {
    Instant at;
    std::size_t bytes_received = 0;
  };
  std::map<FourTuple, Committed> committed;
  two.server.on_receive([&](const RawSegment& seg) {
    const FourTuple t{Endpoint{IpAddress::v4(seg.dst), seg.header.dst_port},
                      Endpoint{IpAddress::v4(seg.src), seg.header.src_port}};
    if (seg.header.flags == kSyn) {
      // Two messages: no way to ask whether this SYN is current, so commit now: a connection
      // with buffers, handed to the application, which waits for the request.
      committed[t] = Committed{seg.time, 0};
      two.server_events.push_back(state_event(seg.time, t, TcpState::kListen,
                                              TcpState::kEstablished, "committed on the SYN"));
      two.server.send(seg.dst, seg.src,
                      make_header(seg.header.dst_port, seg.header.src_port, SeqNum{5000},
                                  seg.header.seq + 1, kSyn | kAck));
    } else if (auto it = committed.find(t); it != committed.end()) {
      it->second.bytes_received += seg.payload.size();
    }
  });
  // The client gave up on these attempts long ago; in a two-message protocol nothing in a
  // SYN-ACK asks for an answer (answering it would be the third message), so it stays silent.
  two.link->add_fault(sim::Direction::a_to_b,
                      sim::FaultRule::delay(tcp_flags_equal(kSyn), 0, kStaleDelay));
  for (int i = 0; i < kAttempts; ++i) {
    const auto port = static_cast<std::uint16_t>(kClientPort + 1 + i);
    two.sim.schedule_at(from_micros(100'000 * i), [&two, port] {
      two.client.send(kClientIp, kServerIp,
                      make_header(port, kServerPort, SeqNum{1000}, SeqNum{0}, kSyn));
    });
  }
  two.sim.run_until(kEpoch + kRunFor);
  std::size_t waiting = 0;
  Duration held{0};
  for (const auto& [t, c] : committed) {
    if (c.bytes_received == 0) {
      ++waiting;
      held += two.sim.now() - c.at;
    }
  }
  two.sim.close_captures();

  // ---- real TCP: three messages ----
  World three(plain_world(opt.seed));
  three.link->add_fault(sim::Direction::a_to_b,
                        sim::FaultRule::delay(tcp_flags_equal(kSyn), 0, kStaleDelay));
  const auto listener = three.listen();
  std::vector<SocketId> attempts;
  for (int i = 0; i < kAttempts; ++i) {
    three.sim.run_until(from_micros(100'000 * i));
    if (auto c = three.connect(static_cast<std::uint16_t>(kClientPort + 1 + i))) {
      attempts.push_back(*c);
    }
  }
  three.sim.run_until(from_micros(500'000));
  for (SocketId c : attempts) three.client.tcp().close(c);  // the client moves on
  three.sim.run_until(kEpoch + kRunFor);
  std::size_t accepted = 0;
  while (listener && three.server.tcp().accept(*listener)) ++accepted;
  const std::size_t half_open =
      listener ? three.server.tcp().listener(*listener)->half_open_count() : 99;
  const auto rsts = segments_sent(three.client_events, kRst);

  r.add("stale SYNs (each delayed 5 s, client gave up at 0.5 s)", std::to_string(kAttempts));
  r.add("two-way: connections committed for stale SYNs", std::to_string(committed.size()));
  r.add("two-way: still waiting for data at 40 s", std::to_string(waiting));
  r.add("two-way: connection-seconds held for nobody", secs(held));
  r.add("three-way: SYN-ACKs answered with RST by the client", std::to_string(rsts.size()));
  r.add("three-way: connections accepted", std::to_string(accepted));
  r.add("three-way: half-open entries left", std::to_string(half_open));
  r.add("three-way: server AttemptFails",
        std::to_string(three.server.tcp().counters().AttemptFails));
  r.check(committed.size() == kAttempts && waiting == kAttempts,
          "two-way: every stale SYN becomes a committed connection waiting for data");
  r.check(held >= kAttempts * (kRunFor - kStaleDelay - seconds(1)),
          "two-way: each is held for more than 30 s and counting");
  r.check(rsts.size() == kAttempts, "three-way: the client rejects each stale SYN-ACK with RST");
  r.check(accepted == 0 && half_open == 0, "three-way: the server holds nothing");
  r.pcap = two.pcap;
  r.ladders.push_back(two.ladder(client_tuple(kClientPort + 1), "two-way handshake: a stale SYN"));
  three.sim.close_captures();
  r.ladders.push_back(
      three.ladder(client_tuple(kClientPort + 1), "three-way handshake: a stale SYN"));
  return r;
}

ScenarioResult run_four_way_handshake(const ScenarioOptions& opt) {
  ScenarioResult r;
  const std::string request = "GET /";
  // ---- real TCP: data rides on the third message ----
  World three(plain_world(opt.seed));
  const auto l = three.listen();
  const auto c = three.connect();
  if (!r.check(l && c, "listen and connect succeed")) return r;
  three.client.tcp().send(*c, text(request));
  SocketId s = 0;
  std::string got;
  std::optional<Instant> ttfb3;
  three.run_until(
      [&] {
        if (s == 0) {
          if (auto a = three.server.tcp().accept(*l)) s = *a;
        }
        if (s != 0) drain(three.server.tcp(), s, got);
        if (!got.empty()) ttfb3 = three.sim.now();
        return ttfb3.has_value();
      },
      seconds(5));
  const std::size_t messages3 =
      segments_sent(three.client_events).size() + segments_sent(three.server_events).size();

  // ---- the hypothetical protocol: SYN, SYN-ACK, ACK, then the server confirms the ACK ----
  ScriptedWorld four(opt);
  const FourTuple t = client_tuple(kClientPort);
  std::optional<Instant> ttfb4;
  std::size_t messages4 = 0;
  const SeqNum ciss{1000};
  const SeqNum siss{5000};
  four.server.on_receive([&](const RawSegment& seg) {
    const auto reply = [&](SeqNum seq, SeqNum ack, std::uint8_t flags) {
      four.server.send(kServerIp, kClientIp,
                       make_header(kServerPort, seg.header.src_port, seq, ack, flags));
      ++messages4;
    };
    if (seg.header.flags == kSyn) {
      four.server_events.push_back(
          state_event(seg.time, server_view(t), TcpState::kListen, TcpState::kSynReceived, "SYN"));
      reply(siss, seg.header.seq + 1, kSyn | kAck);
    } else if (seg.payload.empty() && seg.header.ack == siss + 1 && seg.header.seq == ciss + 1) {
      four.server_events.push_back(state_event(seg.time, server_view(t), TcpState::kSynReceived,
                                               TcpState::kEstablished, "ACK"));
      reply(siss + 1, ciss + 1, kAck);  // message 4: "I got your ACK"
    } else if (!seg.payload.empty() && !ttfb4) {
      ttfb4 = seg.time;
    }
  });
  four.client.on_receive([&](const RawSegment& seg) {
    const auto send = [&](std::uint8_t flags, Bytes payload) {
      four.client.send(kClientIp, kServerIp,
                       make_header(kClientPort, kServerPort, ciss + 1, siss + 1, flags), payload);
      ++messages4;
    };
    if (seg.header.flags == (kSyn | kAck)) {
      send(kAck, {});  // message 3; the client now waits for its confirmation
    } else if (seg.header.flags == kAck) {
      four.client_events.push_back(
          state_event(seg.time, t, TcpState::kSynSent, TcpState::kEstablished, "ACK confirmed"));
      send(kAck | kPsh, text(request));
    }
  });
  four.client_events.push_back(
      state_event(kEpoch, t, TcpState::kClosed, TcpState::kSynSent, "connect"));
  four.client.send(kClientIp, kServerIp,
                   make_header(kClientPort, kServerPort, ciss, SeqNum{0}, kSyn));
  ++messages4;
  four.sim.run_until(kEpoch + seconds(1));
  four.sim.close_captures();
  const std::size_t handshake4 = messages4 - (ttfb4 ? 1 : 0);

  const Duration rtt = 2 * milliseconds(10);
  r.add("round trip", secs(rtt));
  r.add("three-way: handshake messages", std::to_string(messages3));
  r.add("three-way: first request byte at the server", ttfb3 ? secs(*ttfb3) : "never");
  r.add("four-way: handshake messages", std::to_string(handshake4));
  r.add("four-way: first request byte at the server", ttfb4 ? secs(*ttfb4) : "never");
  if (ttfb3 && ttfb4) r.add("cost of the fourth message", secs(*ttfb4 - *ttfb3));
  r.add("what message 4 tells the client",
        "that message 3 arrived: the server's first ACK of data says so anyway, and message 4 "
        "itself would need a fifth to be confirmed");
  r.check(messages3 == 3 && ttfb3 == from_micros(30'000),
          "three-way: 3 messages, the first byte arrives at 1.5 RTT (30 ms)");
  r.check(handshake4 == 4 && ttfb4 == from_micros(50'000),
          "four-way: 4 messages, the first byte arrives at 2.5 RTT (50 ms)");
  r.check(ttfb3 && ttfb4 && *ttfb4 - *ttfb3 == rtt,
          "the fourth message costs exactly one round trip");
  r.pcap = four.pcap;
  three.sim.close_captures();
  r.ladders.push_back(three.ladder(*three.client.tcp().tuple(*c), "three-way handshake with data"));
  r.ladders.push_back(four.ladder(t, "hypothetical four-way handshake"));
  return r;
}

}  // namespace synack::scenario
