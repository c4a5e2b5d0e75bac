// TcpReceiver on its own: when ACKs are due, reassembly and the SACK blocks it reports,
// trimming to the window, the FIN, TS.Recent and the advertised window.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "synack/tcp/receiver.hpp"
#include "tcp/recording_output.hpp"

namespace synack::testing {
namespace {

using namespace tcp_flags;

struct ReceiverBench {
  explicit ReceiverBench(std::size_t buffer = 65536) : receiver(ctx, tuple, buffer, 1460, 0) {
    for (std::size_t i = 0; i < stream.size(); ++i) stream[i] = static_cast<std::uint8_t>(i * 13);
    receiver.on_syn(SeqNum{5000});
  }

  // Stream bytes [offset, offset + length) as a segment (offset 0 is RCV.NXT after the SYN).
  InboundSegment segment(std::uint32_t offset, std::uint32_t length, bool fin = false) const {
    InboundSegment seg;
    seg.header.flags = static_cast<std::uint8_t>(kAck | (fin ? kFin : 0));
    seg.header.seq = SeqNum{5001} + offset;
    seg.payload = Bytes{stream.data() + offset, length};
    return seg;
  }
  // Trims and accepts; true when the FIN is in order.
  bool arrive(Instant now, const InboundSegment& seg) {
    const auto text = receiver.trim(now, seg);
    return text && receiver.accept(now, *text);
  }

  TcpConfig config;
  RecordingSink sink;
  TcpContext ctx{config, test_secrets(), sink};
  FourTuple tuple;
  std::array<std::uint8_t, 20000> stream{};
  TcpReceiver receiver;
  Instant t0 = from_micros(1'000'000);
};

TEST(Receiver, EverySecondSegmentIsAckedAtOnceTheFirstIsDelayed) {
  ReceiverBench b;
  EXPECT_FALSE(b.arrive(b.t0, b.segment(0, 1460)));
  EXPECT_FALSE(b.receiver.ack_due());
  EXPECT_EQ(b.receiver.delayed_ack_deadline(), b.t0 + milliseconds(40));
  EXPECT_FALSE(b.arrive(b.t0 + milliseconds(1), b.segment(1460, 1460)));
  EXPECT_TRUE(b.receiver.ack_due());  // RFC 5681 4.2: at least every second full segment
  EXPECT_EQ(b.receiver.rcv_nxt(), SeqNum{5001 + 2920});
  b.receiver.on_ack_sent();
  EXPECT_FALSE(b.receiver.ack_due());
  EXPECT_EQ(b.receiver.delayed_ack_deadline(), kNever);
  EXPECT_EQ(b.receiver.last_ack_sent(), SeqNum{5001 + 2920});

  b.arrive(b.t0 + milliseconds(2), b.segment(2920, 100));
  b.receiver.on_delayed_ack_deadline(b.t0 + milliseconds(41));
  EXPECT_FALSE(b.receiver.ack_due());
  b.receiver.on_delayed_ack_deadline(b.t0 + milliseconds(42));
  EXPECT_TRUE(b.receiver.ack_due());
  EXPECT_EQ(b.receiver.ack_reason(), "delayed ACK");
}

TEST(Receiver, OutOfOrderDataIsSackedAndDeliveredOnceTheHoleFills) {
  ReceiverBench b;
  b.arrive(b.t0, b.segment(1460, 1460));
  EXPECT_TRUE(b.receiver.ack_due());  // RFC 5681 4.2: out of order, ACK at once
  EXPECT_EQ(b.receiver.rcv_nxt(), SeqNum{5001});
  EXPECT_EQ(b.ctx.counters.TCPOFOQueue, 1u);
  TcpOptions options;
  ASSERT_EQ(b.receiver.sack_blocks(options), 1u);
  EXPECT_EQ(options.sack_blocks[0].left, SeqNum{5001 + 1460});
  EXPECT_EQ(options.sack_blocks[0].right, SeqNum{5001 + 2920});
  b.receiver.on_ack_sent();

  b.arrive(b.t0 + milliseconds(1), b.segment(0, 1460));
  EXPECT_TRUE(b.receiver.ack_due());  // it filled a hole
  EXPECT_EQ(b.receiver.rcv_nxt(), SeqNum{5001 + 2920});
  EXPECT_EQ(b.receiver.sack_blocks(options), 0u);
  std::array<std::uint8_t, 4000> out{};
  ASSERT_EQ(b.receiver.read(out), 2920u);
  EXPECT_TRUE(std::equal(out.begin(), out.begin() + 2920, b.stream.begin()));
}

TEST(Receiver, TextBeyondTheWindowIsTrimmedAndCounted) {
  ReceiverBench b(4096);
  EXPECT_FALSE(b.arrive(b.t0, b.segment(0, 5000, true)));  // the FIN is cut off with the text
  EXPECT_EQ(b.receiver.rcv_nxt(), SeqNum{5001 + 4096});
  EXPECT_EQ(b.ctx.counters.TCPRcvQDrop, 1u);
  EXPECT_FALSE(b.receiver.fin_received());
  EXPECT_FALSE(b.receiver.trim(b.t0, b.segment(4096, 10)).has_value());  // no room at all
  EXPECT_EQ(b.ctx.counters.TCPRcvQDrop, 2u);
  EXPECT_TRUE(b.receiver.ack_due());
}

TEST(Receiver, AFinCountsOnceTheDataBeforeItIsComplete) {
  ReceiverBench b;
  EXPECT_FALSE(b.arrive(b.t0, b.segment(100, 50, true)));  // out of order with FIN
  EXPECT_TRUE(b.arrive(b.t0, b.segment(0, 100)));
  b.receiver.accept_fin();
  EXPECT_TRUE(b.receiver.fin_received());
  EXPECT_EQ(b.receiver.rcv_nxt(), SeqNum{5001 + 151});
}

TEST(Receiver, TsRecentFollowsTheSegmentThatCoversLastAckSent) {
  ReceiverBench b;
  b.receiver.negotiated(0, 100);
  b.receiver.on_ack_sent();  // Last.ACK.sent = 5001
  InboundSegment seg = b.segment(0, 10);
  seg.header.options.timestamps = TcpTimestamps{200, 0};
  b.receiver.remember_timestamp(seg);
  EXPECT_EQ(b.receiver.ts_recent(), 200u);
  InboundSegment later = b.segment(1000, 10);  // beyond Last.ACK.sent: not this one
  later.header.options.timestamps = TcpTimestamps{300, 0};
  b.receiver.remember_timestamp(later);
  EXPECT_EQ(b.receiver.ts_recent(), 200u);
  EXPECT_TRUE(b.receiver.older_than_ts_recent(199));
  EXPECT_FALSE(b.receiver.older_than_ts_recent(200));
}

TEST(Receiver, TheRightEdgeMovesOnlyByAFullSegment) {
  ReceiverBench b;
  EXPECT_EQ(b.receiver.advertised_window(), 65535);  // 64 KiB, capped by the field
  b.arrive(b.t0, b.segment(0, 1460));
  EXPECT_EQ(b.receiver.advertised_window(), 65536 - 1460);  // unread: the edge stays
  std::array<std::uint8_t, 100> out{};
  b.receiver.read(out);
  // 100 bytes free are less than one MSS: silly-window avoidance keeps the edge (3.8.6.2.2).
  EXPECT_EQ(b.receiver.advertised_window(), 65536 - 1460);
  EXPECT_FALSE(b.receiver.window_update_due());
  std::array<std::uint8_t, 1360> rest{};
  b.receiver.read(rest);
  EXPECT_EQ(b.receiver.advertised_window(), 65535);  // the whole buffer free again
}

TEST(Receiver, AcceptabilityFollowsTheFourCases) {
  ReceiverBench b(4096);
  InboundSegment empty = b.segment(0, 0);
  EXPECT_TRUE(b.receiver.acceptable(empty));
  empty.header.seq = SeqNum{5001 + 4096};
  EXPECT_FALSE(b.receiver.acceptable(empty));
  EXPECT_TRUE(b.receiver.acceptable(b.segment(4000, 500)));  // starts inside
  InboundSegment before = b.segment(0, 100);
  before.header.seq = SeqNum{4950};  // ends inside
  EXPECT_TRUE(b.receiver.acceptable(before));
  before.header.seq = SeqNum{4800};  // entirely old
  EXPECT_FALSE(b.receiver.acceptable(before));
}

}  // namespace
}  // namespace synack::testing

