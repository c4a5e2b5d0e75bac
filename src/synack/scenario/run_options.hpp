#pragma once
// What a user may change about a scenario run beyond its seed: faults on single segments of
// the main link ("drop the 1st segment the server sends") and knobs (MSL, retries, queue sizes,
// SYN cookies, loss, delay, fixed ISNs). The CLI (`synack scenario run --fault/--set`) and the
// explorer page share this text form, so a run in the page can be repeated on the command line.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "synack/core/expected.hpp"
#include "synack/core/time.hpp"
#include "synack/sim/fault_rule.hpp"
#include "synack/sim/link.hpp"
#include "synack/tcp/config.hpp"

namespace synack::scenario {

enum class Host { client, server };

// The `occurrence`-th frame (1-based) that `sender` puts on the scenario's main link, whatever
// it carries, is dropped, held back `amount`, or duplicated `amount` later.
struct SegmentFault {
  sim::FaultAction action = sim::FaultAction::drop;
  Host sender = Host::client;
  std::size_t occurrence = 1;
  Duration amount{0};
};

// Every knob is optional: unset keeps the scenario's own value.
struct Knobs {
  std::optional<Duration> msl;                 // Both hosts (TIME_WAIT lasts 2 MSL).
  std::optional<int> syn_retries;              // Client (tcp_syn_retries).
  std::optional<int> synack_retries;           // Server (tcp_synack_retries).
  std::optional<std::size_t> max_syn_backlog;  // Server's SYN queue (tcp_max_syn_backlog).
  std::optional<int> accept_backlog;           // Server's listen() backlog.
  std::optional<int> syncookies;               // Server: 0, 1 or 2 (tcp_syncookies).
  std::optional<double> loss;                  // Random loss each way, 0..1.
  std::optional<Duration> delay;               // One-way delay of the main link.
  std::optional<bool> fixed_isn;               // Client ISN 1000, server 5000 instead of RFC 6528.

  bool empty() const;
};

// "drop:server:1", "delay:client:2:500ms", "duplicate:server:1:100ms" (amount in ms, or with a
// unit: us, ms, s).
// Errors are messages for the user.
Expected<SegmentFault, std::string> parse_fault(std::string_view text);
std::string to_string(const SegmentFault& fault);

// "msl=2s", "syn_retries=3", "synack_retries=1", "max_syn_backlog=8", "accept_backlog=4",
// "syncookies=0", "loss=0.1", "delay=50ms", "isn=fixed" or "isn=random".
// Returns `knobs` with that one changed.
Expected<Knobs, std::string> with_knob(Knobs knobs, std::string_view text);
// The knobs that are set, in the form parse_knob reads, in a fixed order.
std::vector<std::string> to_strings(const Knobs& knobs);

// The knobs that concern each host's TCP.
void apply_client_knobs(const Knobs& knobs, TcpConfig& tcp);
void apply_server_knobs(const Knobs& knobs, TcpConfig& tcp);

// Adds each fault to the link whose endpoint a is the client.
void install_faults(const std::vector<SegmentFault>& faults, sim::Link& link);

}  // namespace synack::scenario
