#include "synack/apps/echo_server.hpp"

#include <algorithm>
#include <cerrno>

namespace synack::apps {

EchoServer::EchoServer(TcpLayer& tcp, SocketId listener, std::size_t buffer_size)
    : tcp_(tcp), listener_(listener), buffer_size_(std::max<std::size_t>(buffer_size, 1)) {}

EchoServer::~EchoServer() {
  for (const Connection& c : connections_) tcp_.close(c.socket);
}

void EchoServer::accept_new() {
  while (auto socket = tcp_.accept(listener_)) {
    Connection c;
    c.socket = *socket;
    c.buffer.resize(buffer_size_);
    connections_.push_back(std::move(c));
    ++stats_.connections_accepted;
  }
}

bool EchoServer::pump(Connection& c) {
  while (true) {
    if (c.begin < c.end) {
      auto sent = tcp_.send(c.socket, Bytes{c.buffer.data() + c.begin, c.end - c.begin});
      if (!sent) {
        if (sent.error() == EAGAIN) return true;
        break;  // the connection failed (reset, or the peer stopped reading for good)
      }
      c.begin += *sent;
      stats_.bytes_sent += *sent;
      continue;
    }
    if (c.peer_closed) {
      // Everything the peer sent has been echoed: answer its FIN with ours.
      tcp_.close(c.socket);
      ++stats_.connections_closed;
      return false;
    }
    c.begin = c.end = 0;
    auto got = tcp_.recv(c.socket, MutableBytes{c.buffer.data(), c.buffer.size()});
    if (!got) {
      if (got.error() == EAGAIN) return true;
      break;
    }
    if (*got == 0) {
      c.peer_closed = true;
      continue;
    }
    c.end = *got;
    stats_.bytes_received += *got;
  }
  tcp_.abort(c.socket);
  ++stats_.connections_failed;
  return false;
}

void EchoServer::poll(Instant /*now*/) {
  accept_new();
  std::erase_if(connections_, [this](Connection& c) { return !pump(c); });
}

}  // namespace synack::apps
