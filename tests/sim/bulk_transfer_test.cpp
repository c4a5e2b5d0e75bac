// The bulk-transfer engine behind `synack demo` and the stream tests, at its edges: a transfer
// smaller than the send buffer (all of it queued before the handshake completes) and a capture
// that cannot be written.
#include <gtest/gtest.h>

#include <cerrno>

#include "synack/sim/bulk_transfer.hpp"

namespace synack::sim {
namespace {

TEST(BulkTransfer, ATransferSmallerThanTheSendBufferArrivesWhole) {
  BulkOptions o;
  o.bytes = 200'000;  // queued at once; writing must not be shut before ESTABLISHED
  o.data_path = path(0);
  o.ack_path = path(0);
  const BulkResult r = run_bulk(o);
  EXPECT_TRUE(r.completed);
  EXPECT_EQ(r.sent, 200'000u);
  EXPECT_EQ(r.received, 200'000u);
  EXPECT_TRUE(r.byte_exact());
  EXPECT_EQ(r.client.ActiveOpens, 1u);
  EXPECT_EQ(r.client.AttemptFails, 0u);
}

TEST(BulkTransfer, AnUnwritableCaptureStopsTheRunWithTheReason) {
  BulkOptions o;
  o.bytes = 1000;
  o.capture_path = "/nonexistent-directory/bulk.pcap";
  const BulkResult r = run_bulk(o);
  ASSERT_TRUE(r.capture_error.has_value());
  EXPECT_EQ(*r.capture_error, ENOENT);
  EXPECT_EQ(r.capture_error->context, "/nonexistent-directory/bulk.pcap");
  EXPECT_FALSE(r.completed);
  EXPECT_EQ(r.sent, 0u);
}

}  // namespace
}  // namespace synack::sim
