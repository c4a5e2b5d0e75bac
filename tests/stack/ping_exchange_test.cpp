// Two Hosts wired back to back by a tiny in-test loop (no simulator): every frame takes
// exactly 1 ms. Shows ARP resolution followed by an ICMP echo exchange, byte for byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>

#include "stack_test_support.hpp"

namespace synack::test {
namespace {

constexpr Duration kDelay = milliseconds(1);

struct TracedFrame {
  Instant sent_at;
  int from;
  ByteVector bytes;
};

// Moves frames between host 0 and host 1 with a fixed delay and records each one.
class BackToBack {
 public:
  BackToBack(Host& a, Host& b) : hosts_{&a, &b}, outputs_{{this, 0}, {this, 1}} {}

  // Runs every event up to and including `until`.
  void run_until(Instant until) {
    for (;;) {
      Instant next = earliest(hosts_[0]->next_deadline(), hosts_[1]->next_deadline());
      if (!in_flight_.empty()) next = earliest(next, in_flight_.front().arrives_at);
      if (next > until) return;
      now_ = std::max(now_, next);
      while (!in_flight_.empty() && in_flight_.front().arrives_at <= now_) {
        InFlight f = std::move(in_flight_.front());
        in_flight_.pop_front();
        hosts_[f.to]->receive_frame(now_, 0, f.bytes, outputs_[f.to]);
      }
      for (int i = 0; i < 2; ++i) {
        if (hosts_[i]->next_deadline() <= now_) hosts_[i]->poll(now_, outputs_[i]);
      }
    }
  }

  std::vector<TracedFrame> trace;

 private:
  struct InFlight {
    Instant arrives_at;
    int to;
    ByteVector bytes;
  };
  struct Output : FrameOutput {
    Output(BackToBack* link, int from) : link(link), from(from) {}
    void send_frame(std::size_t, Bytes frame) override {
      ByteVector bytes(frame.begin(), frame.end());
      link->trace.push_back({link->now_, from, bytes});
      link->in_flight_.push_back({link->now_ + kDelay, 1 - from, std::move(bytes)});
    }
    BackToBack* link;
    int from;
  };

