// The three-way handshake as TCP runs it, its loss cases, data riding on it, and the
// simultaneous open (RFC 9293 sections 3.5 and 3.8.1).
#include <fmt/format.h>

#include <cerrno>

#include "synack/scenario/evidence_format.hpp"
#include "synack/scenario/scenarios.hpp"
#include "synack/scenario/world.hpp"
#include "synack/testbed/event_queries.hpp"
#include "synack/testbed/frame_predicates.hpp"
#include "synack/testbed/open_connection.hpp"
#include "synack/testbed/scripted_client_world.hpp"
#include "synack/testbed/socket_io.hpp"

namespace synack::scenario {

using namespace tcp_flags;
using namespace testbed;

namespace {

// Listens, connects and runs until the client is ESTABLISHED (or `limit`), accepting on the way;
// the connection even when the handshake did not complete in time (the checks say so).
std::optional<OpenConnection> open_with(World& w, Duration limit) {
  auto c = start_connection(w);
  if (c) complete_handshake(w, *c, limit);
  return c;
}

}  // namespace

ScenarioResult run_handshake(const ScenarioOptions& opt) {
  ScenarioResult r;
  World w(world_options(opt));
  const auto o = open_with(w, seconds(5));
  if (!r.check(o.has_value(), "listen and connect succeed")) return r;
  w.sim.run_for(milliseconds(100));
  const auto client_sent = segments_sent(w.client_events);
  const auto server_sent = segments_sent(w.server_events);
  const auto c_est = when_entered(w.client_events, TcpState::kEstablished);
  const auto s_est = when_entered(w.server_events, TcpState::kEstablished);
  r.add("segments",
        fmt::format("{} (client {}, server {})", client_sent.size() + server_sent.size(),
                    client_sent.size(), server_sent.size()));
  r.add("client states", state_path(w.client_events, o->tuple));
  r.add("server states", state_path(w.server_events));
  r.add("client ISN", std::to_string(w.client.tcp().connection(o->client)->iss().raw()));
  if (o->server != 0) {
    r.add("server ISN", std::to_string(w.server.tcp().connection(o->server)->iss().raw()));
  }
  r.add("client ESTABLISHED at", c_est ? secs(*c_est) : "never");
  r.add("server ESTABLISHED at", s_est ? secs(*s_est) : "never");
  r.check(client_sent.size() == 2 && server_sent.size() == 1, "exactly three segments");
  r.check(client_sent.size() == 2 && client_sent[0].segment.flags == kSyn &&
              server_sent.size() == 1 && server_sent[0].segment.flags == (kSyn | kAck) &&
              client_sent[1].segment.flags == kAck &&
              server_sent[0].segment.ack == client_sent[0].segment.seq + 1 &&
              client_sent[1].segment.ack == server_sent[0].segment.seq + 1,
          "SYN, SYN-ACK acknowledging ISN+1, ACK acknowledging the server's ISN+1");
  r.check(c_est == from_micros(20'000), "client ESTABLISHED after one round trip (20 ms)");
  r.check(s_est == from_micros(30'000), "server ESTABLISHED after 1.5 round trips (30 ms)");
  finish(w, r, o->tuple, "three-way handshake");
  return r;
}

ScenarioResult run_lost_syn(const ScenarioOptions& opt) {
  ScenarioResult r;
  World w(world_options(opt));
  // The first three SYNs vanish.
  for (std::size_t n = 1; n <= 3; ++n) {
    w.link->add_fault(sim::Direction::a_to_b, sim::FaultRule::drop(tcp_flags_equal(kSyn), n));
  }
  const auto o = open_with(w, seconds(20));
  if (!r.check(o.has_value(), "listen and connect succeed")) return r;
  const auto syns = times_of(segments_sent(w.client_events, kSyn));
  const auto gaps = intervals(syns);
  const auto est = when_entered(w.client_events, TcpState::kEstablished);
  r.add("SYNs lost", "3 (fault rule)");
  r.add("SYN sent at", secs_list(syns));
  r.add("backoff intervals", secs_list(gaps));
  r.add("client ESTABLISHED at", est ? secs(*est) : "never");
  r.add("TCPSynRetrans (client)", std::to_string(w.client.tcp().counters().TCPSynRetrans));
  r.check(syns.size() == 4, "four SYNs: the original and three retransmissions");
  r.check(gaps.size() == 3 && gaps[0] == seconds(1) && doubling(gaps),
          "intervals double from the 1 s initial RTO: 1, 2, 4 s");
  r.check(est == from_micros(7'020'000), "ESTABLISHED one round trip after the 4th SYN (7.020 s)");
  finish(w, r, o->tuple, "lost SYN: retransmitted with backoff");
  return r;
}

ScenarioResult run_lost_synack(const ScenarioOptions& opt) {
  ScenarioResult r;
  World w(world_options(opt));
  // The first two SYN-ACKs vanish.
  for (std::size_t n = 1; n <= 2; ++n) {
    w.link->add_fault(sim::Direction::b_to_a,
                      sim::FaultRule::drop(tcp_flags_equal(kSyn | kAck), n));
  }
  const auto o = open_with(w, seconds(20));
  if (!r.check(o.has_value(), "listen and connect succeed")) return r;
  const auto synacks = segments_sent(w.server_events, kSyn | kAck);
  const auto syns = times_of(segments_sent(w.client_events, kSyn));
  std::vector<Instant> timer_synacks;
  for (const auto& e : synacks) timer_synacks.push_back(e.time);
  const auto est = when_entered(w.client_events, TcpState::kEstablished);
  const auto s_est = when_entered(w.server_events, TcpState::kEstablished);
  r.add("SYN-ACKs lost", "2 (fault rule)");
  r.add("SYN-ACK sent at", secs_list(timer_synacks));
  r.add("SYN-ACK intervals", secs_list(intervals(timer_synacks)));
  r.add("client SYN sent at", secs_list(syns));
  r.add("client ESTABLISHED at", est ? secs(*est) : "never");
  r.add("server ESTABLISHED at", s_est ? secs(*s_est) : "never");
  r.add("TCPSynRetrans (server)", std::to_string(w.server.tcp().counters().TCPSynRetrans));
  r.check(timer_synacks.size() >= 3, "at least three SYN-ACKs: two lost, one delivered");
  r.check(timer_synacks.size() >= 3 && timer_synacks[1] - timer_synacks[0] == seconds(1),
          "the first SYN-ACK retransmission comes 1 s (initial RTO) after the original");
  r.check(est.has_value() && s_est.has_value(), "both sides reach ESTABLISHED");
  r.check(w.server.tcp().listener(o->listener)->half_open_count() == 0,
          "the half-open entry became the connection");
  finish(w, r, o->tuple, "lost SYN-ACK: retransmitted by the server");
  return r;
}

ScenarioResult run_lost_ack(const ScenarioOptions& opt) {
  ScenarioResult r;
  World w(world_options(opt));
  w.link->add_fault(sim::Direction::a_to_b, sim::FaultRule::drop(tcp_flags_equal(kAck)));
  const auto o = open_with(w, seconds(5));
  if (!r.check(o.has_value(), "listen and connect succeed")) return r;
  w.run_until([&] { return when_entered(w.server_events, TcpState::kEstablished).has_value(); },
              seconds(10));
  const auto synacks = times_of(segments_sent(w.server_events, kSyn | kAck));
  const auto acks = times_of(segments_sent(w.client_events, kAck));
  const auto c_est = when_entered(w.client_events, TcpState::kEstablished);
  const auto s_est = when_entered(w.server_events, TcpState::kEstablished);
  r.add("third ACK lost", "1 (fault rule)");
  r.add("client ESTABLISHED at", c_est ? secs(*c_est) : "never");
  r.add("SYN-ACK sent at", secs_list(synacks));
  r.add("SYN-ACK backoff interval", secs_list(intervals(synacks)));
  r.add("client ACK sent at", secs_list(acks));
  r.add("server ESTABLISHED at", s_est ? secs(*s_est) : "never");
  r.check(c_est == from_micros(20'000), "the client is ESTABLISHED at once (20 ms)");
  r.check(synacks.size() == 2 && synacks[1] - synacks[0] == seconds(1),
          "the server retransmits its SYN-ACK after the 1 s initial RTO");
  r.check(acks.size() == 2 && s_est == from_micros(1'030'000),
          "the client's repeated ACK makes the server ESTABLISHED at 1.030 s");
  finish(w, r, o->tuple, "lost third ACK: the SYN-ACK is retransmitted");
  return r;
}

ScenarioResult run_data_on_third_ack(const ScenarioOptions& opt) {
  ScenarioResult r;
  World w(world_options(opt));
  const std::string hello = "hello";
  const auto l = w.listen();
  const auto c = w.connect();
  if (!r.check(l && c, "listen and connect succeed")) return r;
  // Written before the handshake completes: it leaves with the third segment.
  const auto queued = w.client.tcp().send(*c, text(hello));
  SocketId s = 0;
  std::string got;
  std::optional<Instant> delivered;
  w.run_until(
      [&] {
        if (s == 0) {
          if (auto a = w.server.tcp().accept(*l)) s = *a;
        }
        if (s != 0) drain(w.server.tcp(), s, got);
        if (!delivered && got.size() >= hello.size()) delivered = w.sim.now();
        return delivered.has_value();
      },
      seconds(5));
  const auto sent = segments_sent(w.client_events);
  const auto s_est = when_entered(w.server_events, TcpState::kEstablished);
  r.add("bytes written before ESTABLISHED", std::to_string(queued ? *queued : 0));
  if (sent.size() >= 2) {
    r.add("third segment",
          fmt::format("{} len={} at {}", tcp_flags_to_string(sent[1].segment.flags),
                      sent[1].segment.length, secs(sent[1].time)));
  }
  r.add("server ESTABLISHED at", s_est ? secs(*s_est) : "never");
  r.add("server read", fmt::format("\"{}\" at {}", got, delivered ? secs(*delivered) : "never"));
  r.add("segments in handshake + data",
        std::to_string(sent.size() + segments_sent(w.server_events).size()));
  r.check(sent.size() == 2 && (sent[1].segment.flags & kAck) != 0 && sent[1].segment.length == 5,
          "the third segment is an ACK carrying the 5 bytes");
  r.check(got == hello && delivered == from_micros(30'000) && s_est == delivered,
          "the server reads the bytes at 30 ms, the moment it becomes ESTABLISHED");
  finish(w, r, *w.client.tcp().tuple(*c), "data on the third segment");
  return r;
}

ScenarioResult run_data_on_syn(const ScenarioOptions& opt) {
  ScenarioResult r;
  // A scripted client: real stacks never put data on a SYN without TFO, which synack does not do.
  ScriptedClientOptions wo;
  wo.seed = opt.seed;
  wo.pcap_path = opt.pcap_path;
  ScriptedClientWorld w(wo);
  std::vector<viz::CapturedFrame> frames;
  w.sim.on_frame(viz::frame_recorder(frames));
  const auto l = w.listen(kServerPort, 8);
  if (!r.check(l.has_value(), "listen succeeds")) return r;
  const std::string early = "early";
  const SeqNum isn{1000};
  w.send(make_header(kClientPort, kServerPort, isn, SeqNum{0}, kSyn), text(early));
  w.sim.run_until([&] { return !w.peer.received().empty(); }, w.sim.now() + seconds(2));
  if (!r.check(!w.peer.received().empty(), "the server answers the SYN")) return r;
  const RawSegment synack = w.peer.received()[0];
  const std::size_t half_open = w.server.tcp().listener(*l)->half_open_count();
  w.send(make_header(kClientPort, kServerPort, isn + 1, synack.header.seq + 1, kAck));
  w.sim.run_for(milliseconds(50));
  auto s = w.server.tcp().accept(*l);
  if (!r.check(s.has_value(), "the handshake completes and is accepted")) return r;
  std::string before;
  drain(w.server.tcp(), *s, before);
  // The client learns from the ACK number that its bytes were not taken, and sends them again.
  w.send(make_header(kClientPort, kServerPort, isn + 1, synack.header.seq + 1, kAck | kPsh),
         text(early));
  w.sim.run_for(milliseconds(50));
  std::string after;
  drain(w.server.tcp(), *s, after);

  r.add("SYN payload", fmt::format("{} bytes \"{}\"", early.size(), early));
  r.add("SYN-ACK ack", fmt::format("ISN+{} (the SYN only)", (synack.header.ack - isn)));
  r.add("half-open entries while SYN_RECEIVED", std::to_string(half_open));
  r.add("bytes readable after the handshake", std::to_string(before.size()));
  r.add("bytes readable after resending", fmt::format("{} \"{}\"", after.size(), after));
  r.check(synack.header.has(kSyn | kAck) && synack.header.ack == isn + 1,
          "the SYN-ACK acknowledges ISN+1: the SYN, not its data");
  r.check(before.empty(), "nothing is delivered when the handshake completes");
  r.check(after == early, "the bytes sent again after the handshake are delivered");
  w.sim.close_captures();
  r.pcap = w.pcap;
  r.ladders.push_back(connection_ladder(FourTuple{client_endpoint(kClientPort), server_endpoint()},
                                        "data on the SYN", {}, w.server_events, frames,
                                        LadderView{"scripted client", "server", std::nullopt}));
  return r;
}

ScenarioResult run_simultaneous_open(const ScenarioOptions& opt) {
  ScenarioResult r;
  World w(world_options(opt));
  constexpr std::uint16_t kPortA = 6000;
  constexpr std::uint16_t kPortB = 5000;
  auto a =
      w.client.tcp().connect(w.sim.now(), w.server_endpoint(kPortB), w.client_endpoint(kPortA));
  auto b =
      w.server.tcp().connect(w.sim.now(), w.client_endpoint(kPortA), w.server_endpoint(kPortB));
  if (!r.check(a && b, "both connects start")) return r;
  w.run_until(
      [&] {
        return w.client.tcp().state(*a) == TcpState::kEstablished &&
               w.server.tcp().state(*b) == TcpState::kEstablished;
      },
      seconds(5));
  const auto ca = segments_sent(w.client_events);
  const auto sb = segments_sent(w.server_events);
  const std::string expected = "CLOSED > SYN_SENT > SYN_RECEIVED > ESTABLISHED";
  r.add("A states", state_path(w.client_events));
  r.add("B states", state_path(w.server_events));
  r.add("segments", fmt::format("{} (each side: SYN, then SYN-ACK)", ca.size() + sb.size()));
  const auto ea = when_entered(w.client_events, TcpState::kEstablished);
  const auto eb = when_entered(w.server_events, TcpState::kEstablished);
  r.add("ESTABLISHED at",
        fmt::format("A {}, B {}", ea ? secs(*ea) : "never", eb ? secs(*eb) : "never"));
  r.check(state_path(w.client_events) == expected && state_path(w.server_events) == expected,
          "both sides pass through SYN_RECEIVED");
  r.check(ca.size() == 2 && sb.size() == 2 && ca[0].segment.flags == kSyn &&
              ca[1].segment.flags == (kSyn | kAck) && sb[0].segment.flags == kSyn &&
              sb[1].segment.flags == (kSyn | kAck),
          "four segments: a SYN and a SYN-ACK from each side");
  r.check(ea == from_micros(20'000) && eb == from_micros(20'000),
          "both ESTABLISHED after one round trip");
  w.sim.close_captures();
  r.pcap = w.pcap;
  r.ladders.push_back(connection_ladder(*w.client.tcp().tuple(*a), "simultaneous open",
                                        w.client_events, w.server_events, w.frames,
                                        LadderView{"A", "B", std::nullopt}));
  return r;
}

}  // namespace synack::scenario
