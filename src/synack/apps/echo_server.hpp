#pragma once
// An RFC 862 echo server: accepts every connection on a listener and sends every byte back, in
// order. When the peer closes its side, whatever is still buffered is echoed and then the
// connection is closed (FIN). Each connection holds one fixed buffer; the server never reads
// more than it has been able to send, so a slow reader slows the writer through TCP's window.
#include <cstddef>
#include <vector>

#include "synack/apps/app.hpp"
#include "synack/apps/server_stats.hpp"
#include "synack/stack/tcp_layer.hpp"

namespace synack::apps {

class EchoServer : public App {
 public:
  EchoServer(TcpLayer& tcp, SocketId listener, std::size_t buffer_size = 16 * 1024);
  ~EchoServer() override;
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;

  void poll(Instant now) override;
  const StreamServerStats& stats() const { return stats_; }
  std::size_t open_connections() const { return connections_.size(); }

 private:
  struct Connection {
    SocketId socket = 0;
    std::vector<std::uint8_t> buffer;
    std::size_t begin = 0;  // [begin, end) received but not yet echoed
    std::size_t end = 0;
    bool peer_closed = false;
  };
  // Moves as much as possible; returns false once the connection is over (socket released).
  bool pump(Connection& c);
  void accept_new();

  TcpLayer& tcp_;
  SocketId listener_;
  std::size_t buffer_size_;
  std::vector<Connection> connections_;
  StreamServerStats stats_;
};

}  // namespace synack::apps
