#include "synack/apps/stream_bridge.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace synack::apps {

StreamBridge::StreamBridge(TcpLayer& tcp, Instant now, Endpoint remote, OutputSink on_output,
                           StreamBridgeOptions options)
    : tcp_(tcp),
      on_output_(std::move(on_output)),
      input_(std::max<std::size_t>(options.input_buffer, 1)),
      receive_buffer_(std::max<std::size_t>(options.receive_chunk, 1)) {
  auto socket = tcp_.connect(now, remote);
  if (!socket) {
    fail(socket.error().code);
    return;
  }
  socket_ = *socket;
}

StreamBridge::StreamBridge(TcpLayer& tcp, SocketId accepted, OutputSink on_output,
                           StreamBridgeOptions options)
    : tcp_(tcp),
      socket_(accepted),
      on_output_(std::move(on_output)),
      input_(std::max<std::size_t>(options.input_buffer, 1)),
      receive_buffer_(std::max<std::size_t>(options.receive_chunk, 1)) {}

StreamBridge::~StreamBridge() {
  if (!finished_ && socket_ != 0) tcp_.close(socket_);
}

bool StreamBridge::connected() const {
  const auto state = tcp_.state(socket_);
  return state && *state != TcpState::kSynSent && *state != TcpState::kSynReceived &&
         *state != TcpState::kClosed;
}

std::size_t StreamBridge::input_space() const {
  if (input_eof_ || finished_) return 0;
  return input_.size() - (input_end_ - input_begin_);
}

std::size_t StreamBridge::offer_input(Bytes data) {
  if (input_eof_ || finished_) return 0;
  if (input_begin_ > 0 && input_end_ + data.size() > input_.size()) {
    // Compact only when the tail has no room: at most one move per buffer's worth of input.
    std::memmove(input_.data(), input_.data() + input_begin_, input_end_ - input_begin_);
    input_end_ -= input_begin_;
    input_begin_ = 0;
  }
  const std::size_t n = std::min(data.size(), input_.size() - input_end_);
  std::copy_n(data.data(), n, input_.data() + input_end_);
  input_end_ += n;
  if (!flush_input()) fail(error_);
  return n;
}

void StreamBridge::input_eof() {
  input_eof_ = true;
}

bool StreamBridge::flush_input() {
  while (input_begin_ < input_end_) {
    auto sent = tcp_.send(socket_, Bytes{input_.data() + input_begin_, input_end_ - input_begin_});
    if (!sent) {
      if (sent.error() == EAGAIN) return true;
      error_ = sent.error().code;
      return false;
    }
    input_begin_ += *sent;
    stats_.bytes_sent += *sent;
  }
  input_begin_ = input_end_ = 0;
  // Not before the handshake completes: a shutdown in SYN_SENT abandons the connection
  // (RFC 9293 3.10.4 CLOSE in SYN-SENT; Linux does the same), queued data and all.
  if (input_eof_ && !write_shut_ && connected()) {
    tcp_.shutdown(socket_, ShutdownHow::kWrite);
    write_shut_ = true;
  }
  return true;
}

bool StreamBridge::drain_received() {
  while (!peer_closed_) {
    auto got = tcp_.recv(socket_, MutableBytes{receive_buffer_.data(), receive_buffer_.size()});
    if (!got) {
      if (got.error() == EAGAIN) return true;
      error_ = got.error().code;
      return false;
    }
    if (*got == 0) {
      peer_closed_ = true;
      break;
    }
    stats_.bytes_received += *got;
    if (on_output_) on_output_(Bytes{receive_buffer_.data(), *got});
  }
  return true;
}

void StreamBridge::poll(Instant /*now*/) {
  if (finished_) return;
  if (!flush_input() || !drain_received()) {
    fail(error_);
    return;
  }
  if (write_shut_ && peer_closed_) finish();
}

void StreamBridge::fail(int error) {
  error_ = error != 0 ? error : ECONNABORTED;
  finish();
}

void StreamBridge::finish() {
  finished_ = true;
  if (socket_ != 0) tcp_.close(socket_);
}

}  // namespace synack::apps
