#pragma once
// netcat's core: bridges a TCP connection and a user's byte streams. Input arrives through
// offer_input (a bounded buffer: when it is full the caller must hold its data back, which is
// how a fast producer is slowed to the network's pace) and input_eof, after which the bridge
// half-closes once everything is sent (FIN; RFC 9293 3.6 lets the peer keep sending). Received
// bytes go to the output sink as they arrive.
#include <cstdint>
#include <functional>
#include <vector>

#include "synack/apps/app.hpp"
#include "synack/stack/tcp_layer.hpp"

namespace synack::apps {

// Takes every byte it is handed.
using OutputSink = std::function<void(Bytes)>;

struct StreamBridgeOptions {
  std::size_t input_buffer = 64 * 1024;
  std::size_t receive_chunk = 16 * 1024;
};

struct StreamBridgeStats {
  std::uint64_t bytes_sent = 0;      // handed to TCP
  std::uint64_t bytes_received = 0;  // handed to the output sink
};

class StreamBridge : public App {
 public:
  // Active open toward `remote`.
  StreamBridge(TcpLayer& tcp, Instant now, Endpoint remote, OutputSink on_output,
               StreamBridgeOptions options = {});
  // An already accepted connection (`synack serve` with a plain listener); the bridge owns it.
  StreamBridge(TcpLayer& tcp, SocketId accepted, OutputSink on_output,
               StreamBridgeOptions options = {});
  ~StreamBridge() override;
  StreamBridge(const StreamBridge&) = delete;
  StreamBridge& operator=(const StreamBridge&) = delete;

  // Copies as much of `data` as the input buffer holds; returns the count (0 when full, after
  // input_eof, or once finished).
  std::size_t offer_input(Bytes data);
  // Room left in the input buffer.
  std::size_t input_space() const;
  // No more input: FIN once the buffered input has been sent.
  void input_eof();

  void poll(Instant now) override;
  // Both directions done (our FIN sent after all input, the peer's FIN received), or failed.
  bool finished() const { return finished_; }
  // The errno that ended the connection (ECONNREFUSED, ECONNRESET, ETIMEDOUT, ...), else 0.
  int error() const { return error_; }
  bool connected() const;
  bool output_done() const { return peer_closed_; }  // the peer's FIN arrived
  bool input_done() const { return write_shut_; }    // our FIN is queued
  const StreamBridgeStats& stats() const { return stats_; }
  SocketId socket() const { return socket_; }

 private:
  // Sends buffered input; false if the connection failed.
  bool flush_input();
  // Delivers received bytes; false if the connection failed.
  bool drain_received();
  void fail(int error);
  void finish();

  TcpLayer& tcp_;
  SocketId socket_ = 0;
  OutputSink on_output_;
  std::vector<std::uint8_t> input_;  // [input_begin_, input_end_) waits to be sent
  std::size_t input_begin_ = 0;
  std::size_t input_end_ = 0;
  std::vector<std::uint8_t> receive_buffer_;
  bool input_eof_ = false;
  bool write_shut_ = false;
  bool peer_closed_ = false;
  bool finished_ = false;
  int error_ = 0;
  StreamBridgeStats stats_;
};

}  // namespace synack::apps
