// Ladders built from a real simulated connection (support/tcp_pair: raw-IP link, 10 ms one
// way, client 198.18.0.1, server 198.18.0.2:80): arrows matched to the simulator's frames, a
// dropped first SYN, the RTO that resends it, and both sides' states from the TCP events.
#include "synack/viz/ladder_from_simulation.hpp"

#include <gtest/gtest.h>

#include "support/tcp_pair.hpp"
#include "synack/viz/svg_renderer.hpp"
#include "synack/viz/text_renderer.hpp"
#include "viz/viz_test_support.hpp"

namespace synack::viz::testing {
namespace {

using synack::testing::TcpPair;
using namespace tcp_flags;

std::vector<std::string> states_of(const Ladder& l, Side side) {
  std::vector<std::string> out;
  for (const StateMark& m : l.states) {
    if (m.side == side) out.push_back(m.state);
  }
  return out;
}

// Opens with the first SYN dropped on the wire, then the client closes, then the server.
struct LossyOpenAndClose {
  TcpPair p;
  std::vector<CapturedFrame> frames;

  explicit LossyOpenAndClose(bool record_frames = true) {
    if (record_frames) p.sim.on_frame(frame_recorder(frames));
    p.link->add_fault(sim::Direction::a_to_b, sim::FaultRule::drop(testbed::tcp_flags_equal(kSyn)));
    auto [c, s] = p.open();
    p.run_for(milliseconds(100));
    p.client.tcp().close(c);
    p.run_for(milliseconds(100));
    p.server.tcp().close(s);
    p.run_for(seconds(200));
  }
};

TEST(SimulationLadder, ArrowsStatesAndTimersOfALossyOpenAndClose) {
  LossyOpenAndClose run;
  const Ladder l = ladder_from_simulation(run.p.client_events, run.p.server_events, run.frames);
  EXPECT_EQ(l.left_name.rfind("client 198.18.0.1:", 0), 0u) << l.left_name;
  EXPECT_EQ(l.right_name, "server 198.18.0.2:80");

  // SYN (lost), SYN (resent), SYN-ACK, ACK, FIN, ACK, FIN, ACK.
  ASSERT_EQ(l.arrows.size(), 8u);
  const std::vector<Side> from = {Side::left, Side::left,  Side::right, Side::left,
                                  Side::left, Side::right, Side::right, Side::left};
  for (std::size_t i = 0; i < l.arrows.size(); ++i) {
    EXPECT_EQ(l.arrows[i].from, from[i]) << i;
    if (i == 0) continue;
    ASSERT_TRUE(l.arrows[i].arrival.has_value()) << i;
    EXPECT_EQ(*l.arrows[i].arrival - l.arrows[i].sent, milliseconds(10)) << i;
  }
  const Arrow& lost = l.arrows[0];
  EXPECT_FALSE(lost.arrival.has_value());
  EXPECT_EQ(lost.annotation, "fault_drop");
  EXPECT_EQ(lost.sent, kEpoch);
  EXPECT_FALSE(lost.retransmission);
  EXPECT_EQ(lost.label.rfind("SYN seq=", 0), 0u);
  EXPECT_NE(lost.label.find(" win=65535 [mss 1460,"), std::string::npos) << lost.label;
  EXPECT_TRUE(l.arrows[1].retransmission);
  EXPECT_EQ(l.arrows[1].label, lost.label);
  EXPECT_EQ(l.arrows[2].label.rfind("SYN,ACK seq=", 0), 0u);
  EXPECT_EQ(l.arrows[4].label.rfind("FIN,ACK seq=", 0), 0u);

  ASSERT_FALSE(l.timers.empty());
  EXPECT_EQ(l.timers.front().text, "RTO");
  EXPECT_EQ(l.timers.front().side, Side::left);
  EXPECT_EQ(l.timers.front().time, l.arrows[1].sent);
  EXPECT_EQ(l.timers.back().text, "2MSL timer");

  EXPECT_EQ(states_of(l, Side::left),
            (std::vector<std::string>{"SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
                                      "TIME_WAIT", "CLOSED"}));
  EXPECT_EQ(states_of(l, Side::right),
            (std::vector<std::string>{"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT",
                                      "LAST_ACK", "CLOSED"}));
}

TEST(SimulationLadder, RelativeNumbersCountFromEachIsn) {
  LossyOpenAndClose run;
  SimulationLadderOptions o;
  o.relative_seq = true;
  o.left_name = "C";
  o.right_name = "S";
  const Ladder l = ladder_from_simulation(run.p.client_events, run.p.server_events, run.frames, o);
  ASSERT_EQ(l.arrows.size(), 8u);
  EXPECT_EQ(l.left_name, "C");
  EXPECT_EQ(l.arrows[2].label.rfind("SYN,ACK seq=0 ack=1 win=", 0), 0u) << l.arrows[2].label;
  EXPECT_EQ(l.arrows[3].label, "ACK seq=1 ack=1 [ts]");
  EXPECT_EQ(l.arrows[4].label, "FIN,ACK seq=1 ack=1 [ts]");
  EXPECT_EQ(l.arrows[5].label, "ACK seq=1 ack=2 [ts]");
  EXPECT_EQ(l.arrows[7].label, "ACK seq=2 ack=2 [ts]");
}

TEST(SimulationLadder, WithoutFramesArrivalsComeFromReceiveEvents) {
  LossyOpenAndClose run(/*record_frames=*/false);
  const Ladder l = ladder_from_simulation(run.p.client_events, run.p.server_events, {});
  ASSERT_EQ(l.arrows.size(), 8u);
  EXPECT_FALSE(l.arrows[0].arrival.has_value());  // The server never received the first SYN.
  for (std::size_t i = 1; i < l.arrows.size(); ++i) {
    ASSERT_TRUE(l.arrows[i].arrival.has_value()) << i;
    EXPECT_EQ(*l.arrows[i].arrival - l.arrows[i].sent, milliseconds(10)) << i;
  }
  // No frame bytes: no options in the labels.
  EXPECT_EQ(l.arrows[0].label.find('['), std::string::npos);
}

TEST(SimulationLadder, DuplicatedFrameIsAnExtraArrow) {
  TcpPair p;
  std::vector<CapturedFrame> frames;
  p.sim.on_frame(frame_recorder(frames));
  p.link->add_fault(
      sim::Direction::b_to_a,
      sim::FaultRule::duplicate(testbed::tcp_flags_equal(kSyn | kAck), 1, milliseconds(5)));
  p.open();
  p.run_for(milliseconds(100));
  const Ladder l = ladder_from_simulation(p.client_events, p.server_events, frames);
  std::size_t duplicates = 0;
  for (const Arrow& a : l.arrows) {
    if (a.annotation != "duplicate") continue;
    ++duplicates;
    EXPECT_EQ(a.from, Side::right);
    EXPECT_EQ(a.label.rfind("SYN,ACK", 0), 0u);
    ASSERT_TRUE(a.arrival.has_value());
    EXPECT_EQ(*a.arrival - a.sent, milliseconds(15));
  }
  EXPECT_EQ(duplicates, 1u);
}

TEST(SimulationLadder, RendersBothWays) {
  LossyOpenAndClose run;
  const Ladder l = ladder_from_simulation(run.p.client_events, run.p.server_events, run.frames);
  const std::string text = render_text(l);
  EXPECT_NE(text.find("[timer: RTO]"), std::string::npos);
  EXPECT_NE(text.find("lost, fault_drop"), std::string::npos);
  const std::string path = temp_path("simulation.svg");
  write_file(path, render_svg(l));
  EXPECT_EQ(std::system(("xmllint --noout '" + path + "'").c_str()), 0);
}

}  // namespace
}  // namespace synack::viz::testing
