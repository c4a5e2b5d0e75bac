#pragma once
// Test nodes for the simulator tests: frames are opaque bytes crafted by hand.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "synack/core/bytes.hpp"
#include "synack/core/time.hpp"
#include "synack/sim/simulator.hpp"
#include "synack/stack/node.hpp"

namespace synack::sim::testing {

// A frame of `length` bytes: byte 0 is `tag`, bytes 1..4 carry `number` big-endian, the rest
// is a fixed pattern.
inline ByteVector make_frame(std::uint8_t tag, std::uint32_t number, std::size_t length = 100) {
  ByteVector frame(length);
  for (std::size_t i = 0; i < length; ++i) frame[i] = static_cast<std::uint8_t>(i * 7 + 3);
  frame[0] = tag;
  store_be32(frame.data() + 1, number);
  return frame;
}
inline std::uint32_t frame_number(Bytes frame) {
  return load_be32(frame.data() + 1);
}

// Sends frames at scripted times and records everything it receives, and the order of the
// calls it gets ("rx" / "poll"), so tests can check event ordering.
class ScriptedNode : public NetworkNode {
 public:
  struct Received {
    Instant time;
    std::size_t iface = 0;
    ByteVector bytes;
  };

  void send_at(Instant at, ByteVector frame, std::size_t iface = 0) {
    pending_.emplace(at, std::pair{iface, std::move(frame)});
  }
  // What application code does between runs: queue output due immediately.
  void send_soon(ByteVector frame, std::size_t iface = 0) {
    send_at(kEpoch, std::move(frame), iface);
  }
  void set_echo(bool echo) { echo_ = echo; }

  void receive_frame(Instant now, std::size_t iface, Bytes frame, FrameOutput& out) override {
    received.push_back(Received{now, iface, ByteVector(frame.begin(), frame.end())});
    calls.push_back("rx@" + std::to_string(to_micros(now)));
    if (echo_) out.send_frame(iface, frame);
  }
  void poll(Instant now, FrameOutput& out) override {
    calls.push_back("poll@" + std::to_string(to_micros(now)));
    while (!pending_.empty() && pending_.begin()->first <= now) {
      auto node = pending_.extract(pending_.begin());
      sent_times.push_back(now);
      out.send_frame(node.mapped().first, as_bytes(node.mapped().second));
    }
  }
  Instant next_deadline() const override {
    return pending_.empty() ? kNever : pending_.begin()->first;
  }

  std::vector<Received> received;
  std::vector<std::string> calls;
  std::vector<Instant> sent_times;

 private:
  std::multimap<Instant, std::pair<std::size_t, ByteVector>> pending_;
  bool echo_ = false;
};

// Sends `count` frames, one every `period`, starting at `period`.
class PeriodicNode : public NetworkNode {
 public:
  PeriodicNode(Duration period, std::uint32_t count) : period_(period), count_(count) {}
  void receive_frame(Instant, std::size_t, Bytes, FrameOutput&) override { ++received; }
  void poll(Instant now, FrameOutput& out) override {
    ++polls;
    while (sent < count_ && next_send() <= now) {
      const ByteVector frame = make_frame(0x01, sent);
      out.send_frame(0, as_bytes(frame));
      ++sent;
    }
  }
  Instant next_deadline() const override { return sent < count_ ? next_send() : kNever; }

  std::uint32_t sent = 0;
  std::uint32_t received = 0;
  std::uint32_t polls = 0;

 private:
  Instant next_send() const { return kEpoch + period_ * (sent + 1); }
  Duration period_;
  std::uint32_t count_;
};

// A buggy node that always claims to have work and never does it.
class LivelockNode : public NetworkNode {
 public:
  void receive_frame(Instant, std::size_t, Bytes, FrameOutput&) override {}
  void poll(Instant, FrameOutput&) override { ++polls; }
  Instant next_deadline() const override { return kEpoch; }
  std::uint32_t polls = 0;
};

// Two scripted nodes joined by one link, with every FrameRecord kept (bytes copied out).
struct TwoNodes {
  struct Seen {
    FrameRecord record;
    ByteVector bytes;
  };

  explicit TwoNodes(const LinkConfig& config, std::uint64_t seed = 1, SimulatorOptions options = {})
      : sim(seed, options) {
    a_id = sim.add_node(a, "a");
    b_id = sim.add_node(b, "b");
    link = &sim.connect(a_id, 0, b_id, 0, config);
    sim.on_frame([this](const FrameRecord& r) {
      Seen seen{r, ByteVector(r.bytes.begin(), r.bytes.end())};
      seen.record.bytes = {};
      seen_frames.push_back(std::move(seen));
    });
  }
  std::size_t count(FrameFate fate) const {
    std::size_t n = 0;
    for (const Seen& s : seen_frames) n += s.record.fate == fate ? 1 : 0;
    return n;
  }
  const DirectionStats& forward() const { return link->stats(Direction::a_to_b); }

  Simulator sim;
  ScriptedNode a;
  ScriptedNode b;
  NodeId a_id = 0;
  NodeId b_id = 0;
  Link* link = nullptr;
  std::vector<Seen> seen_frames;
};

}  // namespace synack::sim::testing
