#pragma once
// An RFC 863 discard server: accepts every connection on a listener, reads and throws away
// everything, and closes when the peer closes. One scratch buffer serves all connections.
#include <cstddef>
#include <vector>

#include "synack/apps/app.hpp"
#include "synack/apps/server_stats.hpp"
#include "synack/stack/tcp_layer.hpp"

namespace synack::apps {

class DiscardServer : public App {
 public:
  DiscardServer(TcpLayer& tcp, SocketId listener, std::size_t buffer_size = 64 * 1024);
  ~DiscardServer() override;
  DiscardServer(const DiscardServer&) = delete;
  DiscardServer& operator=(const DiscardServer&) = delete;

  void poll(Instant now) override;
  const StreamServerStats& stats() const { return stats_; }
  std::size_t open_connections() const { return sockets_.size(); }

 private:
  // Reads everything available; returns false once the connection is over (socket released).
  bool drain(SocketId socket);

  TcpLayer& tcp_;
  SocketId listener_;
  std::vector<std::uint8_t> scratch_;
  std::vector<SocketId> sockets_;
  StreamServerStats stats_;
};

}  // namespace synack::apps