namespace synack::testing {
namespace {

TEST(Receiver, DuplicatesAreReportedOnceByADsackBlock) {
  ReceiverBench b;
  b.arrive(b.t0, b.segment(0, 1000));
  b.receiver.on_ack_sent();
  // A retransmission overlapping what we have: the old part is the D-SACK (RFC 2883 4.1.1).
  b.arrive(b.t0, b.segment(500, 1000));
  TcpOptions options;
  ASSERT_EQ(b.receiver.sack_blocks(options), 1u);
  EXPECT_EQ(options.sack_blocks[0].left, SeqNum{5001 + 500});
  EXPECT_EQ(options.sack_blocks[0].right, SeqNum{5001 + 1000});
  b.receiver.on_ack_sent();
  EXPECT_EQ(b.receiver.sack_blocks(options), 0u);  // reported once

  // A segment wholly below RCV.NXT (unacceptable, answered with an ACK).
  b.receiver.note_old_duplicate(b.segment(0, 1000));
  ASSERT_EQ(b.receiver.sack_blocks(options), 1u);
  EXPECT_EQ(options.sack_blocks[0].left, SeqNum{5001});
  EXPECT_EQ(options.sack_blocks[0].right, SeqNum{5001 + 1000});
  b.receiver.on_ack_sent();

  // Out-of-order data received twice: the D-SACK, then the block holding it (RFC 2883 4.1.2).
  b.arrive(b.t0, b.segment(3000, 1000));
  b.receiver.on_ack_sent();
  b.arrive(b.t0, b.segment(3000, 1000));
  ASSERT_EQ(b.receiver.sack_blocks(options), 2u);
  EXPECT_EQ(options.sack_blocks[0].left, SeqNum{5001 + 3000});
  EXPECT_EQ(options.sack_blocks[1].left, SeqNum{5001 + 3000});
  EXPECT_EQ(options.sack_blocks[1].right, SeqNum{5001 + 4000});
}

TEST(Receiver, NoDsackForTextFarBelowTheWindow) {
  ReceiverBench b(4096);
  b.arrive(b.t0, b.segment(0, 1000));
  InboundSegment forged = b.segment(0, 10);
  forged.header.seq = SeqNum{5001} - 100000;  // not anything we could have received
  b.receiver.note_old_duplicate(forged);
  EXPECT_FALSE(b.receiver.dsack().has_value());
}

}  // namespace
}  // namespace synack::testing
