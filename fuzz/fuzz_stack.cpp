// Fuzzes a whole Stack under virtual time: a listener (port 80) and an established connection
// (from 198.18.0.1:40000) exist, then the input is read as a sequence of operations: segments
// from the peer (sequence and acknowledgment numbers either relative to the connection's, so
// they land in and near the window, or arbitrary), time advances, application calls on the
// connection and new connections. SYN cookie mode, queue limits and buffer sizes come from the
// first byte so the small limits and the cookie paths are reached. Invariants checked after
// every operation: every table stays within its configured limit.
#include <algorithm>
#include <cstdlib>
#include <vector>

#include "synack/sim/simulator.hpp"
#include "synack/testbed/addresses.hpp"
#include "synack/testbed/host_config.hpp"
#include "synack/testbed/scripted_peer.hpp"

using namespace synack;
using namespace synack::testbed;
using namespace synack::tcp_flags;

namespace {

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}
  bool empty() const { return n_ == 0; }
  std::uint8_t u8() {
    if (n_ == 0) return 0;
    --n_;
    return *p_++;
  }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() << 8 | u8()); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(u16()) << 16 | u16(); }
  Bytes take(std::size_t want) {
    const std::size_t k = std::min(want, n_);
    Bytes b{p_, k};
    p_ += k;
    n_ -= k;
    return b;
  }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
};

constexpr std::uint16_t kPeerPort = 40000;
const SeqNum kPeerIsn{1000};

TcpConfig config_from(std::uint8_t b) {
  TcpConfig c;
  c.syncookies = b % 3;
  c.max_syn_backlog = 1 + (b >> 2) % 4;
  c.max_connections = 4 + (b >> 4) % 4;
  c.max_time_wait = 4;
  c.challenge_ack_limit = 20;
  c.timestamps = (b & 0x40) == 0;
  c.sack = (b & 0x80) == 0;
  c.send_buffer = 16 * 1024;
  c.receive_buffer = 16 * 1024;
  return c;
}

