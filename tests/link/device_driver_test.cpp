// DeviceDriver over a socketpair(AF_UNIX, SOCK_SEQPACKET): the test is the peer on the other end
// (as the kernel is behind a TUN device), writing hand-built IPv4 packets whose checksums come
// from the test support's own RFC 1071 code, and reading back what a real synack Stack with a
// raw-IP interface answers. A scripted node checks the step order and timer handling exactly.
#include "synack/link/device_driver.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>
#include <cstdio>
#include <cstdlib>

#include <cerrno>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "stack/stack_test_support.hpp"
#include "synack/link/monotonic_clock.hpp"
#include "synack/link/wall_clock.hpp"
#include "synack/pcap/pcap_reader.hpp"
#include "synack/stack/ip_id.hpp"
#include "synack/stack/stack.hpp"

namespace synack {
namespace {

using test::append;
using test::append16;
using test::icmp_echo;
using test::ipv4_packet;
using test::reference_checksum;

// RFC 2544 benchmarking space, never routed: the only addresses these tests use.
constexpr Ipv4Address kPeerIp{{198, 18, 0, 1}};
constexpr Ipv4Address kStackIp{{198, 18, 0, 2}};
constexpr std::uint16_t kPeerPort = 40000;
constexpr std::uint16_t kStackPort = 80;
constexpr std::uint8_t kIpProtocolIcmp = 1;
constexpr std::uint8_t kIpProtocolTcp = 6;

// The test's end of the socketpair: one write or read is one frame.
class PacketPeer {
 public:
  PacketPeer() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
    driver_fd_ = fds[0];
    peer_fd_ = fds[1];
  }
  ~PacketPeer() {
    close_peer();
    ::close(driver_fd_);
  }
  PacketPeer(const PacketPeer&) = delete;
  PacketPeer& operator=(const PacketPeer&) = delete;

  int driver_fd() const { return driver_fd_; }
  int peer_fd() const { return peer_fd_; }
  void write(const ByteVector& frame) const {
    ASSERT_EQ(::write(peer_fd_, frame.data(), frame.size()), static_cast<ssize_t>(frame.size()));
  }
  // The next frame the driver wrote, if one is waiting.
  std::optional<ByteVector> read() const {
    ByteVector buffer(70000);
    const ssize_t n = ::read(peer_fd_, buffer.data(), buffer.size());
    if (n < 0) {
      EXPECT_EQ(errno, EAGAIN);
      return std::nullopt;
    }
    buffer.resize(static_cast<std::size_t>(n));
    return buffer;
  }
  void close_peer() {
    if (peer_fd_ >= 0) ::close(peer_fd_);
    peer_fd_ = -1;
  }

