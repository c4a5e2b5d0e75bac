#include "synack/apps/discard_server.hpp"

#include <algorithm>
#include <cerrno>

namespace synack::apps {

DiscardServer::DiscardServer(TcpLayer& tcp, SocketId listener, std::size_t buffer_size)
    : tcp_(tcp), listener_(listener), scratch_(std::max<std::size_t>(buffer_size, 1)) {}

DiscardServer::~DiscardServer() {
  for (const SocketId s : sockets_) tcp_.close(s);
}

bool DiscardServer::drain(SocketId socket) {
  while (true) {
    auto got = tcp_.recv(socket, MutableBytes{scratch_.data(), scratch_.size()});
    if (!got) {
      if (got.error() == EAGAIN) return true;
      tcp_.abort(socket);
      ++stats_.connections_failed;
      return false;
    }
    if (*got == 0) {
      tcp_.close(socket);
      ++stats_.connections_closed;
      return false;
    }
    stats_.bytes_received += *got;
  }
}

void DiscardServer::poll(Instant /*now*/) {
  while (auto socket = tcp_.accept(listener_)) {
    sockets_.push_back(*socket);
    ++stats_.connections_accepted;
  }
  std::erase_if(sockets_, [this](SocketId s) { return !drain(s); });
}

}  // namespace synack::apps
