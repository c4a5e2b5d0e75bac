#include "synack/testbed/open_connection.hpp"

namespace synack::testbed {

std::optional<OpenConnection> start_connection(ClientAndServer& hosts) {
  const auto listener = hosts.listener() ? hosts.listener() : hosts.listen();
  const auto client = hosts.connect();
  if (!listener || !client) return std::nullopt;
  OpenConnection c;
  c.listener = *listener;
  c.client = *client;
  c.tuple = *hosts.client.tcp().tuple(*client);
  return c;
}

bool complete_handshake(ClientAndServer& hosts, OpenConnection& c, Duration limit) {
  return hosts.run_until(
      [&] {
        if (c.server == 0) {
          if (auto accepted = hosts.server.tcp().accept(c.listener)) c.server = *accepted;
        }
        return c.server != 0 && hosts.client.tcp().state(c.client) == TcpState::kEstablished;
      },
      limit);
}

std::optional<OpenConnection> open_connection(ClientAndServer& hosts, Duration limit) {
  auto c = start_connection(hosts);
  if (!c || !complete_handshake(hosts, *c, limit)) return std::nullopt;
  return c;
}

std::optional<OpenConnection> open_connection_then_idle(ClientAndServer& hosts,
                                                        Instant quiet_until) {
  auto c = open_connection(hosts);
  if (c) hosts.sim.run_until(quiet_until);
  return c;
}

}  // namespace synack::testbed