 private:
  int driver_fd_ = -1;
  int peer_fd_ = -1;
};

// Runs `loop` until the peer has read `count` frames (or ten seconds pass: a failure, not a hang).
std::vector<ByteVector> collect(EventLoop& loop, const PacketPeer& peer, std::size_t count) {
  std::vector<ByteVector> frames;
  loop.watch(peer.peer_fd(), EPOLLIN, [&](std::uint32_t) {
    while (auto frame = peer.read()) frames.push_back(std::move(*frame));
    if (frames.size() >= count) loop.stop();
  });
  loop.run(monotonic_now() + seconds(10));
  loop.unwatch(peer.peer_fd());
  return frames;
}

InterfaceConfig raw_ip_interface() {
  InterfaceConfig config;
  config.address = kStackIp;
  config.prefix_length = 24;
  config.ethernet = false;  // a TUN-style link: frames are IPv4 packets
  return config;
}

ByteVector echo_data() {
  const std::string text = "synack device driver";
  return ByteVector(text.begin(), text.end());
}

ByteVector echo_request(std::uint16_t sequence) {
  return ipv4_packet(kPeerIp, kStackIp, kIpProtocolIcmp,
                     icmp_echo(/*reply=*/false, 0x5a5a, sequence, echo_data()), 0x1111);
}

// The Stack's IP identification key, fixed so that its IDs can be expected exactly.
const SecretKey kIpIdKey{7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};

StackConfig stack_config() {
  StackConfig c;
  c.host.ip_id_key = kIpIdKey;
  return c;
}

// The identification of the Stack's n-th datagram (0-based) to the peer: consecutive values of
// its keyed counter for this destination (RFC 6864, tested in tests/stack).
std::uint16_t nth_id(std::uint16_t n) {
  IpIdGenerator ids(kIpIdKey);
  std::uint16_t id = 0;
  for (std::uint16_t i = 0; i <= n; ++i) id = ids.next(kStackIp, kPeerIp, kIpProtocolIcmp);
  return id;
}

// What the Stack must answer: RFC 792 echo reply, its `n`-th datagram, no DF, TTL 64.
ByteVector echo_reply(std::uint16_t sequence, std::uint16_t n) {
  return ipv4_packet(kStackIp, kPeerIp, kIpProtocolIcmp,
                     icmp_echo(/*reply=*/true, 0x5a5a, sequence, echo_data()), nth_id(n), 0);
}

namespace tcp_flags {
constexpr std::uint8_t kFin = 0x01;
constexpr std::uint8_t kSyn = 0x02;
constexpr std::uint8_t kPsh = 0x08;
constexpr std::uint8_t kAck = 0x10;
}  // namespace tcp_flags

// An IPv4/TCP packet from the peer with a 20-byte header (no options), checksummed over the
// RFC 9293 section 3.1 pseudo-header.
ByteVector peer_segment(std::uint32_t seq, std::uint32_t ack, std::uint8_t flags,
                        const ByteVector& payload = {}) {
  ByteVector tcp;
  append16(tcp, kPeerPort);
  append16(tcp, kStackPort);
  append16(tcp, static_cast<std::uint16_t>(seq >> 16));
  append16(tcp, static_cast<std::uint16_t>(seq));
  append16(tcp, static_cast<std::uint16_t>(ack >> 16));
  append16(tcp, static_cast<std::uint16_t>(ack));
  append(tcp, {0x50, flags, 0xff, 0xff, 0, 0, 0, 0});  // offset 5, window 65535
  append(tcp, Bytes{payload});
  ByteVector pseudo;
  append(pseudo, kPeerIp);
  append(pseudo, kStackIp);
  append(pseudo, {0, kIpProtocolTcp});
  append16(pseudo, static_cast<std::uint16_t>(tcp.size()));
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < pseudo.size(); i += 2) sum += (pseudo[i] << 8) | pseudo[i + 1];
  const std::uint16_t checksum = reference_checksum(Bytes{tcp}, sum);
  tcp[16] = static_cast<std::uint8_t>(checksum >> 8);
  tcp[17] = static_cast<std::uint8_t>(checksum);
  return ipv4_packet(kPeerIp, kStackIp, kIpProtocolTcp, tcp);
}

// A TCP segment the Stack sent, split by offsets (RFC 9293 section 3.1) after checking the IPv4
// header and both checksums with the reference code.
struct StackSegment {
  std::uint16_t source_port, destination_port;
  std::uint32_t seq, ack;
  std::uint8_t flags;
  std::uint16_t window;
  ByteVector options, payload;
};

StackSegment parse_stack_segment(const ByteVector& packet) {
  EXPECT_GE(packet.size(), 40u);
  if (packet.size() < 40) return {};
  EXPECT_EQ(packet[0], 0x45);
  EXPECT_EQ(load_be16(&packet[2]), packet.size());
  EXPECT_EQ(packet[8], 64);  // TTL
  EXPECT_EQ(packet[9], kIpProtocolTcp);
  EXPECT_EQ(reference_checksum(Bytes{packet.data(), 20}), 0) << "IPv4 header checksum";
  EXPECT_EQ(Ipv4Address({packet[12], packet[13], packet[14], packet[15]}), kStackIp);
  EXPECT_EQ(Ipv4Address({packet[16], packet[17], packet[18], packet[19]}), kPeerIp);
  const Bytes tcp{packet.data() + 20, packet.size() - 20};
  ByteVector pseudo;
  append(pseudo, kStackIp);
  append(pseudo, kPeerIp);
  append(pseudo, {0, kIpProtocolTcp});
  append16(pseudo, static_cast<std::uint16_t>(tcp.size()));
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < pseudo.size(); i += 2) sum += (pseudo[i] << 8) | pseudo[i + 1];
  EXPECT_EQ(reference_checksum(tcp, sum), 0) << "TCP checksum";
  const std::size_t header_length = static_cast<std::size_t>(tcp[12] >> 4) * 4;
  StackSegment s;
  s.source_port = load_be16(&tcp[0]);
  s.destination_port = load_be16(&tcp[2]);
  s.seq = load_be32(&tcp[4]);
  s.ack = load_be32(&tcp[8]);
  s.flags = tcp[13];
  s.window = load_be16(&tcp[14]);
  EXPECT_EQ(load_be16(&tcp[18]), 0);  // urgent pointer
  s.options.assign(tcp.begin() + 20, tcp.begin() + static_cast<std::ptrdiff_t>(header_length));
  s.payload.assign(tcp.begin() + static_cast<std::ptrdiff_t>(header_length), tcp.end());
  return s;
}

