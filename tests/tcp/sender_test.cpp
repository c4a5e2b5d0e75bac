// TcpSender on its own, against a recording sink: which segment leaves when, what the timers
// do, RTT sampling. No second stack, no simulator.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "synack/tcp/loss_recovery.hpp"
#include "synack/tcp/sender.hpp"
#include "tcp/recording_output.hpp"

namespace synack::testing {
namespace {

using namespace tcp_flags;

struct SenderBench {
  explicit SenderBench(bool no_delay = false) {
    options.no_delay = no_delay;
    options.congestion = CongestionAlgorithm::kNewReno;
  }

  // A handshake with a 20 ms round trip: MSS 1460 both ways, 64 KiB window, no timestamps.
  void establish() {
    out.now = t0;
    sender.on_syn_sent(t0, false);
    TcpRepr synack;
    synack.flags = kSyn | kAck;
    synack.seq = SeqNum{5000};
    synack.ack = iss + 1;
    synack.window = 65535;
    sender.take_syn_window(synack);
    sender.negotiated(1460, false);
    sender.on_syn_acked(t0 + milliseconds(20), iss + 1);
    sink.segments.clear();
  }

  // The peer acknowledges up to `n` with `window`, as the connection's step five would apply it.
  void ack(Instant now, SeqNum n, std::uint16_t window = 65535) {
    InboundSegment seg;
    seg.header.flags = kAck;
    seg.header.seq = SeqNum{5001};
    seg.header.ack = n;
    seg.header.window = window;
    if (n > sender.snd_una()) {
      const auto acked = sender.acknowledge(now, seg, std::nullopt);
      recovery.on_cumulative_ack(now, sender.flight(), acked.bytes, acked.flight,
                                 sender.rtt().srtt(), sender.congestion());
      sender.restart_retransmission_timer(now);
    }
    sender.update_window(seg.header, 0);
  }

  void transmit(Instant now) {
    out.now = now;
    sender.transmit(now);
  }

  std::size_t push(std::size_t n) {
    std::vector<std::uint8_t> data(n);
    for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<std::uint8_t>(i * 7);
    return sender.push(data);
  }

