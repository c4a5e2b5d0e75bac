#pragma once
// Opening a connection across a testbed's client and server: the preamble of most scenarios and
// tests. The server listens (unless it already does), the client connects, the simulator runs
// the handshake, the server accepts.
#include <optional>

#include "synack/testbed/client_and_server.hpp"

namespace synack::testbed {

struct OpenConnection {
  SocketId listener = 0;
  SocketId client = 0;
  SocketId server = 0;  // 0 until accepted
  FourTuple tuple;      // as the client sees it (local = client)

  FourTuple server_tuple() const { return FourTuple{tuple.remote, tuple.local}; }
};

// Listens (unless listening already) and connects; the handshake has not run yet.
std::optional<OpenConnection> start_connection(ClientAndServer& hosts);
// Runs until the server has accepted `c` and the client is ESTABLISHED, or `limit` passes.
bool complete_handshake(ClientAndServer& hosts, OpenConnection& c, Duration limit);
// Both of the above: the connection, established and accepted within `limit`, or nullopt.
std::optional<OpenConnection> open_connection(ClientAndServer& hosts, Duration limit = seconds(10));
// open_connection(), then idle until `quiet_until` (what follows starts on a settled connection).
std::optional<OpenConnection> open_connection_then_idle(ClientAndServer& hosts,
                                                        Instant quiet_until);

}  // namespace synack::testbed
