#pragma once
// One run of a SYN flood on the simulator: an attacker sends spoofed SYNs (random sources,
// ports and ISNs in 198.19.0.0/16, never answered) at a fixed rate while a legitimate client
// stack keeps connecting. Used by the syn-flood scenario (one run per defence) and by the flood
// test, which asserts on the same numbers the scenario reports.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "synack/core/time.hpp"
#include "synack/tcp/config.hpp"

namespace synack::scenario {

struct FloodTrialOptions {
  std::uint64_t seed = 1;
  TcpConfig server_tcp;  // the defence under test: syncookies, synack_retries, ...
  std::uint32_t syns_per_second = 100'000;
  Duration flood_length = seconds(2);            // the flood starts at 0 and stops here
  Duration connect_interval = milliseconds(20);  // one legitimate connect() this often
  Duration first_connect = milliseconds(100);    // the flood has filled any queue by then
  Duration connect_allowance = seconds(3);       // an attempt succeeds if ESTABLISHED within
  int listen_backlog = 4096;
};

struct FloodTrialResult {
  std::size_t attempts = 0;
  std::size_t completed = 0;
  std::vector<Duration> connect_times;  // of completed attempts, sorted
  std::size_t attack_syns = 0;
  std::size_t peak_half_open = 0;         // half-open entries, sampled every millisecond
  std::size_t final_half_open = 0;        // at the end of the flood
  std::size_t half_open_entry_bytes = 0;  // sizeof(HalfOpenEntry)
  std::uint64_t syncookies_sent = 0;
  std::uint64_t syncookies_recv = 0;
  std::uint64_t syncookies_failed = 0;
  std::uint64_t queue_full_drops = 0;  // TCPReqQFullDrop
  double wall_seconds = 0;  // host time the whole simulation took (steady_clock; report only)

  double success_rate() const { return attempts ? double(completed) / double(attempts) : 0.0; }
  Duration connect_time_quantile(double q) const;  // 0 when nothing completed
  // Spoofed SYNs processed per second of host time, simulator included (an underestimate of
  // what the stack alone handles); report only, never asserted.
  double syns_per_wall_second() const { return wall_seconds > 0 ? attack_syns / wall_seconds : 0; }
};

FloodTrialResult run_flood_trial(const FloodTrialOptions& options);

}  // namespace synack::scenario
