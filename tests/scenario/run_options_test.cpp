// Faults on single segments and knobs: their text form (shared by the CLI and the explorer
// page), and what they do to a scenario: the segment counted is the one lost, a knob changes the
// stack's behaviour, and a knob that breaks a claim's premise makes its check fail.
#include "synack/scenario/run_options.hpp"

#include <gtest/gtest.h>

#include "synack/scenario/scenario.hpp"

namespace synack::scenario {
namespace {

TEST(RunOptions, ParsesFaultsAndWritesThemBack) {
  const auto drop = parse_fault("drop:server:3");
  ASSERT_TRUE(drop.has_value());
  EXPECT_EQ(drop->action, sim::FaultAction::drop);
  EXPECT_EQ(drop->sender, Host::server);
  EXPECT_EQ(drop->occurrence, 3u);
  EXPECT_EQ(to_string(*drop), "drop:server:3");
  const auto delay = parse_fault("delay:client:2:1500ms");
  ASSERT_TRUE(delay.has_value());
  EXPECT_EQ(delay->amount, milliseconds(1500));
  EXPECT_EQ(to_string(*delay), "delay:client:2:1500ms");
  const auto dup = parse_fault("duplicate:client:1:2s");
  ASSERT_TRUE(dup.has_value());
  EXPECT_EQ(dup->amount, seconds(2));
  EXPECT_EQ(to_string(*dup), "duplicate:client:1:2s");
}

TEST(RunOptions, RejectsMalformedFaults) {
  for (const char* bad : {"", "drop", "drop:server", "drop:server:0", "drop:peer:1",
                          "drop:server:1:5ms", "delay:client:2", "delay:client:2:-1ms",
                          "lose:client:1", "drop:client:x", "delay:client:1:5h"}) {
    const auto f = parse_fault(bad);
    EXPECT_FALSE(f.has_value()) << bad;
    if (!f) {
      EXPECT_NE(f.error().find("bad fault"), std::string::npos);
    }
  }
}

TEST(RunOptions, KnobsParseApplyAndPrint) {
  Knobs k;
  for (const char* text :
       {"msl=2s", "syn_retries=3", "synack_retries=1", "max_syn_backlog=8", "accept_backlog=4",
        "syncookies=0", "loss=0.25", "delay=50ms", "isn=fixed"}) {
    auto next = with_knob(k, text);
    ASSERT_TRUE(next.has_value()) << text;
    k = *next;
  }
  EXPECT_EQ(to_strings(k),
            (std::vector<std::string>{"msl=2s", "syn_retries=3", "synack_retries=1",
                                      "max_syn_backlog=8", "accept_backlog=4", "syncookies=0",
                                      "loss=0.25", "delay=50ms", "isn=fixed"}));
  TcpConfig client, server;
  apply_client_knobs(k, client);
  apply_server_knobs(k, server);
  EXPECT_EQ(client.msl, seconds(2));
  EXPECT_EQ(client.syn_retries, 3);
  EXPECT_EQ(client.fixed_isn, std::optional<std::uint32_t>(1000));
  EXPECT_EQ(server.synack_retries, 1);
  EXPECT_EQ(server.max_syn_backlog, 8u);
  EXPECT_EQ(server.syncookies, 0);
  EXPECT_EQ(server.fixed_isn, std::optional<std::uint32_t>(5000));
  for (const char* bad : {"msl", "msl=0", "syncookies=3", "loss=2", "isn=odd", "colour=red"})
    EXPECT_FALSE(with_knob(k, bad).has_value()) << bad;
}

std::vector<Instant> synack_sends(const viz::Ladder& l, std::vector<bool>& lost) {
  std::vector<Instant> times;
  for (const viz::Arrow& a : l.arrows) {
    if (a.from != viz::Side::right || a.label.rfind("SYN,ACK", 0) != 0) continue;
    times.push_back(a.sent);
    lost.push_back(!a.arrival.has_value());
  }
  return times;
}

// lost-synack loses the first two SYN-ACKs itself; dropping the server's third segment too
// means a third retransmission: the SYN retransmitted at 3 s is answered and the client is
// ESTABLISHED one round trip later.
TEST(RunOptions, DroppingTheThirdSynAckDelaysTheHandshake) {
  ScenarioOptions o;
  o.faults.push_back(*parse_fault("drop:server:3"));
  const ScenarioResult r = find_scenario("lost-synack")->run(o);
  ASSERT_EQ(r.ladders.size(), 1u);
  std::vector<bool> lost;
  const auto sends = synack_sends(r.ladders[0], lost);
  EXPECT_EQ(sends, (std::vector<Instant>{from_micros(10'000), from_micros(1'010'000),
                                         from_micros(2'010'000), from_micros(3'010'000)}));
  EXPECT_EQ(lost, (std::vector<bool>{true, true, true, false}));
  // The arrow knows which of its sender's frames it was: the number the fault counted.
  for (const viz::Arrow& a : r.ladders[0].arrows) {
    ASSERT_TRUE(a.details.has_value());
    if (a.from == viz::Side::right && a.sent == from_micros(2'010'000)) {
      EXPECT_EQ(a.details->wire_ordinal, 3u);
    }
  }
  bool found = false;
  for (const Evidence& e : r.evidence) {
    if (e.name == "client ESTABLISHED at") {
      EXPECT_EQ(e.value, "3.020 s");
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

// TIME_WAIT of 2 MSL only protects when MSL bounds the network's real segment lifetime: with
// the stacks assuming MSL 2 s and a copy living 5 s, the "2 MSL" check fails.
TEST(RunOptions, ShortMslBreaksWhy2MslsSecondCheck) {
  ScenarioOptions o;
  o.knobs.msl = seconds(2);
  const ScenarioResult r = find_scenario("why-2msl")->run(o);
  EXPECT_FALSE(r.passed());
  int failed = 0;
  for (const Check& c : r.checks) {
    if (!c.held) {
      ++failed;
      EXPECT_EQ(c.requirement,
                "TIME_WAIT 2 MSL: the 4-tuple is reused only after 2 MSL and the new bytes "
                "arrive intact");
    }
  }
  EXPECT_EQ(failed, 1);
}

}  // namespace
}  // namespace synack::scenario
