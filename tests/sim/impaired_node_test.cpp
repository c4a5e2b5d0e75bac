// ImpairedNode: a simulated link's impairments in front of a real node. The tests put it in front
// of a server stack inside the simulator (over a clean link), so its effect is the only
// impairment and virtual time makes every count exact and repeatable.
#include "synack/sim/impaired_node.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "synack/scenario/world.hpp"
#include "synack/sim/simulator.hpp"

namespace synack::sim {
namespace {

using scenario::kClientIp;
using scenario::kServerIp;

struct Transfer {
  bool complete = false;
  ByteVector received;
  DirectionStats inbound;
  DirectionStats outbound;
  std::size_t still_held = 0;
  Instant finished;
};

ByteVector pattern(std::size_t n) {
  ByteVector v(n);
  std::uint32_t x = 12345;
  for (auto& b : v) {
    x = x * 1103515245 + 12345;
    b = static_cast<std::uint8_t>(x >> 16);
  }
  return v;
}

// The server (behind the impairment stage) sends `data` to the client and closes.
Transfer run_transfer(const Impairments& both, const ByteVector& data, std::uint64_t seed) {
  Simulator sim(1);
  Stack client(scenario::stack_config({}, 1, 1));
  Stack server(scenario::stack_config({}, 1, 2));
  client.add_interface(scenario::raw_interface(kClientIp, 24));
  server.add_interface(scenario::raw_interface(kServerIp, 24));
  ImpairedNode impaired(server, both, both, seed);
  const NodeId a = sim.add_node(client, "client");
  const NodeId b = sim.add_node(impaired, "server");
  Impairments clean;
  clean.delay = milliseconds(5);
  sim.connect(a, 0, b, 0, LinkConfig::symmetric(clean, LinkLayer::raw_ip));

  const auto l = server.tcp().listen(synack::Endpoint{IpAddress::v4(kServerIp), 80}, 4);
  const auto c = client.tcp().connect(sim.now(), synack::Endpoint{IpAddress::v4(kServerIp), 80});
  EXPECT_TRUE(l && c);
  std::optional<SocketId> s;
  std::size_t sent = 0;
  bool closed = false;
  Transfer t;
  std::uint8_t buf[4096];
  sim.run_until(
      [&] {
        if (!s) {
          if (auto a2 = server.tcp().accept(*l)) s = *a2;
        }
        if (s && sent < data.size()) {
          if (auto n = server.tcp().send(*s, Bytes{data.data() + sent, data.size() - sent})) {
            sent += *n;
          }
        }
        if (s && sent == data.size() && !closed) closed = server.tcp().close(*s).has_value();
        while (true) {
          auto n = client.tcp().recv(*c, MutableBytes{buf, sizeof buf});
          if (!n) break;
          if (*n == 0) return true;
          t.received.insert(t.received.end(), buf, buf + *n);
        }
        return false;
      },
      sim.now() + seconds(600));
  t.complete = t.received == data;
  t.inbound = impaired.inbound_stats();
  t.outbound = impaired.outbound_stats();
  t.still_held = impaired.held_count();
  t.finished = sim.now();
  return t;
}

TEST(ImpairedNodeTest, CleanStageOnlyAddsItsDelay) {
  Impairments none;
  none.delay = milliseconds(20);
  const ByteVector data = pattern(64 * 1024);
  const Transfer t = run_transfer(none, data, 3);
  EXPECT_TRUE(t.complete);
  EXPECT_EQ(t.inbound.frames_lost, 0u);
  EXPECT_EQ(t.outbound.frames_lost, 0u);
  EXPECT_EQ(t.inbound.frames_sent, t.inbound.frames_delivered);
  EXPECT_EQ(t.outbound.frames_sent, t.outbound.frames_delivered);
  EXPECT_GT(t.outbound.frames_sent, 40u);  // 64 KiB of data segments crossed the stage
}

TEST(ImpairedNodeTest, LossReorderAndDelayBothWaysStillByteExact) {
  Impairments bad;
  bad.loss = 0.05;
  bad.delay = milliseconds(10);
  bad.jitter = milliseconds(5);
  bad.reorder = 0.1;
  bad.reorder_delay = milliseconds(15);
  const ByteVector data = pattern(1024 * 1024);
  const Transfer t = run_transfer(bad, data, 7);
  EXPECT_TRUE(t.complete);
  EXPECT_GT(t.inbound.frames_lost, 0u);
  EXPECT_GT(t.outbound.frames_lost, 0u);
  EXPECT_GT(t.outbound.frames_reordered, 0u);
  // Every frame is accounted for: delivered, lost, or still on its way when the run stopped.
  EXPECT_EQ(t.outbound.frames_sent + t.inbound.frames_sent,
            t.outbound.frames_delivered + t.outbound.frames_lost + t.inbound.frames_delivered +
                t.inbound.frames_lost + t.still_held);

  // Same seed, same fates, same finishing time.
  const Transfer again = run_transfer(bad, data, 7);
  EXPECT_EQ(again.finished, t.finished);
  EXPECT_EQ(again.outbound.frames_lost, t.outbound.frames_lost);
  EXPECT_EQ(again.inbound.frames_lost, t.inbound.frames_lost);
}

TEST(ImpairedNodeTest, HeldFramesAreBounded) {
  Simulator sim(1);
  Stack server(scenario::stack_config({}, 1, 2));
  server.add_interface(scenario::raw_interface(kServerIp, 24));
  Impairments slow;
  slow.delay = seconds(10);
  ImpairedNode impaired(server, slow, slow, 1, /*max_held_frames=*/8);
  struct Null : FrameOutput {
    void send_frame(std::size_t, Bytes) override {}
  } out;
  const std::uint8_t junk[40] = {0x45};
  for (int i = 0; i < 20; ++i) impaired.receive_frame(kEpoch, 0, Bytes{junk, sizeof junk}, out);
  EXPECT_EQ(impaired.overflow_drops(), 12u);
  EXPECT_EQ(impaired.next_deadline(), kEpoch + seconds(10));
  impaired.poll(kEpoch + seconds(10), out);
  EXPECT_EQ(impaired.inbound_stats().frames_delivered, 8u);
}

}  // namespace
}  // namespace synack::sim
