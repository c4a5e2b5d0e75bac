#pragma once
// The TCP half of `synack demo`: a client asks a server for a small document over the simulated
// network; the run shows the three-way handshake, the request and response, the four-way close,
// TIME_WAIT and its expiry, with both sides' states.
#include <cstdio>
#include <string>
#include <vector>

#include "synack/sim/simulator.hpp"
#include "synack/stack/stack.hpp"
#include "synack/viz/ladder.hpp"

namespace synack::cli {

struct TcpDemoResult {
  bool ok = false;         // the response arrived intact and both sides closed cleanly
  std::string failure;     // why not, when !ok
  FourTuple client_tuple;  // the connection as the client sees it
  SeqNum client_isn;
  SeqNum server_isn;
  std::size_t request_bytes = 0;
  std::size_t response_bytes = 0;
  Instant time_wait_entered;
  Instant time_wait_left;
};

// Runs the exchange on `sim` between two stacks that can reach each other. Every TCP event of
// each side is appended to the given vectors (which must outlive the simulator's run).
TcpDemoResult run_tcp_demo(sim::Simulator& sim, Stack& client, Stack& server, Ipv4Address server_ip,
                           std::vector<TcpEvent>& client_events,
                           std::vector<TcpEvent>& server_events);

}  // namespace synack::cli
