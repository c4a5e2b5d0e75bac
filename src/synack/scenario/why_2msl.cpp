// Why TIME_WAIT lasts 2 MSL (RFC 9293 section 3.4.1 and 3.6.1): an old duplicate segment of an
// earlier incarnation of a 4-tuple must have died before the 4-tuple is used again. Shown with a
// fixed ISN (so both incarnations use the same sequence space) and timestamps off (PAWS would
// otherwise also reject the duplicate), then measured over many closes on a lossy link.
#include <fmt/format.h>

#include <cerrno>

#include "synack/scenario/scenarios.hpp"
#include "synack/scenario/world.hpp"
#include "synack/wire/ipv4.hpp"

namespace synack::scenario {

using namespace tcp_flags;

namespace {

bool carries_data(Bytes frame) {
  const auto ip = Ipv4View::parse(frame, false);
  if (!ip || ip->repr().protocol != kIpProtocolTcp) return false;
  const auto tcp = TcpView::parse(ip->payload());
  return tcp && !tcp->payload().empty();
}

WorldOptions unsafe_world(std::uint64_t seed, std::optional<Duration> time_wait) {
  WorldOptions w;
  w.seed = seed;
  for (TcpConfig* t : {&w.client_tcp, &w.server_tcp}) {
    t->timestamps = false;
    if (time_wait) {
      t->time_wait_length = *time_wait;
    } else {
      t->time_wait_enabled = false;
    }
  }
  w.client_tcp.fixed_isn = 1000;
  w.server_tcp.fixed_isn = 5000;
  return w;
}

enum class ReadStatus { open, eof, error };

ReadStatus read_into(TcpLayer& tcp, SocketId s, std::string& into) {
  std::uint8_t buf[256];
  while (true) {
    auto n = tcp.recv(s, buf);
    if (!n) return n.error() == EAGAIN ? ReadStatus::open : ReadStatus::error;
    if (*n == 0) return ReadStatus::eof;
    into.append(reinterpret_cast<const char*>(buf), *n);
  }
}

// Connects from the fixed client port, retrying while the 4-tuple is still in TIME_WAIT.
std::optional<SocketId> reconnect(World& w, Instant deadline) {
  while (w.sim.now() < deadline) {
    if (auto c = w.connect(kClientPort)) return c;
    w.sim.run_for(milliseconds(10));
  }
  return std::nullopt;
}

struct Incarnations {
  std::string first_read;
  std::string second_read;
  std::optional<Instant> reconnected;
  Instant duplicate_arrival;
  FourTuple tuple;
};

// Incarnation 1 sends "OLD DATA" (a copy lingers 5 s in the network) and closes; incarnation 2
// on the same 4-tuple sends "NEW DATA" once the copy has had time to arrive.
Incarnations two_incarnations(World& w) {
  Incarnations out;
  w.link->add_fault(sim::Direction::a_to_b, sim::FaultRule::duplicate(carries_data, 1, seconds(5)));
  const auto l = w.listen();
  const auto c1 = w.connect(kClientPort);
  if (!l || !c1) return out;
  out.tuple = *w.client.tcp().tuple(*c1);
  w.client.tcp().send(*c1, text("OLD DATA"));
  SocketId s1 = 0;
  w.run_until(
      [&] {
        if (s1 == 0) {
          if (auto a = w.server.tcp().accept(*l)) s1 = *a;
        }
        if (s1 != 0) read_into(w.server.tcp(), s1, out.first_read);
        return out.first_read.size() >= 8;
      },
      seconds(5));
  out.duplicate_arrival = w.sim.now() + seconds(5);  // approximate, refined from frames below
  w.sim.run_until(from_micros(500'000));
  w.client.tcp().close(*c1);
  std::string rest;
  w.run_until([&] { return s1 != 0 && read_into(w.server.tcp(), s1, rest) != ReadStatus::open; },
              seconds(5));
  if (s1 != 0) w.server.tcp().close(s1);
  const auto c2 = reconnect(w, w.sim.now() + seconds(200));
  if (!c2) return out;
  out.reconnected = w.sim.now();
  SocketId s2 = 0;
  w.run_until(
      [&] {
        if (auto a = w.server.tcp().accept(*l)) s2 = *a;
        return s2 != 0;
      },
      seconds(5));
  // The application sends its new request a little later, after the old copy's arrival time.
  w.sim.run_until(std::max(w.sim.now() + seconds(1), from_micros(6'000'000)));
  w.client.tcp().send(*c2, text("NEW DATA"));
  w.sim.run_for(milliseconds(500));
  if (s2 != 0) read_into(w.server.tcp(), s2, out.second_read);
  for (const auto& f : w.frames) {
    if (f.duplicate && f.delivered) out.duplicate_arrival = *f.delivered;
  }
  return out;
}

enum class Outcome { clean, wrong_data, error, timeout };

// One request/response exchange and close on the fixed 4-tuple; the client closes first.
Outcome one_close(World& w, SocketId listener, int n) {
  const Instant deadline = w.sim.now() + seconds(30);
  const auto c = reconnect(w, deadline);
  if (!c) return Outcome::timeout;
  const std::string request = fmt::format("REQ{:05}", n);
  const std::string response = fmt::format("RSP{:05}", n);
  w.client.tcp().send(*c, text(request));
  SocketId s = 0;
  std::string got_request;
  std::string got_response;
  bool responded = false;
  bool client_closed = false;
  bool server_closed = false;
  bool error = false;
  const bool done = w.sim.run_until(
      [&] {
        if (s == 0) {
          if (auto a = w.server.tcp().accept(listener)) s = *a;
        }
        if (s != 0 && !server_closed) {
          const ReadStatus st = read_into(w.server.tcp(), s, got_request);
          if (st == ReadStatus::error) error = true;
          if (!responded && got_request.size() >= request.size()) {
            w.server.tcp().send(s, text(response));
            responded = true;
          }
          if (st == ReadStatus::eof || error) {
            w.server.tcp().close(s);
            server_closed = true;
          }
        }
        if (!client_closed) {
          const ReadStatus st = read_into(w.client.tcp(), *c, got_response);
          if (st == ReadStatus::error) error = true;
          if (got_response.size() >= response.size() || st != ReadStatus::open) {
            w.client.tcp().close(*c);
            client_closed = true;
          }
        }
        return client_closed && server_closed;
      },
      deadline);
  if (!done) {
    if (!client_closed) w.client.tcp().abort(*c);
    if (s != 0 && !server_closed) w.server.tcp().abort(s);
    // Let the aborts' RSTs settle before the next attempt.
    w.sim.run_for(seconds(2));
    return Outcome::timeout;
  }
  if (got_request != request || got_response != response) return Outcome::wrong_data;
  return error ? Outcome::error : Outcome::clean;
}

struct MonteCarloRow {
  int msl_multiple = 0;
  int trials = 0;
  int wrong_data = 0;
  int errors = 0;
  int timeouts = 0;
  Duration elapsed{0};
  int failures() const { return wrong_data + errors + timeouts; }
};

constexpr int kTrials = 150;

MonteCarloRow monte_carlo(std::uint64_t seed, int multiple) {
  const Duration msl = seconds(1);
  WorldOptions wo =
      unsafe_world(seed, multiple == 0 ? std::nullopt : std::optional<Duration>(multiple * msl));
  wo.client_tcp.msl = msl;
  wo.server_tcp.msl = msl;
  wo.sim.max_segment_lifetime = msl;
  World w(wo);
  sim::Impairments imp = w.link->impairments(sim::Direction::a_to_b);
  imp.loss = 0.05;
  imp.reorder = 0.05;
  imp.reorder_delay = milliseconds(900);
  w.link->set_impairments(sim::Direction::a_to_b, imp);
  w.link->set_impairments(sim::Direction::b_to_a, imp);
  MonteCarloRow row;
  row.msl_multiple = multiple;
  const auto l = w.listen(kServerPort, 64);
  if (!l) return row;
  const Instant start = w.sim.now();
  for (int n = 0; n < kTrials; ++n) {
    ++row.trials;
    switch (one_close(w, *l, n)) {
      case Outcome::clean:
        break;
      case Outcome::wrong_data:
        ++row.wrong_data;
        break;
      case Outcome::error:
        ++row.errors;
        break;
      case Outcome::timeout:
        ++row.timeouts;
        break;
    }
  }
  row.elapsed = w.sim.now() - start;
  return row;
}

}  // namespace

ScenarioResult run_why_2msl(const ScenarioOptions& opt) {
  ScenarioResult r;
  // The MSL the stacks assume (a knob); the network keeps the old copy 5 s whatever they assume.
  const Duration assumed_msl = opt.knobs.msl.value_or(TcpConfig{}.msl);
  WorldOptions short_opts = unsafe_world(opt.seed, seconds(1));
  short_opts.pcap_path = opt.pcap_path;
  apply_knobs(opt, short_opts);
  World short_tw(short_opts);
  WorldOptions full_opts = unsafe_world(opt.seed, 2 * assumed_msl);
  full_opts.client_tcp.msl = full_opts.server_tcp.msl = assumed_msl;
  World full_tw(full_opts);
  const Incarnations a = two_incarnations(short_tw);
  const Incarnations b = two_incarnations(full_tw);
  const Duration msl = full_tw.client.tcp().config().msl;
  r.add("setup", fmt::format("fixed ISNs (client 1000, server 5000), timestamps off, MSL {}, "
                             "a copy of \"OLD DATA\" delayed 5 s",
                             secs(msl)));
  r.add("TIME_WAIT 1 s: new incarnation at", a.reconnected ? secs(*a.reconnected) : "never");
  r.add("TIME_WAIT 1 s: old copy arrives at", secs(a.duplicate_arrival));
  r.add("TIME_WAIT 1 s: server read",
        fmt::format("\"{}\" (the client sent \"NEW DATA\")", a.second_read));
  r.add("TIME_WAIT 2 MSL: new incarnation at", b.reconnected ? secs(*b.reconnected) : "never");
  r.add("TIME_WAIT 2 MSL: server read", fmt::format("\"{}\"", b.second_read));
  r.check(a.first_read == "OLD DATA" && a.second_read == "OLD DATA",
          "TIME_WAIT 1 s: the new connection delivers the old duplicate instead of its own bytes");
  r.check(
      b.reconnected && *b.reconnected >= from_micros(500'000) + 2 * msl &&
          b.second_read == "NEW DATA",
      "TIME_WAIT 2 MSL: the 4-tuple is reused only after 2 MSL and the new bytes arrive intact");
  short_tw.sim.close_captures();
  r.pcap = short_tw.pcap;
  r.ladders.push_back(
      short_tw.ladder(a.tuple, "TIME_WAIT 1 s: an old duplicate corrupts the new connection"));
  r.add_counters("client", short_tw.client.tcp().counters());
  r.add_counters("server", short_tw.server.tcp().counters());
  r.accepts_faults = true;
  full_tw.sim.close_captures();
  r.ladders.push_back(full_tw.ladder(b.tuple, "TIME_WAIT 2 MSL: the old duplicate dies first"));

  // ---- Monte-Carlo: many closes, one 4-tuple, a lossy and reordering link ----
  r.add("Monte-Carlo link",
        "MSL 1 s, 5% loss and 5% of segments held back 0.9 s, each way; "
        "fixed ISN, timestamps off");
  std::vector<MonteCarloRow> rows;
  for (int multiple : {0, 1, 2, 4}) {
    rows.push_back(monte_carlo(opt.seed, multiple));
    const MonteCarloRow& row = rows.back();
    r.add(fmt::format("TIME_WAIT {} MSL", row.msl_multiple),
          fmt::format("{}/{} closes went wrong ({}: wrong data {}, errors {}, stuck {}); "
                      "{:.2f} s per exchange",
                      row.failures(), row.trials, percent(double(row.failures()) / row.trials),
                      row.wrong_data, row.errors, row.timeouts,
                      to_seconds(row.elapsed) / row.trials));
  }
  r.check(rows[0].failures() > 0, "TIME_WAIT 0: some closes go wrong");
  r.check(rows[2].failures() == 0 && rows[3].failures() == 0,
          "TIME_WAIT 2 MSL and 4 MSL: no close goes wrong");
  r.check(rows[3].elapsed > rows[2].elapsed, "4 MSL only makes each reuse wait longer");
  return r;
}

}  // namespace synack::scenario