  TcpConfig config;
  RecordingSink sink;
  TcpContext ctx{config, test_secrets(), sink};
  RecordingOutput out{ctx, sink};
  TcpSocketOptions options;
  SeqNum iss{1000};
  LossRecovery recovery{ctx.counters, iss};
  TcpSender sender{ctx, out, recovery, options, iss, 1460};
  Instant t0 = from_micros(1'000'000);
  Instant t1 = from_micros(2'000'000);
};

TEST(Sender, InitialWindowIsTenFullSegmentsThenTheRestAfterTheAck) {
  SenderBench b;
  b.establish();
  ASSERT_EQ(b.push(20000), 20000u);
  b.transmit(b.t1);
  ASSERT_EQ(b.sink.segments.size(), 10u);  // RFC 6928's initial window
  for (std::size_t i = 0; i < 10; ++i) {
    const RecordedSegment& s = b.sink.segments[i];
    EXPECT_EQ(s.seq(), b.iss + 1 + static_cast<std::uint32_t>(i * 1460));
    EXPECT_EQ(s.length(), 1460u);
    EXPECT_EQ(s.header.flags, kAck);  // no PSH: more data follows
    EXPECT_FALSE(s.retransmission);
  }
  EXPECT_EQ(b.sink.segments[3].payload[0], static_cast<std::uint8_t>(3 * 1460 * 7));
  // RFC 6298: 20 ms sample gives 60 ms, raised to the 200 ms floor.
  EXPECT_EQ(b.sender.retransmit_deadline(), b.t1 + milliseconds(200));

  b.ack(b.t1 + milliseconds(20), b.iss + 1 + 14600);
  b.transmit(b.t1 + milliseconds(20));
  // Slow start grew cwnd by 2 SMSS (RFC 3465); three full segments go, and Nagle holds the
  // 1020-byte tail while they are unacknowledged.
  ASSERT_EQ(b.sink.segments.size(), 13u);
  EXPECT_EQ(b.sender.congestion().cwnd(), 12 * 1460u);
  b.ack(b.t1 + milliseconds(40), b.iss + 1 + 14600 + 3 * 1460);
  b.transmit(b.t1 + milliseconds(40));
  ASSERT_EQ(b.sink.segments.size(), 14u);
  EXPECT_EQ(b.sink.segments[13].seq(), b.iss + 1 + 14600 + 3 * 1460);
  EXPECT_EQ(b.sink.segments[13].length(), 1020u);
  EXPECT_EQ(b.sink.segments[13].header.flags, kAck | kPsh);  // the end of what was written
  EXPECT_EQ(b.ctx.counters.OutSegs, 14u);
}

TEST(Sender, NagleHoldsASmallSegmentWhileDataIsUnacknowledged) {
  SenderBench b;
  b.establish();
  b.push(100);
  b.transmit(b.t1);
  b.push(100);
  b.transmit(b.t1 + milliseconds(1));
  ASSERT_EQ(b.sink.segments.size(), 1u);
  EXPECT_FALSE(b.sender.plan_segment().ready);
  b.ack(b.t1 + milliseconds(20), b.iss + 101);
  b.transmit(b.t1 + milliseconds(20));
  ASSERT_EQ(b.sink.segments.size(), 2u);
  EXPECT_EQ(b.sink.segments[1].seq(), b.iss + 101);
  EXPECT_EQ(b.sink.segments[1].length(), 100u);
}

TEST(Sender, NoDelaySendsTheSmallSegmentAtOnce) {
  SenderBench b(true);
  b.establish();
  b.push(100);
  b.transmit(b.t1);
  b.push(100);
  b.transmit(b.t1 + milliseconds(1));
  ASSERT_EQ(b.sink.segments.size(), 2u);
  EXPECT_EQ(b.sink.segments[1].seq(), b.iss + 101);
}

TEST(Sender, TimeoutResendsOneSegmentFromSndUnaAndBacksOff) {
  SenderBench b;
  b.establish();
  EXPECT_EQ(b.sender.rtt().srtt(), milliseconds(20));  // the SYN was timed
  b.push(3000);
  b.transmit(b.t1);
  ASSERT_EQ(b.sink.segments.size(), 2u);  // the 80-byte tail waits for Nagle
  const Instant expiry = b.sender.retransmit_deadline();
  ASSERT_EQ(expiry, b.t1 + milliseconds(200));

  b.out.now = expiry;
  ASSERT_TRUE(b.sender.on_retransmission_timeout(15));
  b.sender.congestion().on_retransmission_timeout(b.sender.flight_size());
  b.recovery.on_retransmission_timeout(b.sender.snd_una());
  b.sender.go_back(expiry);
  ASSERT_EQ(b.sink.segments.size(), 3u);
  EXPECT_EQ(b.sink.segments[2].seq(), b.iss + 1);
  EXPECT_EQ(b.sink.segments[2].length(), 1460u);  // the loss window: one segment
  EXPECT_TRUE(b.sink.segments[2].retransmission);
  EXPECT_EQ(b.sink.segments[2].reason, "data (resent after timeout)");
  EXPECT_EQ(b.sender.congestion().ssthresh(), 2 * 1460u);
  EXPECT_EQ(b.sender.retransmit_deadline(), expiry + milliseconds(400));  // RFC 6298 5.5
  EXPECT_EQ(b.sender.retransmissions(), 1);
  EXPECT_EQ(b.ctx.counters.RetransSegs, 1u);
}

TEST(Sender, GivesUpAfterTheRetryLimit) {
  SenderBench b;
  b.establish();
  b.push(10);
  b.transmit(b.t1);
  EXPECT_TRUE(b.sender.on_retransmission_timeout(2));
  EXPECT_TRUE(b.sender.on_retransmission_timeout(2));
  EXPECT_FALSE(b.sender.on_retransmission_timeout(2));
}

TEST(Sender, ZeroWindowArmsThePersistTimerAndProbesBelowSndUna) {
  SenderBench b;
  b.establish();
  b.ack(b.t1, b.iss + 1, 0);  // the peer closes its window
  b.push(100);
  b.transmit(b.t1);
  EXPECT_TRUE(b.sink.segments.empty());
  EXPECT_EQ(b.sender.retransmit_deadline(), kNever);
  ASSERT_EQ(b.sender.persist_deadline(), b.t1 + milliseconds(200));

  b.out.now = b.t1 + milliseconds(200);
  b.sender.on_persist_timeout(b.t1 + milliseconds(200));
  ASSERT_EQ(b.sink.segments.size(), 1u);
  EXPECT_EQ(b.sink.segments[0].seq(), b.iss);  // SND.UNA - 1: outside the peer's window
  EXPECT_EQ(b.sink.segments[0].length(), 0u);
  EXPECT_EQ(b.sink.segments[0].reason, "zero window probe");
  EXPECT_EQ(b.out.acks_carried, 0);
  EXPECT_EQ(b.ctx.counters.TCPWinProbe, 1u);
  EXPECT_EQ(b.sender.persist_deadline(), b.t1 + milliseconds(600));  // doubled

  b.ack(b.t1 + milliseconds(220), b.iss + 1, 1000);  // the window opens
  b.transmit(b.t1 + milliseconds(220));
  ASSERT_EQ(b.sink.segments.size(), 2u);
  EXPECT_EQ(b.sink.segments[1].seq(), b.iss + 1);
  EXPECT_EQ(b.sink.segments[1].length(), 100u);
  EXPECT_EQ(b.sender.persist_deadline(), kNever);
}

TEST(Sender, AnAckBeyondSndMaxOrOlderThanTheLargestWindowIsUnacceptable) {
  SenderBench b;
  b.establish();
  b.push(1000);
  b.transmit(b.t1);
  EXPECT_FALSE(b.sender.ack_unacceptable(b.iss + 1001));
  EXPECT_TRUE(b.sender.ack_unacceptable(b.iss + 1002));
  EXPECT_FALSE(b.sender.ack_unacceptable(b.iss + 1 - 65535));
  EXPECT_TRUE(b.sender.ack_unacceptable(b.iss - 65535));
}

}  // namespace
}  // namespace synack::testing
