// Loss recovery under reordering: the sender must tell a late segment from a lost one. A link
// that holds 10 % of frames back 4 ms (longer than the round trip) and loses 5 % both ways is
// the case where a fixed three-duplicate threshold fires spurious fast retransmits and halves
// the window for nothing.
#include <gtest/gtest.h>

#include <cstdio>

#include "synack/sim/bulk_transfer.hpp"

namespace synack::testing {
namespace {

using sim::BulkOptions;
using sim::BulkResult;
using sim::run_bulk;

sim::Impairments link(double loss, double reorder) {
  sim::Impairments i;
  i.loss = loss;
  i.delay = milliseconds(2);
  i.jitter = milliseconds(1);
  i.reorder = reorder;
  i.reorder_delay = milliseconds(4);
  return i;
}

BulkResult transfer(double loss, double reorder, std::uint64_t seed, std::size_t bytes) {
  BulkOptions o;
  o.bytes = bytes;
  o.seed = seed;
  o.data_path = o.ack_path = link(loss, reorder);
  o.limit = seconds(600);
  const BulkResult r = run_bulk(o);
  std::printf(
      "loss %.2f reorder %.2f seed %llu: %8.3f s, %7.2f Mbit/s, %5llu retrans, %4llu fast, "
      "%3llu recoveries, %3llu RTOs, %3llu undone, %3llu reorder seen\n",
      loss, reorder, static_cast<unsigned long long>(seed), to_seconds(r.finished - r.started),
      r.goodput_mbps(), static_cast<unsigned long long>(r.client.RetransSegs),
      static_cast<unsigned long long>(r.client.TCPFastRetrans),
      static_cast<unsigned long long>(r.client.TCPSackRecovery),
      static_cast<unsigned long long>(r.client.TCPTimeouts),
      static_cast<unsigned long long>(r.client.TCPFullUndo),
      static_cast<unsigned long long>(r.client.TCPSACKReorder));
  return r;
}

TEST(ReorderRecovery, Reproduction) {
  for (const double loss : {0.0, 0.05}) {
    for (const double reorder : {0.0, 0.10}) {
      const BulkResult r = transfer(loss, reorder, 1, 8u << 20);
      EXPECT_TRUE(r.byte_exact());
    }
  }
}

}  // namespace
}  // namespace synack::testing
