#pragma once
// The ping half of `synack demo`: host A pings host B over a simulated (lossy) link and prints
// one line per echo request, the ARP exchange that precedes the first one, and a summary like
// ping(8)'s, all in virtual time so the same seed prints the same text.
#include <cstdio>

#include "synack/sim/simulator.hpp"
#include "synack/stack/stack.hpp"
#include "synack/wire/address.hpp"

namespace synack::cli {

struct PingDemoResult {
  int sent = 0;
  int received = 0;
  int lost = 0;
  // Zero when nothing was received.
  double rtt_min_ms = 0;
  double rtt_avg_ms = 0;
  double rtt_max_ms = 0;
};

// Sends `count` echo requests from `a` to `b_ip`, one per virtual second starting at sim.now(),
// and runs the simulator until each has been answered or has timed out. `a` and `b` must already
// be nodes of `sim`, connected so that `a` reaches `b_ip`. Prints to `out`.
PingDemoResult run_ping_demo(sim::Simulator& sim, Stack& a, Stack& b, Ipv4Address b_ip, int count,
                             std::FILE* out);

}  // namespace synack::cli
