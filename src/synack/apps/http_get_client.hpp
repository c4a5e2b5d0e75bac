#pragma once
// One HTTP/1.1 GET over the TcpLayer socket API: connect, send the request (with
// "Connection: close", so the exchange ends with the connection), parse the response head, then
// deliver the body, framed by Content-Length, chunked transfer coding or the server's close
// (RFC 9112 6.3). Body bytes go to the caller's sink as they arrive, straight from the receive
// buffer; only the head is buffered, up to a bound.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "synack/apps/app.hpp"
#include "synack/apps/http_body_decoder.hpp"
#include "synack/apps/http_head_framer.hpp"
#include "synack/apps/http_response_head.hpp"
#include "synack/apps/http_url.hpp"
#include "synack/stack/tcp_layer.hpp"

namespace synack::apps {

// Takes every body byte it is handed (the client cannot hold any back).
using BodySink = std::function<void(Bytes)>;
// Body bytes received so far and the announced total, or -1 when the length is not known.
using ProgressFn = std::function<void(std::uint64_t received, std::int64_t total)>;

struct HttpGetResult {
  // A complete response arrived (any status code); otherwise error_code or error says why.
  bool ok() const { return complete; }
  // One line for people: "HTTP 200 OK, 1234 body bytes" or the error.
  std::string describe() const;

  bool complete = false;
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> fields;
  std::uint64_t body_bytes = 0;
  int error_code = 0;  // errno from the connection: ECONNREFUSED, ETIMEDOUT, ECONNRESET, ...
  std::string error;   // what went wrong, for errors of either kind
};

struct HttpGetOptions {
  std::size_t max_head_bytes = 16 * 1024;
  std::size_t receive_chunk = 16 * 1024;
};

class HttpGetClient : public App {
 public:
  HttpGetClient(TcpLayer& tcp, Instant now, Endpoint server, std::string host, std::string path,
                BodySink on_body, ProgressFn on_progress = {}, HttpGetOptions options = {});
  ~HttpGetClient() override;
  HttpGetClient(const HttpGetClient&) = delete;
  HttpGetClient& operator=(const HttpGetClient&) = delete;

  void poll(Instant now) override;
  bool finished() const { return finished_; }
  const HttpGetResult& result() const { return result_; }
  // The connection (0 if connect failed at once), for tests and progress displays.
  SocketId socket() const { return socket_; }

 private:
  // Handles received bytes; false once the exchange is over.
  bool on_received(Bytes data);
  bool on_head_bytes(Bytes data);
  bool on_body_bytes(Bytes data);
  void on_end_of_stream();
  void succeed();
  void fail_with_errno(int error);
  void fail_with_protocol_error(std::string what);
  void finish();

  TcpLayer& tcp_;
  SocketId socket_ = 0;
  BodySink on_body_;
  ProgressFn on_progress_;
  std::string request_;
  std::size_t request_sent_ = 0;
  std::vector<std::uint8_t> receive_buffer_;
  std::string head_buffer_;
  http::HeadFramer framer_;
  bool in_body_ = false;
  http::BodyDecoder body_ = http::BodyDecoder::with_framing(http::BodyDecoder::Framing::kNone);
  bool finished_ = false;
  HttpGetResult result_;
};

}  // namespace synack::apps
