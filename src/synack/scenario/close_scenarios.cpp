// Closing a connection (RFC 9293 sections 3.6 and 3.10.4): the four-way close, the half-close,
// a lost final ACK with and without TIME_WAIT, the simultaneous close; and the retransmission
// backoff that ends a connection whose peer went silent (RFC 6298 section 5).
#include <fmt/format.h>

#include <cerrno>

#include "synack/scenario/scenarios.hpp"
#include "synack/scenario/world.hpp"

namespace synack::scenario {

using namespace tcp_flags;

namespace {

const Instant kCloseAt = from_micros(1'000'000);

std::string describe(const std::vector<TcpEvent>& sent) {
  std::string out;
  for (const auto& e : sent) {
    out += (out.empty() ? "" : ", ") +
           fmt::format("{} @{:.3f}", tcp_flags_to_string(e.segment.flags), to_seconds(e.time));
  }
  return out.empty() ? "none" : out;
}

std::optional<Instant> time_wait_end(const std::vector<TcpEvent>& events) {
  for (const auto& e : events) {
    if (e.kind == TcpEventKind::kStateChange && e.from == TcpState::kTimeWait) return e.time;
  }
  return std::nullopt;
}

}  // namespace

ScenarioResult run_four_way_close(const ScenarioOptions& opt) {
  ScenarioResult r;
  World w(world_options(opt));
  const auto cs = w.open();
  if (!r.check(cs.has_value(), "the connection opens")) return r;
  // Plain variables, not a structured binding: lambdas below capture them (clang 14).
  const SocketId c = cs->first;
  const SocketId s = cs->second;
  const FourTuple tuple = *w.client.tcp().tuple(c);
  w.sim.run_until(kCloseAt);
  w.client.tcp().close(c);
  // The server's application notices end of stream, finishes its work, and closes 200 ms later.
  std::string rest;
  w.run_until([&] { return !drain(w.server.tcp(), s, rest); }, seconds(5));
  const Instant eof_seen = w.sim.now();
  w.sim.run_until(eof_seen + milliseconds(200));
  w.server.tcp().close(s);
  w.run_until([&] { return time_wait_end(w.client_events).has_value(); }, seconds(200));
  const auto client_sent = segments_sent(w.client_events, std::nullopt, kCloseAt);
  const auto server_sent = segments_sent(w.server_events, std::nullopt, kCloseAt);
  const auto tw_in = when_entered(w.client_events, TcpState::kTimeWait);
  const auto tw_out = time_wait_end(w.client_events);
  r.add("client sent", describe(client_sent));
  r.add("server sent", describe(server_sent));
  r.add("client states", state_path(w.client_events, tuple));
  r.add("server states", state_path(w.server_events, FourTuple{tuple.remote, tuple.local}));
  r.add("server application closed at", secs(eof_seen + milliseconds(200)));
  if (tw_in && tw_out) {
    r.add("client TIME_WAIT",
          fmt::format("{} to {} = {} (2 MSL, MSL = {})", secs(*tw_in), secs(*tw_out),
                      secs(*tw_out - *tw_in), secs(w.client.tcp().config().msl)));
  }
  r.check(client_sent.size() == 2 && server_sent.size() == 2 &&
              client_sent[0].segment.flags == (kFin | kAck) &&
              server_sent[0].segment.flags == kAck &&
              server_sent[1].segment.flags == (kFin | kAck) && client_sent[1].segment.flags == kAck,
          "four segments: FIN, ACK, FIN, ACK");
  r.check(server_sent.size() == 2 && server_sent[1].time - server_sent[0].time >= milliseconds(150),
          "the server's ACK leaves at once, its FIN only when its application closes");
  r.check(state_path(w.client_events, tuple) ==
              "CLOSED > SYN_SENT > ESTABLISHED > FIN_WAIT_1 > FIN_WAIT_2 > TIME_WAIT > CLOSED",
          "client: FIN_WAIT_1 > FIN_WAIT_2 > TIME_WAIT > CLOSED");
  r.check(tw_in && tw_out && *tw_out - *tw_in == 2 * w.client.tcp().config().msl,
          "TIME_WAIT lasts exactly 2 MSL");
  finish(w, r, tuple, "four-way close");
  return r;
}

ScenarioResult run_half_close(const ScenarioOptions& opt) {
  ScenarioResult r;
  World w(world_options(opt));
  const auto cs = w.open();
  if (!r.check(cs.has_value(), "the connection opens")) return r;
  // Plain variables, not a structured binding: lambdas below capture them (clang 14).
  const SocketId c = cs->first;
  const SocketId s = cs->second;
  const FourTuple tuple = *w.client.tcp().tuple(c);
  w.sim.run_until(kCloseAt);
  // The client has sent its whole request: it shuts down its sending direction only.
  w.client.tcp().shutdown(c, ShutdownHow::kWrite);
  std::string none;
  w.run_until([&] { return !drain(w.server.tcp(), s, none); }, seconds(5));
  const std::vector<std::string> parts = {"the rest ", "of the ", "response"};
  std::string received;
  bool client_eof = false;
  for (const auto& part : parts) {
    w.sim.run_for(milliseconds(100));
    w.server.tcp().send(s, text(part));
  }
  w.sim.run_for(milliseconds(100));
  const Instant server_close = w.sim.now();
  w.server.tcp().close(s);
  w.run_until(
      [&] {
        client_eof = !drain(w.client.tcp(), c, received);
        return client_eof;
      },
      seconds(5));
  w.sim.run_for(milliseconds(100));
  const auto server_sent = segments_sent(w.server_events, std::nullopt, kCloseAt);
  const auto client_fin = segments_sent(w.client_events, kFin | kAck, kCloseAt);
  std::size_t data_between = 0;
  std::optional<Instant> ack_of_fin;
  std::optional<Instant> server_fin;
  for (const auto& e : server_sent) {
    if (!ack_of_fin && e.segment.flags == kAck && e.segment.length == 0) ack_of_fin = e.time;
    if (e.segment.length > 0 && ack_of_fin && !server_fin) ++data_between;
    if ((e.segment.flags & kFin) != 0 && !server_fin) server_fin = e.time;
  }
  r.add("client FIN at", client_fin.empty() ? "never" : secs(client_fin[0].time));
  r.add("server sent", describe(server_sent));
  r.add("data segments between the ACK of the FIN and the server's FIN",
        std::to_string(data_between));
  r.add("client received after its FIN", fmt::format("{} bytes \"{}\"", received.size(), received));
  r.add("server states", state_path(w.server_events, FourTuple{tuple.remote, tuple.local}));
  r.check(!client_fin.empty() && ack_of_fin && server_fin && *ack_of_fin < *server_fin &&
              *server_fin >= server_close,
          "the ACK of the client's FIN and the server's FIN are separate segments");
  r.check(data_between == parts.size(), "the server's three writes travel between them");
  r.check(received == "the rest of the response" && client_eof,
          "the half-closed client receives every byte, then end of stream");
  finish(w, r, tuple, "half-close: data after the FIN");
  return r;
}

namespace {

struct LostFinalAck {
  std::vector<TcpEvent> server_fins;
  std::vector<TcpEvent> client_after;
  std::optional<Instant> server_closed;
  std::uint64_t client_rsts = 0;
  std::string server_path;
  FourTuple tuple;
};

LostFinalAck lost_final_ack(World& w) {
  LostFinalAck out;
  const auto cs = w.open();
  if (!cs) return out;
  // Plain variables, not a structured binding: lambdas below capture them (clang 14).
  const SocketId c = cs->first;
  const SocketId s = cs->second;
  out.tuple = *w.client.tcp().tuple(c);
  w.sim.run_until(kCloseAt);
  w.client.tcp().close(c);
  w.sim.run_for(milliseconds(50));
  // The client's next pure ACK is the final one of the close: lose it.
  w.link->add_fault(sim::Direction::a_to_b, sim::FaultRule::drop(tcp_flags_equal(kAck)));
  w.server.tcp().close(s);
  w.sim.run_for(seconds(2));
  out.server_fins = segments_sent(w.server_events, kFin | kAck, kCloseAt);
  out.client_after = segments_sent(w.client_events, std::nullopt, kCloseAt + milliseconds(51));
  out.server_closed = when_entered(w.server_events, TcpState::kClosed, kCloseAt);
  out.client_rsts = w.client.tcp().counters().OutRsts;
  out.server_path = state_path(w.server_events, FourTuple{out.tuple.remote, out.tuple.local});
  return out;
}

}  // namespace

ScenarioResult run_lost_final_ack(const ScenarioOptions& opt) {
  ScenarioResult r;
  World with(world_options(opt));
  WorldOptions wo = plain_world(opt.seed);
  wo.client_tcp.time_wait_enabled = false;
  World without(wo);
  const LostFinalAck a = lost_final_ack(with);
  const LostFinalAck b = lost_final_ack(without);
  r.add("with TIME_WAIT: server FIN sent", describe(a.server_fins));
  r.add("with TIME_WAIT: client answers", describe(a.client_after));
  r.add("with TIME_WAIT: server states", a.server_path);
  r.add("with TIME_WAIT: client RSTs", std::to_string(a.client_rsts));
  r.add("without TIME_WAIT: server FIN sent", describe(b.server_fins));
  r.add("without TIME_WAIT: client answers", describe(b.client_after));
  r.add("without TIME_WAIT: server states", b.server_path);
  r.add("without TIME_WAIT: client RSTs", std::to_string(b.client_rsts));
  r.check(a.server_fins.size() == 2 && a.server_fins[1].segment.retransmission,
          "with TIME_WAIT the server retransmits its FIN once");
  r.check(
      a.client_after.size() == 2 && a.client_after[1].segment.flags == kAck && a.client_rsts == 0,
      "TIME_WAIT answers the retransmitted FIN with an ACK, no RST");
  r.check(a.server_path.ends_with("LAST_ACK > CLOSED"), "the server closes cleanly from LAST_ACK");
  r.check(
      b.client_after.size() == 2 && b.client_after[1].segment.flags == kRst && b.client_rsts == 1,
      "without TIME_WAIT the retransmitted FIN is answered with RST");
  with.sim.close_captures();
  r.pcap = with.pcap;
  r.ladders.push_back(with.ladder(a.tuple, "lost final ACK, TIME_WAIT on"));
  r.ladders.push_back(without.ladder(b.tuple, "lost final ACK, TIME_WAIT off"));
  return r;
}

ScenarioResult run_simultaneous_close(const ScenarioOptions& opt) {
  ScenarioResult r;
  World w(world_options(opt));
  const auto cs = w.open();
  if (!r.check(cs.has_value(), "the connection opens")) return r;
  // Plain variables, not a structured binding: lambdas below capture them (clang 14).
  const SocketId c = cs->first;
  const SocketId s = cs->second;
  const FourTuple tuple = *w.client.tcp().tuple(c);
  w.sim.run_until(kCloseAt);
  w.client.tcp().close(c);
  w.server.tcp().close(s);
  w.sim.run_for(seconds(1));
  const std::string tail = "ESTABLISHED > FIN_WAIT_1 > CLOSING > TIME_WAIT";
  const auto cp = state_path(w.client_events, tuple);
  const auto sp = state_path(w.server_events, FourTuple{tuple.remote, tuple.local});
  r.add("client states", cp);
  r.add("server states", sp);
  r.add("client sent", describe(segments_sent(w.client_events, std::nullopt, kCloseAt)));
  r.add("server sent", describe(segments_sent(w.server_events, std::nullopt, kCloseAt)));
  r.add("TIME_WAIT entries", fmt::format("client {}, server {}", w.client.tcp().time_wait().size(),
                                         w.server.tcp().time_wait().size()));
  r.check(cp.ends_with(tail) && sp.ends_with(tail),
          "both sides go FIN_WAIT_1 > CLOSING > TIME_WAIT");
  r.check(when_entered(w.client_events, TcpState::kClosing) == from_micros(1'010'000) &&
              when_entered(w.server_events, TcpState::kClosing) == from_micros(1'010'000),
          "both enter CLOSING when the other's FIN arrives (1.010 s)");
  r.check(w.client.tcp().time_wait().size() == 1 && w.server.tcp().time_wait().size() == 1,
          "both hold TIME_WAIT");
  finish(w, r, tuple, "simultaneous close");
  return r;
}

ScenarioResult run_retransmission_backoff(const ScenarioOptions& opt) {
  ScenarioResult r;
  World w(world_options(opt));
  const auto cs = w.open();
  if (!r.check(cs.has_value(), "the connection opens")) return r;
  // Plain variables, not a structured binding: lambdas below capture them (clang 14).
  const SocketId c = cs->first;
  const SocketId s = cs->second;
  const FourTuple tuple = *w.client.tcp().tuple(c);
  w.sim.run_until(kCloseAt);
  // From now on nothing the client sends arrives.
  sim::Impairments dead = w.link->impairments(sim::Direction::a_to_b);
  dead.loss = 1.0;
  w.link->set_impairments(sim::Direction::a_to_b, dead);
  const std::string data(100, 'x');
  w.client.tcp().send(c, text(data));
  w.run_until([&] { return w.client.tcp().state(c) == TcpState::kClosed; }, seconds(2000));
  std::vector<Instant> sends;
  for (const auto& e : segments_sent(w.client_events)) {
    if (e.segment.length == data.size()) sends.push_back(e.time);
  }
  const auto gaps = intervals(sends);
  const auto closed = when_entered(w.client_events, TcpState::kClosed);
  const int error = w.client.tcp().take_error(c);
  const auto& cfg = w.client.tcp().config();
  r.add("data sent at", secs_list(sends));
  r.add("intervals", secs_list(gaps));
  r.add("retransmissions", fmt::format("{} (tcp_retries2 = {})", sends.size() - 1, cfg.retries2));
  r.add("gave up at", closed ? fmt::format("{} ({} after the last try)", secs(*closed),
                                           secs(*closed - sends.back()))
                             : "never");
  r.add("error", error == ETIMEDOUT ? "ETIMEDOUT" : std::to_string(error));
  // RFC 8985 7.2: with one segment outstanding the tail loss probe's timeout (2 SRTT + 200 ms)
  // is capped at the RTO, so the first resend is a probe at the RTO's instant, as in Linux; the
  // RTO is then rearmed from the probe (7.3) without backoff.
  const auto probes = static_cast<std::size_t>(w.client.tcp().counters().TCPLossProbes);
  r.add("tail loss probes", std::to_string(probes));
  // Doubling from the 200 ms floor until the 120 s ceiling, then flat.
  bool shape = gaps.size() > probes;
  for (std::size_t i = 0; shape && i <= probes; ++i) shape = gaps[i] == cfg.rto_min;
  for (std::size_t i = probes + 1; shape && i < gaps.size(); ++i) {
    shape = gaps[i] == std::min(2 * gaps[i - 1], cfg.rto_max);
  }
  r.check(probes <= 1 && sends.size() == static_cast<std::size_t>(cfg.retries2) + 1 + probes,
          "the original, at most one tail loss probe and tcp_retries2 retransmissions");
  r.check(shape, "each interval doubles the last, from the 200 ms RTO floor up to the 120 s cap");
  r.check(closed && *closed - sends.back() == cfg.rto_max && error == ETIMEDOUT,
          "one last RTO after the final try, then ETIMEDOUT");
  finish(w, r, tuple, "retransmission backoff until the connection gives up");
  (void)s;
  return r;
}

}  // namespace synack::scenario
