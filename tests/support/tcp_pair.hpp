#pragma once
// The testbed (src/synack/testbed) as the unit tests use it: fixed, distinct secrets per side so
// ISNs and cookies are reproducible, and socket calls that report a failure to GoogleTest
// instead of returning nullopt.
//   TcpPair: the client and server stacks on one link (testbed::TwoHostWorld).
//   RawPair: a server stack and a scripted peer in the client's place
//            (testbed::ScriptedClientWorld).
#include <utility>
#include <vector>

#include "synack/testbed/event_queries.hpp"
#include "synack/testbed/frame_predicates.hpp"
#include "synack/testbed/scripted_client_world.hpp"
#include "synack/testbed/two_host_world.hpp"

namespace synack::testing {

using namespace synack::testbed;

// The secrets of the client's stack and of the server's.
inline constexpr std::uint8_t kClientSecretFill = 0x11;
inline constexpr std::uint8_t kServerSecretFill = 0x22;
// The driver queue of the unit tests' stacks.
inline constexpr std::size_t kTestOutputQueue = 1024;

// TwoHostOptions with the unit tests' defaults.
struct TcpPairOptions : TwoHostOptions {
  TcpPairOptions();
};

class TcpPair : public TwoHostWorld {
 public:
  explicit TcpPair(const TcpPairOptions& options = {});

  SocketId listen(std::uint16_t port = kServerPort, int backlog = 16);
  // Connects from an ephemeral port to the server's `port`.
  SocketId connect(std::uint16_t port = kServerPort);
  // Listen, connect, run until both ends are ESTABLISHED and accept; returns {client, server}.
  std::pair<SocketId, SocketId> open();
};

class RawPair : public ScriptedClientWorld {
 public:
  explicit RawPair(const TcpConfig& server_tcp = {}, std::uint64_t seed = 1);
};

// Prints events as JSON lines (for debugging a failing test).
void dump_events(const char* who, const std::vector<TcpEvent>& events);

}  // namespace synack::testing