ByteVector text_bytes(const std::string& text) {
  return ByteVector(text.begin(), text.end());
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("synack_driver_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

// A fixture's loop: without epoll the tests cannot run at all, so a failure stops them here.
EventLoop new_event_loop() {
  auto loop = EventLoop::create();
  if (!loop) {
    std::fprintf(stderr, "EventLoop::create: %s\n", loop.error().message().c_str());
    std::abort();
  }
  return std::move(*loop);
}

class StackBehindDriver : public ::testing::Test {
 protected:
  StackBehindDriver() { stack.add_interface(raw_ip_interface()); }

  PacketPeer peer;
  EventLoop loop = new_event_loop();
  Stack stack{stack_config()};
};

TEST_F(StackBehindDriver, AnswersAnEchoRequestWithAnExactEchoReply) {
  DeviceDriver driver(loop, stack, peer.driver_fd());
  peer.write(echo_request(7));
  const std::vector<ByteVector> frames = collect(loop, peer, 1);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], echo_reply(7, 0));
  const DeviceDriver::Stats& stats = driver.stats();
  EXPECT_EQ(stats.frames_in, 1u);
  EXPECT_EQ(stats.frames_out, 1u);
  EXPECT_EQ(stats.bytes_in, echo_request(7).size());
  EXPECT_EQ(stats.bytes_out, echo_reply(7, 0).size());
  EXPECT_EQ(stats.write_errors, 0u);
  EXPECT_EQ(stats.read_errors, 0u);
  EXPECT_EQ(stats.read_wakeups, 1u);
}

TEST_F(StackBehindDriver, ReadsQueuedFramesInBatchesOfAtMostSixtyFour) {
  DeviceDriver driver(loop, stack, peer.driver_fd());
  constexpr std::uint16_t kCount = 100;
  std::size_t request_bytes = 0;
  for (std::uint16_t i = 0; i < kCount; ++i) {
    peer.write(echo_request(i));
    request_bytes += echo_request(i).size();
  }
  const std::vector<ByteVector> frames = collect(loop, peer, kCount);
  ASSERT_EQ(frames.size(), kCount);
  for (std::uint16_t i = 0; i < kCount; ++i) EXPECT_EQ(frames[i], echo_reply(i, i)) << i;
  // All 100 were queued before the loop ran: one wakeup of 64, one of the remaining 36.
  EXPECT_EQ(driver.stats().read_wakeups, 2u);
  EXPECT_EQ(driver.stats().frames_in, kCount);
  EXPECT_EQ(driver.stats().frames_out, kCount);
  EXPECT_EQ(driver.stats().bytes_in, request_bytes);
  EXPECT_EQ(driver.stats().bytes_out, kCount * echo_reply(0, 0).size());
}