  Host* hosts_[2];
  Output outputs_[2];
  std::deque<InFlight> in_flight_;  // equal delays keep it ordered by arrival
  Instant now_ = kEpoch;
};

InterfaceConfig config_b() {
  InterfaceConfig c;
  c.mac = kMacB;
  c.address = kIpB;
  c.prefix_length = 24;
  return c;
}

TEST(PingExchange, ArpThenEchoRequestAndReplyByteForByte) {
  Host a;
  Host b;
  a.add_interface(config_a());
  b.add_interface(config_b());
  BackToBack link(a, b);

  ASSERT_TRUE(a.ping(at_ms(0), kIpB, 0x1234, 7, 8));
  link.run_until(at_ms(100));

  const ByteVector arp_request = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00,
                                  0x01, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
                                  0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01, 0x00,
                                  0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x02};
  const ByteVector arp_reply = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00,
                                0x02, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02,
                                0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x02, 0x02,
                                0x00, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01};
  // IPv4 id zeroed (keyed per destination, checked below), no DF, TTL 64, ICMP; echo id 0x1234,
  // seq 7, data 00..07. Checksums (0x66d7 for both IP headers with id 0, 0xd9b4 request,
  // 0xe1b4 reply) computed independently with Python.
  const ByteVector echo_request = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00,
                                   0x00, 0x01, 0x08, 0x00, 0x45, 0x00, 0x00, 0x24, 0x00, 0x00,
                                   0x00, 0x00, 0x40, 0x01, 0x66, 0xd7, 0x0a, 0x00, 0x00, 0x01,
                                   0x0a, 0x00, 0x00, 0x02, 0x08, 0x00, 0xd9, 0xb4, 0x12, 0x34,
                                   0x00, 0x07, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
  const ByteVector echo_reply = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00,
                                 0x00, 0x02, 0x08, 0x00, 0x45, 0x00, 0x00, 0x24, 0x00, 0x00,
                                 0x00, 0x00, 0x40, 0x01, 0x66, 0xd7, 0x0a, 0x00, 0x00, 0x02,
                                 0x0a, 0x00, 0x00, 0x01, 0x00, 0x00, 0xe1, 0xb4, 0x12, 0x34,
                                 0x00, 0x07, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};

  ASSERT_EQ(link.trace.size(), 4u);
  EXPECT_EQ(link.trace[0].sent_at, at_ms(0));
  EXPECT_EQ(link.trace[0].from, 0);
  EXPECT_EQ(link.trace[0].bytes, arp_request);
  EXPECT_EQ(link.trace[1].sent_at, at_ms(1));
  EXPECT_EQ(link.trace[1].from, 1);
  EXPECT_EQ(link.trace[1].bytes, arp_reply);
  EXPECT_EQ(link.trace[2].sent_at, at_ms(2));
  EXPECT_EQ(link.trace[2].from, 0);
  EXPECT_EQ(with_ip_id_zeroed(link.trace[2].bytes, 14), echo_request);
  EXPECT_EQ(link.trace[3].sent_at, at_ms(3));
  EXPECT_EQ(link.trace[3].from, 1);
  EXPECT_EQ(with_ip_id_zeroed(link.trace[3].bytes, 14), echo_reply);

  const std::vector<PingReply> replies = a.take_ping_replies();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0], (PingReply{kIpB, 0x1234, 7, 8, true, at_ms(4)}));
  EXPECT_TRUE(a.take_ping_replies().empty());

  // Both sides learned each other: the second ping needs no ARP and takes one round trip.
  ASSERT_TRUE(a.ping(at_ms(10), kIpB, 0x1234, 8, 8));
  link.run_until(at_ms(100));
  ASSERT_EQ(link.trace.size(), 6u);
  EXPECT_EQ(link.trace[4].sent_at, at_ms(10));
  // A's second datagram to B takes the next identification of A's counter for B.
  EXPECT_EQ(ip_id_at(link.trace[4].bytes, 14),
            static_cast<std::uint16_t>(ip_id_at(link.trace[2].bytes, 14) + 1));
  EXPECT_EQ(link.trace[5].sent_at, at_ms(11));
  const std::vector<PingReply> second = a.take_ping_replies();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].sequence, 8);
  EXPECT_EQ(second[0].received_at, at_ms(12));

  EXPECT_EQ(a.counters().icmp_out_echos, 2u);
  EXPECT_EQ(a.counters().icmp_in_echo_reps, 2u);
  EXPECT_EQ(b.counters().icmp_in_echos, 2u);
  EXPECT_EQ(b.counters().icmp_out_echo_reps, 2u);
  EXPECT_EQ(a.next_deadline(), kNever);
  EXPECT_EQ(b.next_deadline(), kNever);
}

TEST(PingExchange, PingToSilentAddressFailsAfterFourArpRequestsInThreeSeconds) {
  Host a;
  Host b;
  a.add_interface(config_a());
  b.add_interface(config_b());
  BackToBack link(a, b);
  ASSERT_TRUE(a.ping(at_ms(0), Ipv4Address{{10, 0, 0, 99}}, 1, 1, 8));
  link.run_until(at_ms(2'999));
  EXPECT_EQ(a.counters().arp_unresolved_drops, 0u);
  link.run_until(at_ms(10'000));
  ASSERT_EQ(link.trace.size(), 4u);
  EXPECT_EQ(link.trace[0].sent_at, at_ms(0));
  EXPECT_EQ(link.trace[1].sent_at, at_ms(100));
  EXPECT_EQ(link.trace[2].sent_at, at_ms(1000));
  EXPECT_EQ(link.trace[3].sent_at, at_ms(2000));
  EXPECT_EQ(a.counters().arp_unresolved_drops, 1u);
  EXPECT_TRUE(a.take_ping_replies().empty());
  EXPECT_EQ(b.counters().arp_requests_received, 4u);
  EXPECT_EQ(b.counters().arp_replies_sent, 0u);
}

}  // namespace
}  // namespace synack::test
