// Captures of simulated links, and determinism: one seed, one byte-identical capture.
#include <gtest/gtest.h>

#include <cerrno>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <unistd.h>

#include "sim/scripted_node.hpp"
#include "synack/pcap/pcap_reader.hpp"
#include "synack/sim/simulator.hpp"

namespace synack::sim {
namespace {

using testing::make_frame;
using testing::ScriptedNode;
using testing::TwoNodes;

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("synack_sim_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

ByteVector file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return ByteVector(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Impairments everything_at_once() {
  Impairments imp;
  imp.loss = 0.1;
  imp.delay = milliseconds(5);
  imp.jitter = milliseconds(3);
  imp.reorder = 0.05;
  imp.reorder_delay = milliseconds(4);
  imp.duplicate = 0.05;
  imp.corrupt = 0.05;
  imp.bandwidth_bps = 10'000'000;
  imp.queue_limit_packets = 20;
  return imp;
}

// Two echoing hosts bouncing traffic over an impaired link; the pcap at `path` is an
// interface capture on b, which sees impairment outcomes (arrival times, corruption, loss).
void run_scenario(std::uint64_t seed, const std::string& path, bool add_unrelated_link = false) {
  Simulator sim{seed};
  ScriptedNode a, b, c, d;
  const NodeId ia = sim.add_node(a, "a");
  const NodeId ib = sim.add_node(b, "b");
  sim.connect(ia, 0, ib, 0, LinkConfig::symmetric(everything_at_once()));
  if (add_unrelated_link) {
    const NodeId ic = sim.add_node(c, "c");
    const NodeId id = sim.add_node(d, "d");
    sim.connect(ic, 0, id, 0, LinkConfig::symmetric(everything_at_once()));
    for (std::uint32_t i = 0; i < 300; ++i)
      c.send_at(kEpoch + microseconds(700 * i), make_frame(3, i));
  }
  b.set_echo(true);
  for (std::uint32_t i = 0; i < 500; ++i) {
    a.send_at(kEpoch + microseconds(300 * i), make_frame(0x20, i, 60 + (i * 37) % 1400));
  }
  ASSERT_TRUE(sim.capture_interface(ib, 0, path));
  sim.run_for(seconds(5));
  sim.close_captures();
}

TEST(Determinism, SameSeedGivesByteIdenticalCapture) {
  const std::string first = temp_path("seed7_a.pcap");
  const std::string second = temp_path("seed7_b.pcap");
  const std::string other = temp_path("seed8.pcap");
  run_scenario(7, first);
  run_scenario(7, second);
  run_scenario(8, other);
  const ByteVector one = file_bytes(first);
  EXPECT_GT(one.size(), 100'000u);
  EXPECT_EQ(one, file_bytes(second));
  EXPECT_NE(one, file_bytes(other));
  std::filesystem::remove(first);
  std::filesystem::remove(second);
  std::filesystem::remove(other);
}

TEST(Determinism, AddingALinkDoesNotPerturbOthers) {
  const std::string alone = temp_path("alone.pcap");
  const std::string crowded = temp_path("crowded.pcap");
  run_scenario(7, alone);
  run_scenario(7, crowded, true);
  EXPECT_EQ(file_bytes(alone), file_bytes(crowded));
  std::filesystem::remove(alone);
  std::filesystem::remove(crowded);
}

TEST(Capture, LinkCaptureRecordsBothDirectionsAtSendTimeEvenIfLost) {
  const std::string path = temp_path("link.pcap");
  LinkConfig config;
  config.a_to_b.loss = 1.0;  // Nothing from a arrives, but a still transmitted it.
  config.a_to_b.delay = milliseconds(9);
  config.b_to_a.delay = milliseconds(9);
  TwoNodes net{config};
  ASSERT_TRUE(net.sim.capture_link(net.link->id(), path));
  net.a.send_at(from_micros(1500), make_frame(0x0a, 1));
  net.b.send_at(from_micros(2500), make_frame(0x0b, 2));
  net.sim.run_for(seconds(1));
  net.sim.close_captures();
  EXPECT_TRUE(net.b.received.empty());
  ASSERT_EQ(net.a.received.size(), 1u);
  auto file = read_pcap(path);
  ASSERT_TRUE(file.has_value()) << file.error();
  EXPECT_EQ(file->link_type, PcapLinkType::ethernet);
  ASSERT_EQ(file->packets.size(), 2u);
  EXPECT_EQ(file->packets[0].time, from_micros(1500));
  EXPECT_EQ(file->packets[0].bytes, make_frame(0x0a, 1));
  EXPECT_EQ(file->packets[1].time, from_micros(2500));
  EXPECT_EQ(file->packets[1].bytes, make_frame(0x0b, 2));
  std::filesystem::remove(path);
}

TEST(Capture, InterfaceCaptureSeesWhatArrivesWhenItArrives) {
  const std::string path = temp_path("iface.pcap");
  Impairments imp;
  imp.delay = milliseconds(4);
  imp.corrupt = 1.0;
  TwoNodes net{LinkConfig::symmetric(imp, LinkLayer::raw_ip)};
  ASSERT_TRUE(net.sim.capture_interface(net.b_id, 0, path));
  net.a.send_at(from_micros(1000), make_frame(0x45, 1));
  net.b.send_at(from_micros(2000), make_frame(0x45, 2));
  net.sim.run_for(seconds(1));
  net.sim.close_captures();
  auto file = read_pcap(path);
  ASSERT_TRUE(file.has_value()) << file.error();
  EXPECT_EQ(file->link_type, PcapLinkType::raw_ip);
  ASSERT_EQ(file->packets.size(), 2u);
  // b's own send at 2 ms as sent; a's frame on arrival at 5 ms, as corrupted on the wire.
  EXPECT_EQ(file->packets[0].time, from_micros(2000));
  EXPECT_EQ(file->packets[0].bytes, make_frame(0x45, 2));
  EXPECT_EQ(file->packets[1].time, from_micros(5000));
  ASSERT_EQ(net.b.received.size(), 1u);
  EXPECT_EQ(file->packets[1].bytes, net.b.received[0].bytes);
  EXPECT_NE(file->packets[1].bytes, make_frame(0x45, 1));
  std::filesystem::remove(path);
}

TEST(Capture, ReportsUnwritablePathsAndUnconnectedInterfaces) {
  TwoNodes net{LinkConfig{}};
  const Status unwritable = net.sim.capture_link(net.link->id(), "/nonexistent-dir/x.pcap");
  ASSERT_FALSE(unwritable);
  EXPECT_EQ(unwritable.error(), ENOENT);
  EXPECT_EQ(unwritable.error().context, "/nonexistent-dir/x.pcap");
  const Status unconnected = net.sim.capture_interface(net.a_id, 5, temp_path("never.pcap"));
  ASSERT_FALSE(unconnected);
  EXPECT_EQ(unconnected.error(), ENOTCONN);
  EXPECT_EQ(unconnected.error().context, "a interface 5");
}

}  // namespace
}  // namespace synack::sim
