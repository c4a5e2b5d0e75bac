#include <algorithm>

#include "synack/scenario/scenario.hpp"
#include "synack/scenario/scenarios.hpp"

namespace synack::scenario {

bool ScenarioResult::passed() const {
  return !checks.empty() &&
         std::all_of(checks.begin(), checks.end(), [](const Check& c) { return c.held; });
}

void ScenarioResult::add(std::string name, std::string value) {
  evidence.push_back(Evidence{std::move(name), std::move(value)});
}

bool ScenarioResult::check(bool held, std::string requirement) {
  checks.push_back(Check{std::move(requirement), held});
  return held;
}

void ScenarioResult::add_counters(std::string host, const TcpCounters& tcp) {
  HostCounters set{std::move(host), {}};
  tcp.for_each([&](std::string_view name, std::uint64_t value) {
    if (value != 0) set.values.emplace_back(std::string(name), value);
  });
  counters.push_back(std::move(set));
}

const std::vector<Scenario>& catalog() {
  static const std::vector<Scenario> scenarios = {
      {"handshake",
       "Three segments open a connection: SYN, SYN-ACK, ACK. The client is ESTABLISHED after one "
       "round trip, the server half a round trip later.",
       run_handshake},
      {"two-way-handshake",
       "With two messages the server must commit on the SYN alone, so stale SYNs from the past "
       "make it hold connections nobody wants; with three, the client rejects the stale SYN-ACK "
       "with RST and the server holds nothing.",
       run_two_way_handshake},
      {"four-way-handshake",
       "A fourth message (the server confirming the client's ACK) costs one more round trip "
       "before data flows and tells nobody anything new.",
       run_four_way_handshake},
      {"lost-syn",
       "Lost SYNs are retransmitted with a doubling timeout (1 s, 2 s, 4 s...) until one "
       "gets through.",
       run_lost_syn},
      {"lost-synack",
       "Lost SYN-ACKs are recovered by the server's own retransmission timer (and answered again "
       "when the client's SYN is retransmitted).",
       run_lost_synack},
      {"lost-ack",
       "A lost third ACK costs the client nothing (it is ESTABLISHED); the server retransmits "
       "its SYN-ACK and the client's repeated ACK completes the server's side.",
       run_lost_ack},
      {"data-on-third-ack",
       "The third segment of the handshake may carry data: the server delivers it the moment "
       "the handshake completes, half a round trip earlier than a separate segment.",
       run_data_on_third_ack},
      {"data-on-syn",
       "Data on a SYN is not delivered before the handshake completes, nor stored by the "
       "listener: the SYN-ACK acknowledges the SYN only, and the bytes must be sent again.",
       run_data_on_syn},
      {"isn",
       "ISNs for one 4-tuple advance with a 4 microsecond clock (old segments fall behind); ISNs "
       "for different 4-tuples at the same instant are unrelated (RFC 6528).",
       run_isn},
      {"half-open-queue",
       "Each SYN leaves a SYN_RECEIVED entry in the listener's half-open queue; once the queue is "
       "full, a new SYN gets no answer at all until an entry is freed.",
       run_half_open_queue},
      {"syn-flood",
       "With no defence, legitimate connections fail once spoofed SYNs fill the half-open queue; "
       "fewer SYN-ACK retries free entries sooner and help against a slow flood; against "
       "100,000 SYNs/s only SYN cookies keep at least 99% of legitimate connections succeeding "
       "with half-open memory bounded.",
       run_syn_flood},
      {"four-way-close",
       "Closing takes four segments, FIN, ACK, FIN, ACK, because each direction is closed by its "
       "own application; the first closer then holds TIME_WAIT for 2 MSL.",
       run_four_way_close},
      {"half-close",
       "After the client's FIN the server can keep sending: the ACK of the FIN and the server's "
       "FIN are separate messages because data travels between them.",
       run_half_close},
      {"lost-final-ack",
       "If the last ACK of the close is lost, the passive closer retransmits its FIN and "
       "TIME_WAIT answers it; without TIME_WAIT the FIN meets an RST instead of a clean close.",
       run_lost_final_ack},
      {"why-2msl",
       "With TIME_WAIT shorter than 2 MSL an old duplicate of an earlier incarnation is accepted "
       "as data by a new connection on the same 4-tuple; with 2 MSL it cannot be. Over many "
       "closes on a lossy link, 0 MSL goes wrong, 2 and 4 MSL never do.",
       run_why_2msl},
      {"simultaneous-open",
       "Two SYNs that cross open one connection: both sides go SYN_SENT > SYN_RECEIVED > "
       "ESTABLISHED with four segments.",
       run_simultaneous_open},
      {"simultaneous-close",
       "Two FINs that cross close through CLOSING on both sides, and both then hold TIME_WAIT.",
       run_simultaneous_close},
      {"retransmission-backoff",
       "Unacknowledged data is retransmitted with the RTO doubling up to its 120 s ceiling, "
       "until tcp_retries2 is exhausted and the connection gives up with ETIMEDOUT.",
       run_retransmission_backoff},
  };
  return scenarios;
}

const Scenario* find_scenario(std::string_view name) {
  for (const Scenario& s : catalog()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace synack::scenario