TEST_F(StackBehindDriver, CountsAndDropsFramesTheFdCannotTake) {
  // The smallest send buffer the kernel allows: a few replies fill it while the peer reads
  // nothing, and the rest must be dropped, not block the driver or pile up in memory.
  const int small = 1;
  ASSERT_EQ(::setsockopt(peer.driver_fd(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
  DeviceDriver driver(loop, stack, peer.driver_fd());
  constexpr std::uint16_t kCount = 100;
  driver.set_after_step([&](Instant) {
    if (driver.stats().frames_in == kCount) loop.stop();
  });
  for (std::uint16_t i = 0; i < kCount; ++i) peer.write(echo_request(i));
  loop.run(monotonic_now() + seconds(10));

  const DeviceDriver::Stats& stats = driver.stats();
  EXPECT_EQ(stats.frames_in, kCount);
  EXPECT_GT(stats.write_errors, 0u);
  EXPECT_GT(stats.frames_out, 0u);
  EXPECT_EQ(stats.frames_out + stats.write_errors, kCount);
  // What was written arrives intact and in order: the first frames_out replies.
  for (std::uint16_t i = 0; i < stats.frames_out; ++i) {
    const std::optional<ByteVector> frame = peer.read();
    ASSERT_TRUE(frame.has_value()) << i;
    EXPECT_EQ(*frame, echo_reply(i, i));
  }
  EXPECT_FALSE(peer.read().has_value());
}

TEST_F(StackBehindDriver, HandshakeAfterStepHookAndKick) {
  const Endpoint local{IpAddress::v4(kStackIp), kStackPort};
  const Result<SocketId> listener = stack.tcp().listen(local, 16);
  ASSERT_TRUE(listener.has_value());
  DeviceDriver driver(loop, stack, peer.driver_fd());
  std::optional<SocketId> accepted;
  std::vector<Instant> hook_times;
  driver.set_after_step([&](Instant now) {
    hook_times.push_back(now);
    if (accepted) return;
    const Result<SocketId> connection = stack.tcp().accept(*listener);
    if (!connection) return;
    accepted = *connection;
    // No Nagle: "world" below must not wait for the ACK of "hello" (RFC 896).
    EXPECT_TRUE(stack.tcp().set_no_delay(*accepted, true));
    // Sent from the hook: must leave in the same step, without waiting for a timer.
    const ByteVector hello = text_bytes("hello");
    EXPECT_EQ(stack.tcp().send(*accepted, Bytes{hello}).value(), hello.size());
  });

  // SYN (RFC 9293 section 3.5) with ISN 1 and no options.
  peer.write(peer_segment(1, 0, tcp_flags::kSyn));
  std::vector<ByteVector> frames = collect(loop, peer, 1);
  ASSERT_EQ(frames.size(), 1u);
  const StackSegment syn_ack = parse_stack_segment(frames[0]);
  EXPECT_EQ(syn_ack.source_port, kStackPort);
  EXPECT_EQ(syn_ack.destination_port, kPeerPort);
  EXPECT_EQ(syn_ack.ack, 2u);
  EXPECT_EQ(syn_ack.flags, tcp_flags::kSyn | tcp_flags::kAck);
  EXPECT_EQ(syn_ack.window, 65535);
  // Only MSS is offered back to a SYN without options: 1500 - 20 - 20 (RFC 9293 3.7.1).
  EXPECT_EQ(syn_ack.options, (ByteVector{0x02, 0x04, 0x05, 0xb4}));
  EXPECT_TRUE(syn_ack.payload.empty());
  EXPECT_FALSE(accepted.has_value());

  // The handshake's ACK: the hook accepts and sends "hello" in the same step.
  const std::size_t steps_before_ack = hook_times.size();
  peer.write(peer_segment(2, syn_ack.seq + 1, tcp_flags::kAck));
  frames = collect(loop, peer, 1);
  ASSERT_EQ(frames.size(), 1u);
  ASSERT_TRUE(accepted.has_value());
  EXPECT_EQ(hook_times.size(), steps_before_ack + 1) << "hello left in the step of the ACK";
  const StackSegment hello = parse_stack_segment(frames[0]);
  EXPECT_EQ(hello.seq, syn_ack.seq + 1);
  EXPECT_EQ(hello.ack, 2u);
  EXPECT_EQ(hello.flags, tcp_flags::kPsh | tcp_flags::kAck);
  EXPECT_EQ(hello.payload, text_bytes("hello"));

  // Outside any step the send only queues; kick() sends it at once.
  const ByteVector world = text_bytes("world");
  ASSERT_EQ(stack.tcp().send(*accepted, Bytes{world}).value(), world.size());
  EXPECT_FALSE(peer.read().has_value());
  driver.kick();
  const std::optional<ByteVector> pushed = peer.read();
  ASSERT_TRUE(pushed.has_value());
  const StackSegment world_segment = parse_stack_segment(*pushed);
  EXPECT_EQ(world_segment.seq, syn_ack.seq + 1 + 5);
  EXPECT_EQ(world_segment.payload, world);
  EXPECT_EQ(driver.stats().frames_in, 2u);
  EXPECT_EQ(driver.stats().frames_out, 3u);

  // The peer's FIN|ACK for all of it reaches the application as end of stream.
  peer.write(peer_segment(2, syn_ack.seq + 11, tcp_flags::kFin | tcp_flags::kAck));
  driver.set_after_step([&](Instant) {
    std::array<std::uint8_t, 16> buffer{};
    const Result<std::size_t> n = stack.tcp().recv(*accepted, MutableBytes{buffer});
    if (n && *n == 0) loop.stop();
  });
  loop.run(monotonic_now() + seconds(10));
  EXPECT_EQ(stack.tcp().state(*accepted), TcpState::kCloseWait);
}

TEST_F(StackBehindDriver, CapturesEveryFrameReadAndWrittenWithWallClockTimes) {
  const std::string path = temp_path("capture.pcap");
  DeviceDriver driver(loop, stack, peer.driver_fd());
  const Status capturing = driver.capture_to(path, PcapLinkType::raw_ip);
  ASSERT_TRUE(capturing) << capturing.error();
  const Instant wall_before = wall_clock_now();
  peer.write(echo_request(1));
  peer.write(echo_request(2));
  ASSERT_EQ(collect(loop, peer, 2).size(), 2u);
  const Instant wall_after = wall_clock_now();
  driver.close_capture();

  const Result<PcapFile> file = read_pcap(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(file.has_value()) << file.error();
  EXPECT_EQ(file->link_type, PcapLinkType::raw_ip);
  // Both requests are read in one batch, each answered as it is handed to the Stack.
  const std::vector<ByteVector> expected = {echo_request(1), echo_reply(1, 0), echo_request(2),
                                            echo_reply(2, 1)};
  ASSERT_EQ(file->packets.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(file->packets[i].bytes, expected[i]) << i;
    EXPECT_EQ(file->packets[i].original_length, expected[i].size());
    EXPECT_GE(file->packets[i].time, wall_before);
    EXPECT_LE(file->packets[i].time, wall_after);
    if (i > 0) {
      EXPECT_GE(file->packets[i].time, file->packets[i - 1].time);
    }
  }
}

TEST(DeviceDriver, CaptureToAnUnwritablePathFails) {
  auto created = EventLoop::create();
  ASSERT_TRUE(created) << created.error();
  EventLoop& loop = *created;
  Stack stack;
  PacketPeer peer;
  DeviceDriver driver(loop, stack, peer.driver_fd());
  const Status capturing = driver.capture_to("/nonexistent-dir/x.pcap", PcapLinkType::ethernet);
  ASSERT_FALSE(capturing);
  EXPECT_EQ(capturing.error(), ENOENT);
  EXPECT_EQ(capturing.error().message(), "/nonexistent-dir/x.pcap: No such file or directory");
}

// A node whose every call is recorded: a frame schedules a poll 3 ms later, which sends "tick";
// the application can queue "app" output, due at once.
class ScriptedNode : public NetworkNode {
 public:
  struct Call {
    char kind;  // 'r' receive_frame, 'p' poll
    Instant now;
  };
  void receive_frame(Instant now, std::size_t iface, Bytes frame, FrameOutput& out) override {
    calls.push_back({'r', now});
    received_iface = iface;
    out.send_frame(iface, frame);  // echo
    deadline = now + milliseconds(3);
  }
  void poll(Instant now, FrameOutput& out) override {
    calls.push_back({'p', now});
    if (app_output_pending) {
      app_output_pending = false;
      const ByteVector app = text_bytes("app");
      out.send_frame(send_iface, Bytes{app});
    }
    if (deadline <= now) {
      deadline = kNever;
      const ByteVector tick = text_bytes("tick");
      out.send_frame(send_iface, Bytes{tick});
    }
  }
  Instant next_deadline() const override { return app_output_pending ? Instant{kEpoch} : deadline; }

  std::vector<Call> calls;
  Instant deadline = kNever;
  bool app_output_pending = false;
  std::size_t received_iface = 99;
  std::size_t send_iface = 2;
};

TEST(DeviceDriver, ArmsTheTimerAtTheNodesDeadlineAndPollsNoEarlier) {
  auto created = EventLoop::create();
  ASSERT_TRUE(created) << created.error();
  EventLoop& loop = *created;
  ScriptedNode node;
  PacketPeer peer;
  DeviceDriver driver(loop, node, peer.driver_fd(), /*iface=*/2);
  std::vector<Instant> hook_times;
  driver.set_after_step([&](Instant now) { hook_times.push_back(now); });
  EXPECT_EQ(loop.timer_deadline(), kNever);  // an idle node arms nothing

  peer.write(text_bytes("ping"));
  const std::vector<ByteVector> frames = collect(loop, peer, 2);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], text_bytes("ping"));
  EXPECT_EQ(frames[1], text_bytes("tick"));
  EXPECT_EQ(node.received_iface, 2u);
  ASSERT_EQ(node.calls.size(), 2u);
  EXPECT_EQ(node.calls[0].kind, 'r');
  EXPECT_EQ(node.calls[1].kind, 'p');
  EXPECT_GE(node.calls[1].now, node.calls[0].now + milliseconds(3));
  // One hook per step, with that step's time.
  ASSERT_EQ(hook_times.size(), 2u);
  EXPECT_EQ(hook_times[0], node.calls[0].now);
  EXPECT_EQ(hook_times[1], node.calls[1].now);
  EXPECT_EQ(loop.timer_deadline(), kNever);
}

TEST(DeviceDriver, OutputQueuedByTheHookLeavesInTheSameStep) {
  auto created = EventLoop::create();
  ASSERT_TRUE(created) << created.error();
  EventLoop& loop = *created;
  ScriptedNode node;
  node.send_iface = 0;
  PacketPeer peer;
  DeviceDriver driver(loop, node, peer.driver_fd());
  std::optional<Instant> hook_now;
  driver.set_after_step([&](Instant now) {
    if (hook_now) return;
    hook_now = now;
    node.app_output_pending = true;
  });
  peer.write(text_bytes("go"));
  const std::vector<ByteVector> frames = collect(loop, peer, 2);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1], text_bytes("app"));
  ASSERT_TRUE(hook_now.has_value());
  ASSERT_GE(node.calls.size(), 2u);
  EXPECT_EQ(node.calls[1].kind, 'p');
  EXPECT_EQ(node.calls[1].now, *hook_now);  // polled in the hook's step, not by a later timer
}

