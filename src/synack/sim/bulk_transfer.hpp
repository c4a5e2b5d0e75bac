#pragma once
// A bulk transfer between two synack stacks on the simulator: the client writes `bytes` of
// seeded pseudo-random data as fast as its send buffer takes them, then shuts down writing; the
// server reads until end of stream. Both ends hash what passes (SHA-256), so a test can demand
// the stream arrived byte-exact, and the run reports the virtual time it took.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include <functional>

#include "synack/sim/simulator.hpp"
#include "synack/stack/stack.hpp"

namespace synack::sim {

struct BulkOptions {
  std::size_t bytes = 16u << 20;
  std::uint64_t seed = 1;
  Impairments data_path;   // client -> server
  Impairments ack_path;    // server -> client
  std::size_t mtu = 1500;  // interface and link MTU; the MSS is mtu - 40
  TcpConfig client_config;
  TcpConfig server_config;
  std::optional<TcpSocketOptions> client_socket;
  std::optional<TcpSocketOptions> server_socket;
  Duration limit = seconds(600);  // virtual time allowed
  // Called on every simulator step with the server's socket (0 until accepted); returns whether
  // the server should read now (tests that keep the window closed return false).
  std::function<bool(Instant now)> server_reads;
  // Called as bytes arrive (received so far, total), for progress displays.
  std::function<void(std::size_t received, std::size_t total)> on_progress;
  // When set, every frame on the link is written to this pcap file (raw IP link type).
  std::string capture_path;
};

struct BulkResult {
  bool completed = false;  // end of stream reached at the server within the limit
  std::size_t sent = 0;
  std::size_t received = 0;
  std::array<std::uint8_t, 32> sent_sha256{};
  std::array<std::uint8_t, 32> received_sha256{};
  Instant started;
  Instant finished;
  TcpCounters client;
  TcpCounters server;
  DirectionStats data_path;
  DirectionStats ack_path;
  std::optional<Error> capture_error;  // why capture_path could not be written (no run)

  bool byte_exact() const {
    return completed && received == sent && sent_sha256 == received_sha256;
  }
  double goodput_mbps() const;
};

BulkResult run_bulk(const BulkOptions& options);

// Default impairments for the matrix: 10 ms each way.
Impairments path(double loss = 0, Duration delay = milliseconds(10));

}  // namespace synack::sim
