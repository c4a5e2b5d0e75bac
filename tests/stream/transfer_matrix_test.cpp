// 16 MiB transfers over a matrix of impaired links, each with several seeds: the stream must
// arrive byte-exact (SHA-256 at both ends) within a stated virtual-time bound.
#include <gtest/gtest.h>

#include <string>

#include "synack/sim/bulk_transfer.hpp"

namespace synack::testing {
namespace {

using sim::BulkOptions;
using sim::BulkResult;
using sim::path;
using sim::run_bulk;

struct MatrixCase {
  std::string name;
  sim::Impairments data;
  sim::Impairments ack;
  std::size_t mtu = 1500;
  std::size_t buffer = 256 * 1024;  // both ends' send and receive buffers
  CongestionAlgorithm congestion = CongestionAlgorithm::kCubic;
  bool sack = true;
  Duration bound;  // virtual time allowed for 16 MiB
};

sim::Impairments with(sim::Impairments i, auto change) {
  change(i);
  return i;
}

std::vector<MatrixCase> cases() {
  const auto clean = path();
  std::vector<MatrixCase> m;
  m.push_back(
      {"clean", clean, clean, 1500, 256 * 1024, CongestionAlgorithm::kCubic, true, seconds(3)});
  for (const double loss : {0.01, 0.05, 0.10, 0.20}) {
    const auto lossy = path(loss);
    // Loss applies to both directions (data and ACKs). Bounds are about twice the slowest
    // seed measured; at 20 % each way the exponential backoff dominates (about 1.5 hours).
    const auto bound = loss <= 0.01   ? seconds(40)
                       : loss <= 0.05 ? seconds(200)
                       : loss <= 0.10 ? seconds(600)
                                      : seconds(14400);
    const std::string pct = std::to_string(static_cast<int>(loss * 100));
    m.push_back({"loss" + pct + "_cubic", lossy, lossy, 1500, 256 * 1024,
                 CongestionAlgorithm::kCubic, true, bound});
    m.push_back({"loss" + pct + "_reno", lossy, lossy, 1500, 256 * 1024,
                 CongestionAlgorithm::kNewReno, true, bound});
  }
  m.push_back({"loss5_nosack", path(0.05), path(0.05), 1500, 256 * 1024,
               CongestionAlgorithm::kNewReno, false, seconds(200)});
  m.push_back({"reorder",
               with(clean,
                    [](auto& i) {
                      i.reorder = 0.05;
                      i.reorder_delay = milliseconds(15);
                    }),
               clean, 1500, 256 * 1024, CongestionAlgorithm::kCubic, true, seconds(100)});
  m.push_back({"duplicate", with(clean, [](auto& i) { i.duplicate = 0.05; }),
               with(clean, [](auto& i) { i.duplicate = 0.05; }), 1500, 256 * 1024,
               CongestionAlgorithm::kCubic, true, seconds(3)});
  m.push_back({"corrupt", with(clean, [](auto& i) { i.corrupt = 0.02; }),
               with(clean, [](auto& i) { i.corrupt = 0.02; }), 1500, 256 * 1024,
               CongestionAlgorithm::kCubic, true, seconds(80)});
  m.push_back({"jitter", with(clean, [](auto& i) { i.jitter = milliseconds(8); }),
               with(clean, [](auto& i) { i.jitter = milliseconds(8); }), 1500, 256 * 1024,
               CongestionAlgorithm::kCubic, true, seconds(5)});
  m.push_back({"bottleneck_small_queue",
               with(clean,
                    [](auto& i) {
                      i.bandwidth_bps = 20'000'000;
                      i.queue_limit_packets = 16;
                    }),
               clean, 1500, 256 * 1024, CongestionAlgorithm::kCubic, true, seconds(15)});
  m.push_back({"bottleneck_reno",
               with(clean,
                    [](auto& i) {
                      i.bandwidth_bps = 20'000'000;
                      i.queue_limit_packets = 16;
                    }),
               clean, 1500, 256 * 1024, CongestionAlgorithm::kNewReno, true, seconds(15)});
  m.push_back({"small_window", clean, clean, 1500, 8 * 1024, CongestionAlgorithm::kCubic, true,
               seconds(120)});
  m.push_back({"large_window", clean, clean, 1500, 4 * 1024 * 1024, CongestionAlgorithm::kCubic,
               true, seconds(1)});
  m.push_back({"mss536", path(0.01), path(0.01), 576, 256 * 1024, CongestionAlgorithm::kCubic, true,
               seconds(150)});
  m.push_back({"mss8960", path(0.01), path(0.01), 9000, 1024 * 1024, CongestionAlgorithm::kCubic,
               true, seconds(10)});
  return m;
}

class TransferMatrix : public ::testing::TestWithParam<MatrixCase> {};

TEST_P(TransferMatrix, ByteExactWithinBound) {
  const MatrixCase& c = GetParam();
  for (const std::uint64_t seed : {1u, 2u, 3u}) {
    BulkOptions o;
    o.seed = seed;
    o.data_path = c.data;
    o.ack_path = c.ack;
    o.mtu = c.mtu;
    o.limit = c.bound;
    o.client_config.sack = o.server_config.sack = c.sack;
    TcpSocketOptions socket = TcpSocketOptions::from(o.client_config);
    socket.send_buffer = socket.receive_buffer = c.buffer;
    socket.congestion = c.congestion;
    o.client_socket = o.server_socket = socket;
    const BulkResult r = run_bulk(o);
    EXPECT_TRUE(r.completed) << c.name << " seed " << seed << ": " << r.received << " of " << r.sent
                             << " bytes by the bound";
    EXPECT_EQ(r.received, o.bytes) << c.name << " seed " << seed;
    EXPECT_EQ(r.sent_sha256, r.received_sha256) << c.name << " seed " << seed;
    RecordProperty("seed" + std::to_string(seed) + "_virtual_ms",
                   std::to_string(to_micros(r.finished - r.started) / 1000));
    std::printf("%-24s seed %llu: %9.3f s virtual, %8.2f Mbit/s, %5llu retransmitted, %4llu RTOs\n",
                c.name.c_str(), static_cast<unsigned long long>(seed),
                to_seconds(r.finished - r.started), r.goodput_mbps(),
                static_cast<unsigned long long>(r.client.RetransSegs),
                static_cast<unsigned long long>(r.client.TCPTimeouts));
  }
}

INSTANTIATE_TEST_SUITE_P(Links, TransferMatrix, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace synack::testing
