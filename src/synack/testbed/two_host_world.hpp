#pragma once
// The stage most scenarios and tests run on: the client and the server stack joined by one
// raw-IP link (10 ms one way unless told otherwise), secrets derived from the seed unless fixed,
// every TCP event of both sides recorded.
#include <cstdint>
#include <optional>
#include <string>

#include "synack/testbed/client_and_server.hpp"
#include "synack/testbed/direct_link.hpp"
#include "synack/testbed/host_config.hpp"

namespace synack::testbed {

struct TwoHostOptions : DirectLinkOptions {
  TcpConfig client_tcp;
  TcpConfig server_tcp;
  // Unsafe behaviour a scenario demonstrates (fixed ISN, short or no TIME_WAIT); none by default.
  std::optional<DemonstrationSettings> client_demonstration;
  std::optional<DemonstrationSettings> server_demonstration;
  // Fixed secrets (tests that compute cookies or ISNs); by default derived from the seed.
  std::optional<TcpSecrets> client_secrets;
  std::optional<TcpSecrets> server_secrets;
  sim::SimulatorOptions sim;
  double loss = 0;          // Random loss each way.
  int listen_backlog = 16;  // listen()'s backlog when none is given.
};

class TwoHostWorld : public ClientAndServer {
 public:
  explicit TwoHostWorld(const TwoHostOptions& options = {});

  sim::Link* link = nullptr;        // a = client, b = server
  std::optional<std::string> pcap;  // Set when the capture was opened.
};

}  // namespace synack::testbed
