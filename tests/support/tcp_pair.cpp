#include "support/tcp_pair.hpp"

#include <gtest/gtest.h>

#include "synack/wire/ipv4.hpp"
#include "synack/wire/tcp.hpp"

namespace synack::testing {

TcpSecrets test_secrets(std::uint8_t fill) {
  TcpSecrets s;
  s.isn_key.fill(fill);
  s.timestamp_key.fill(static_cast<std::uint8_t>(fill + 1));
  s.cookie_key.fill(static_cast<std::uint8_t>(fill + 2));
  return s;
}

namespace {
StackConfig stack_config(const TcpConfig& tcp, std::uint8_t fill) {
  StackConfig c;
  c.tcp = tcp;
  c.secrets = test_secrets(fill);
  c.host.output_queue_capacity = 1024;
  return c;
}
InterfaceConfig raw_interface(Ipv4Address address) {
  InterfaceConfig i;
  i.address = address;
  i.prefix_length = 24;
  i.ethernet = false;
  return i;
}
}  // namespace

TcpPair::TcpPair(const TcpPairOptions& options)
    : sim(options.seed, options.sim),
      client(stack_config(options.client_tcp, 0x11)),
      server(stack_config(options.server_tcp, 0x22)) {
  client.add_interface(raw_interface(kClientIp));
  server.add_interface(raw_interface(kServerIp));
  const auto a = sim.add_node(client, "client");
  const auto b = sim.add_node(server, "server");
  sim::Impairments imp;
  imp.delay = options.one_way_delay;
  imp.mtu = 1500;
  link = &sim.connect(a, 0, b, 0, sim::LinkConfig::symmetric(imp, sim::LinkLayer::raw_ip));
  client.tcp().set_event_callback([this](const TcpEvent& e) { client_events.push_back(e); });
  server.tcp().set_event_callback([this](const TcpEvent& e) { server_events.push_back(e); });
}

SocketId TcpPair::listen(std::uint16_t port, int backlog) {
  auto id = server.tcp().listen(Endpoint{IpAddress::v4(kServerIp), port}, backlog);
  EXPECT_TRUE(id.has_value());
  return id.has_value() ? *id : 0;
}

SocketId TcpPair::connect(std::uint16_t port) {
  auto id = client.tcp().connect(sim.now(), server_endpoint(port));
  EXPECT_TRUE(id.has_value());
  return id.has_value() ? *id : 0;
}

std::pair<SocketId, SocketId> TcpPair::open() {
  const SocketId listener = listen();
  const SocketId c = connect();
  SocketId s = 0;
  const bool ok = run_until(
      [&] {
        if (s == 0) {
          if (auto a = server.tcp().accept(listener)) s = *a;
        }
        return s != 0 && client.tcp().state(c) == TcpState::kEstablished;
      },
      seconds(10));
  EXPECT_TRUE(ok);
  return {c, s};
}

std::vector<TcpEvent> TcpPair::sent(const std::vector<TcpEvent>& events) {
  std::vector<TcpEvent> out;
  for (const auto& e : events) {
    if (e.kind == TcpEventKind::kSegmentSent) out.push_back(e);
  }
  return out;
}

std::vector<TcpState> TcpPair::states(const std::vector<TcpEvent>& events) {
  std::vector<TcpState> out;
  for (const auto& e : events) {
    if (e.kind != TcpEventKind::kStateChange) continue;
    if (out.empty()) out.push_back(e.from);
    out.push_back(e.to);
  }
  return out;
}

std::optional<Instant> TcpPair::when_entered(const std::vector<TcpEvent>& events, TcpState state) {
  for (const auto& e : events) {
    if (e.kind == TcpEventKind::kStateChange && e.to == state) return e.time;
  }
  return std::nullopt;
}

bool is_tcp_with_flags(Bytes frame, std::uint8_t flags) {
  const auto ip = Ipv4View::parse(frame, false);
  if (!ip || ip->is_fragment() || ip->repr().protocol != kIpProtocolTcp) return false;
  const auto tcp = TcpView::parse(ip->payload());
  return tcp && tcp->flags() == flags;
}

std::function<bool(Bytes)> tcp_flags_equal(std::uint8_t flags) {
  return [flags](Bytes frame) { return is_tcp_with_flags(frame, flags); };
}

}  // namespace synack::testing

namespace synack::testing {
void dump_events(const char* who, const std::vector<TcpEvent>& events) {
  for (const auto& e : events) std::fprintf(stderr, "%s %s\n", who, e.to_json().c_str());
}
}  // namespace synack::testing

namespace synack::testing {
RawPair::RawPair(const TcpConfig& server_tcp, std::uint64_t seed)
    : sim(seed), server(stack_config(server_tcp, 0x22)) {
  server.add_interface(raw_interface(kServerIp));
  const auto a = sim.add_node(peer, "peer");
  const auto b = sim.add_node(server, "server");
  sim::Impairments imp;
  imp.delay = milliseconds(10);
  link = &sim.connect(a, 0, b, 0, sim::LinkConfig::symmetric(imp, sim::LinkLayer::raw_ip));
  server.tcp().set_event_callback([this](const TcpEvent& e) { server_events.push_back(e); });
}

bool RawPair::run_until_received(std::size_t count, Duration limit) {
  return sim.run_until([&] { return peer.received().size() >= count; }, sim.now() + limit);
}
}  // namespace synack::testing
