#include "support/tcp_pair.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include "synack/testbed/open_connection.hpp"

namespace synack::testing {

TcpPairOptions::TcpPairOptions() {
  client_secrets = fixed_secrets(kClientSecretFill);
  server_secrets = fixed_secrets(kServerSecretFill);
  output_queue_capacity = kTestOutputQueue;
}

TcpPair::TcpPair(const TcpPairOptions& options) : TwoHostWorld(options) {}

SocketId TcpPair::listen(std::uint16_t port, int backlog) {
  const auto id = TwoHostWorld::listen(port, backlog);
  EXPECT_TRUE(id.has_value());
  return id.value_or(0);
}

SocketId TcpPair::connect(std::uint16_t port) {
  const auto id = TwoHostWorld::connect(std::nullopt, port);
  EXPECT_TRUE(id.has_value());
  return id.value_or(0);
}

std::pair<SocketId, SocketId> TcpPair::open() {
  const auto c = open_connection(*this);
  EXPECT_TRUE(c.has_value());
  return c ? std::pair{c->client, c->server} : std::pair<SocketId, SocketId>{0, 0};
}

namespace {
ScriptedClientOptions raw_pair_options(const TcpConfig& server_tcp, std::uint64_t seed) {
  ScriptedClientOptions o;
  o.seed = seed;
  o.server_tcp = server_tcp;
  o.server_secrets = fixed_secrets(kServerSecretFill);
  o.output_queue_capacity = kTestOutputQueue;
  return o;
}
}  // namespace

RawPair::RawPair(const TcpConfig& server_tcp, std::uint64_t seed)
    : ScriptedClientWorld(raw_pair_options(server_tcp, seed)) {}

void dump_events(const char* who, const std::vector<TcpEvent>& events) {
  for (const auto& e : events) std::fprintf(stderr, "%s %s\n", who, e.to_json().c_str());
}

}  // namespace synack::testing
