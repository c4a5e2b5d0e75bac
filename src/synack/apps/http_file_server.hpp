#pragma once
// A static-file HTTP/1.1 server (RFC 9110, RFC 9112) over the TcpLayer socket API: GET and HEAD,
// persistent connections, pipelined requests answered in order. Files are streamed through one
// fixed chunk buffer per connection as the send buffer has room, never loaded whole, and a
// connection never reads more request bytes than its bounded head buffer holds, so a client
// that pipelines faster than it reads is slowed by TCP flow control rather than by memory.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "synack/apps/app.hpp"
#include "synack/apps/http_head_framer.hpp"
#include "synack/apps/http_request.hpp"
#include "synack/stack/tcp_layer.hpp"

namespace synack::apps {

struct HttpServerOptions {
  std::size_t max_head_bytes = 8 * 1024;  // a longer request head gets 431
  std::size_t chunk_bytes = 16 * 1024;    // file read and send unit
  // After the last response on a connection the server half-closes and keeps reading until the
  // client's FIN for at most this long before releasing the socket (RFC 9112 9.6).
  Duration linger = seconds(2);
  // The Unix time (since 1970-01-01 UTC) at Instant zero of the times handed to poll(). With
  // it every response carries a Date field (RFC 9110 6.6.1: an origin server with a clock
  // MUST send one); without it, a server with no trustworthy clock, none.
  std::optional<Duration> unix_time_at_zero;
};

struct HttpServerStats {
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_closed = 0;
  std::uint64_t connections_failed = 0;  // reset or timed out underneath the server
  std::uint64_t requests = 0;            // responses begun, including error responses
  std::uint64_t responses_2xx = 0;
  std::uint64_t responses_4xx = 0;
  std::uint64_t responses_5xx = 0;
  std::uint64_t body_bytes_sent = 0;  // file bytes handed to TCP
};

class HttpFileServer : public App {
 public:
  HttpFileServer(TcpLayer& tcp, SocketId listener, std::filesystem::path root,
                 HttpServerOptions options = {});
  ~HttpFileServer() override;
  HttpFileServer(const HttpFileServer&) = delete;
  HttpFileServer& operator=(const HttpFileServer&) = delete;

  void poll(Instant now) override;
  Instant next_deadline() const override;
  const HttpServerStats& stats() const { return stats_; }
  std::size_t open_connections() const { return connections_.size(); }

 private:
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  struct Connection {
    explicit Connection(SocketId s, std::size_t max_head) : socket(s), framer(max_head) {}
    SocketId socket;
    // Request bytes received and not yet consumed; one byte more than the head bound so an
    // oversized head is detected rather than waited on.
    std::vector<char> input;
    std::size_t input_length = 0;
    http::HeadFramer framer;
    std::uint64_t body_to_skip = 0;  // a request body's bytes, read and ignored
    bool peer_eof = false;
    // The response in progress.
    bool responding = false;
    std::string head;
    std::size_t head_sent = 0;
    std::unique_ptr<std::FILE, FileCloser> file;
    std::uint64_t body_remaining = 0;  // file bytes not yet read
    std::vector<std::uint8_t> chunk;
    std::size_t chunk_begin = 0;
    std::size_t chunk_end = 0;
    bool close_after_response = false;
    int request_minor = 1;      // HTTP/1.<minor> of the request being answered
    bool head_request = false;  // HEAD: the response has no body
    // Half-closed, waiting for the client's FIN.
    bool lingering = false;
    Instant linger_until = kNever;
  };
  enum class Step { kProgress, kBlocked, kDone, kFailed };

  void accept_new();
  // Runs one connection as far as it can go; false once it is over and its socket released.
  bool pump(Connection& c, Instant now);
  bool start_next_request(Connection& c);
  void respond(Connection& c, const http::Request& request);
  void respond_with_file(Connection& c, const http::Request& request);
  // An error response with a short text body (none for HEAD).
  void begin_error(Connection& c, int status, bool keep_alive, std::string_view extra_headers = {});
  void begin_response(Connection& c, int status, std::string_view content_type,
                      std::uint64_t content_length, bool keep_alive,
                      std::string_view extra_headers = {});
  Step write_response(Connection& c);
  Step read_input(Connection& c);
  std::string_view buffered(const Connection& c) const;
  void skip_body_bytes(Connection& c);
  void consume_input(Connection& c, std::size_t n);
  bool linger(Connection& c, Instant now);
  void count_status(int status);

  TcpLayer& tcp_;
  SocketId listener_;
  std::filesystem::path root_;  // canonical
  HttpServerOptions options_;
  Instant now_;  // the time of the poll() in progress, for the Date field
  std::vector<Connection> connections_;
  std::vector<char> scratch_;  // discarded bytes while lingering
  HttpServerStats stats_;
};

}  // namespace synack::apps