TEST(DeviceDriver, CountsFramesForAnotherInterfaceAsDropped) {
  auto created = EventLoop::create();
  ASSERT_TRUE(created) << created.error();
  EventLoop& loop = *created;
  ScriptedNode node;  // echoes on the receiving interface, ticks on interface 2
  PacketPeer peer;
  DeviceDriver driver(loop, node, peer.driver_fd(), /*iface=*/0);
  driver.set_after_step([&](Instant) {
    if (node.calls.size() >= 2) loop.stop();
  });
  peer.write(text_bytes("x"));
  loop.run(monotonic_now() + seconds(10));
  EXPECT_EQ(driver.stats().frames_out, 1u);         // the echo
  EXPECT_EQ(driver.stats().other_iface_drops, 1u);  // the tick, meant for interface 2
}

TEST(DeviceDriver, StopsWatchingWhenThePeerCloses) {
  auto created = EventLoop::create();
  ASSERT_TRUE(created) << created.error();
  EventLoop& loop = *created;
  ScriptedNode node;
  PacketPeer peer;
  DeviceDriver driver(loop, node, peer.driver_fd());
  int closed_calls = 0;
  driver.set_on_closed([&] {
    ++closed_calls;
    loop.stop();
  });
  peer.close_peer();
  loop.run(monotonic_now() + seconds(10));
  EXPECT_EQ(closed_calls, 1);
  EXPECT_TRUE(driver.closed());
  EXPECT_FALSE(loop.is_watched(peer.driver_fd()));
  EXPECT_EQ(driver.stats().frames_in, 0u);
  // Nothing left to spin on: the loop now sleeps until `until`.
  loop.run(monotonic_now() + milliseconds(10));
  EXPECT_EQ(driver.stats().read_wakeups, 1u);
}

}  // namespace
}  // namespace synack
