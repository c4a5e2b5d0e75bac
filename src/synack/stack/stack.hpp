#pragma once
// A complete host: the IP layer (interfaces, ARP, ICMP) with TCP attached. This is what an
// application embeds: drive it as a NetworkNode (frames and time in, frames out, next deadline)
// and use tcp() for sockets.
#include <optional>

#include "synack/stack/host.hpp"
#include "synack/stack/tcp_layer.hpp"

namespace synack {

struct StackConfig {
  HostConfig host;
  TcpConfig tcp;
  // Fixed secrets make ISNs reproducible (simulations, tests); by default they are random.
  std::optional<TcpSecrets> secrets;
};

class Stack : public NetworkNode {
 public:
  explicit Stack(const StackConfig& config = {});
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  std::size_t add_interface(const InterfaceConfig& config) { return host_.add_interface(config); }
  Host& host() { return host_; }
  const Host& host() const { return host_; }
  TcpLayer& tcp() { return tcp_; }
  const TcpLayer& tcp() const { return tcp_; }

  void receive_frame(Instant now, std::size_t iface, Bytes frame, FrameOutput& out) override {
    host_.receive_frame(now, iface, frame, out);
  }
  void poll(Instant now, FrameOutput& out) override { host_.poll(now, out); }
  Instant next_deadline() const override { return host_.next_deadline(); }

 private:
  Host host_;
  TcpLayer tcp_;
};

}  // namespace synack