TcpOptions options_from(Input& in, std::uint8_t mask, std::uint32_t ts_echo) {
  TcpOptions o;
  if (mask & 1) o.mss = in.u16();
  if (mask & 2) o.window_scale = in.u8() % 16;
  if (mask & 4) o.sack_permitted = true;
  if (mask & 8) o.timestamps = TcpTimestamps{(mask & 0x40) ? in.u32() : 5000u + in.u8(), ts_echo};
  if (mask & 16) {
    o.sack_block_count = static_cast<std::uint8_t>(1 + in.u8() % 3);
    for (std::size_t i = 0; i < o.sack_block_count; ++i) {
      o.sack_blocks[i].left = SeqNum{in.u32()};
      o.sack_blocks[i].right = SeqNum{in.u32()};
    }
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  const TcpConfig config = config_from(in.u8());
  sim::Simulator sim(1);
  ScriptedPeer peer;
  Stack server(stack_config(config, 1, HostRole::server));
  server.add_interface(raw_interface(kServerIp, 15));
  const auto a = sim.add_node(peer, "peer");
  const auto b = sim.add_node(server, "server");
  sim::Impairments imp;
  imp.delay = milliseconds(1);
  sim.connect(a, 0, b, 0, sim::LinkConfig::symmetric(imp, sim::LinkLayer::raw_ip));
  TcpLayer& tcp = server.tcp();
  const auto l = tcp.listen(Endpoint{IpAddress::v4(kServerIp), kServerPort}, 4);
  if (!l) std::abort();

  // The established connection: SYN (all options), SYN-ACK, ACK.
  TcpRepr syn = make_header(kPeerPort, kServerPort, kPeerIsn, SeqNum{0}, kSyn);
  syn.options.mss = 1460;
  syn.options.window_scale = 2;
  syn.options.sack_permitted = true;
  syn.options.timestamps = TcpTimestamps{5000, 0};
  peer.send(kClientIp, kServerIp, syn);
  sim.run_for(milliseconds(5));
  if (peer.received().empty()) std::abort();
  const TcpRepr synack = peer.received().back().header;
  const SeqNum iss = synack.seq;
  const std::uint32_t ts_echo = synack.options.timestamps ? synack.options.timestamps->value : 0;
  TcpRepr ack = make_header(kPeerPort, kServerPort, kPeerIsn + 1, iss + 1, kAck);
  if (synack.options.timestamps) ack.options.timestamps = TcpTimestamps{5001, ts_echo};
  peer.send(kClientIp, kServerIp, ack);
  sim.run_for(milliseconds(5));
  const auto accepted = tcp.accept(*l);
  if (!accepted) std::abort();
  const SocketId s = *accepted;
  std::vector<std::uint8_t> junk(4096, 0x61);
  (void)tcp.send(s, Bytes{junk.data(), 3000});  // data in flight, so ACKs have work to do
  sim.run_for(milliseconds(1));

  std::vector<SocketId> others;
  std::uint8_t buf[2048];
  while (!in.empty()) {
    const std::uint8_t op = in.u8();
    switch (op % 8) {
      case 5:
        sim.run_for(microseconds(static_cast<std::int64_t>(in.u16()) * 200));
        break;
      case 6: {
        const std::uint8_t what = in.u8();
        const SocketId target = (what & 0x80) && !others.empty() ? others[what % others.size()] : s;
        switch (what % 6) {
          case 0:
            (void)tcp.send(target, Bytes{junk.data(), static_cast<std::size_t>(in.u8()) * 16});
            break;
          case 1:
            (void)tcp.recv(target, MutableBytes{buf, sizeof buf});
            break;
          case 2:
            (void)tcp.shutdown(target, ShutdownHow::kWrite);
            break;
          case 3:
            (void)tcp.close(target);
            break;
          case 4:
            (void)tcp.abort(target);
            break;
          default:
            while (auto n = tcp.accept(*l)) others.push_back(*n);
            break;
        }
        break;
      }
      case 7: {
        const auto c = tcp.connect(sim.now(), Endpoint{IpAddress::v4(kClientIp), in.u16()});
        if (c) others.push_back(*c);
        break;
      }
      default: {  // a segment from the peer
        const std::uint8_t flags = in.u8();
        const std::uint8_t target = in.u8();
        std::uint16_t port = kPeerPort;
        Ipv4Address src = kClientIp;
        if (target % 4 == 1) port = static_cast<std::uint16_t>(kPeerPort + 1 + target / 4 % 8);
        if (target % 4 == 2) port = in.u16();
        if (target % 4 == 3) src = Ipv4Address{{198, 19, 0, static_cast<std::uint8_t>(target)}};
        const std::uint16_t dport = (op & 0x20) ? in.u16() : kServerPort;
        const SeqNum seq =
            (op & 0x80)
                ? SeqNum{in.u32()}
                : kPeerIsn + 1 + static_cast<std::uint32_t>(static_cast<std::int16_t>(in.u16()));
        const SeqNum ackn =
            (op & 0x40) ? SeqNum{in.u32()}
                        : iss + 1 + static_cast<std::uint32_t>(static_cast<std::int16_t>(in.u16()));
        TcpRepr h = make_header(port, dport, seq, ackn, flags);
        h.window = in.u16();
        h.urgent = in.u16() & ((op & 0x10) ? 0xffff : 0);
        h.options = options_from(in, in.u8(), ts_echo);
        const Bytes payload = in.take(static_cast<std::size_t>(in.u8()) * 8);
        peer.send(src, kServerIp, h, payload);
        sim.run_for(microseconds(1500));
        break;
      }
    }
    peer.clear();
    // Every table within its limit, whatever arrived.
    if (tcp.connection_count() > config.max_connections) std::abort();
    if (tcp.listener(*l)->half_open_count() > Listener::max_half_open(config)) std::abort();
    if (tcp.time_wait().size() > config.max_time_wait) std::abort();
  }
  // Let every timer run out: retransmissions, TIME_WAIT, SYN-ACK retries.
  sim.run_for(seconds(3));
  return 0;
}
