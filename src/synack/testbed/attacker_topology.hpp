#pragma once
// The attacker's stage: the server, the legitimate client and a scripted attacker, each on its
// own raw-IP link to a hub (5 ms per link, so 10 ms client to server). The hub routes the
// server's and the client's addresses to them and everything else to the attacker, so the
// attacker also receives what the server sends to the sources it spoofs.
//
//   server --[server_link]-- hub --[client_link]-- client
//                             \--[attacker_link]-- attacker
#include <cstdint>
#include <optional>
#include <string>

#include "synack/testbed/client_and_server.hpp"
#include "synack/testbed/host_config.hpp"
#include "synack/testbed/ip_hub.hpp"
#include "synack/testbed/scripted_peer.hpp"

namespace synack::testbed {

struct AttackerOptions {
  std::uint64_t seed = 1;
  TcpConfig server_tcp;
  TcpConfig client_tcp;
  // 15 puts every spoofed source in 198.18.0.0/15 on the server's link, so it answers them; 24
  // when the attacker only spoofs the two real hosts.
  std::uint8_t server_prefix_length = 15;
  Duration hop_delay = milliseconds(5);
  // Record every TCP event of both sides (a flood of millions of events is not worth keeping).
  bool record_events = false;
  std::string pcap_path;  // Capture the server's link when set.
};

class AttackerTopology : public ClientAndServer {
 public:
  explicit AttackerTopology(const AttackerOptions& options = {});

  ScriptedPeer attacker;
  IpHub hub{kAttackerIface};
  sim::Link* server_link = nullptr;  // a = server, b = hub
  sim::Link* client_link = nullptr;  // a = client, b = hub
  sim::Link* attacker_link = nullptr;
  std::optional<std::string> pcap;  // Set when the capture was opened.

 private:
  static constexpr std::size_t kAttackerIface = 2;
};

}  // namespace synack::testbed
