#include "synack/apps/http_file_server.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "synack/apps/http_date.hpp"
#include "synack/apps/http_status.hpp"
#include "synack/apps/static_files.hpp"

namespace synack::apps {

namespace fs = std::filesystem;

namespace {
fs::path canonical_or_self(const fs::path& root) {
  std::error_code ec;
  fs::path canonical = fs::canonical(root, ec);
  return ec ? root : canonical;
}
// Errors after which the request stream cannot be trusted to continue (RFC 9112 9.6: the
// server closes after responding to a request it could not frame).
bool closes_connection(int status) {
  return status == 400 || status == 431 || status == 501 || status == 505;
}
}  // namespace

HttpFileServer::HttpFileServer(TcpLayer& tcp, SocketId listener, fs::path root,
                               HttpServerOptions options)
    : tcp_(tcp),
      listener_(listener),
      root_(canonical_or_self(root)),
      options_(options),
      scratch_(4096) {
  options_.chunk_bytes = std::max<std::size_t>(options_.chunk_bytes, 1);
}

HttpFileServer::~HttpFileServer() {
  for (const Connection& c : connections_) tcp_.close(c.socket);
}

void HttpFileServer::accept_new() {
  while (auto socket = tcp_.accept(listener_)) {
    Connection& c = connections_.emplace_back(*socket, options_.max_head_bytes);
    c.input.resize(options_.max_head_bytes + 1);
    ++stats_.connections_accepted;
  }
}

void HttpFileServer::poll(Instant now) {
  now_ = now;
  accept_new();
  std::erase_if(connections_, [&](Connection& c) { return !pump(c, now); });
}

Instant HttpFileServer::next_deadline() const {
  Instant next = kNever;
  for (const Connection& c : connections_) {
    if (c.lingering) next = earliest(next, c.linger_until);
  }
  return next;
}

std::string_view HttpFileServer::buffered(const Connection& c) const {
  return std::string_view{c.input.data(), c.input_length};
}

bool HttpFileServer::pump(Connection& c, Instant now) {
  while (true) {
    if (c.lingering) return linger(c, now);
    if (c.responding) {
      const Step s = write_response(c);
      if (s == Step::kFailed) break;
    }
    if (!c.responding) {
      if (c.close_after_response) {
        // Half-close, then read until the client's FIN: closing with unread request bytes
        // would send a RST that can destroy the response before the client reads it.
        tcp_.shutdown(c.socket, ShutdownHow::kWrite);
        c.lingering = true;
        c.linger_until = now + options_.linger;
        continue;
      }
      if (start_next_request(c)) continue;
      if (c.peer_eof) {
        tcp_.close(c.socket);
        ++stats_.connections_closed;
        return false;
      }
    }
    const Step r = read_input(c);
    if (r == Step::kFailed) break;
    if (r == Step::kProgress) continue;
    return true;  // waiting for the network
  }
  tcp_.abort(c.socket);
  ++stats_.connections_failed;
  return false;
}

HttpFileServer::Step HttpFileServer::read_input(Connection& c) {
  if (c.peer_eof) return Step::kBlocked;
  const std::size_t room = c.input.size() - c.input_length;
  if (room == 0) return Step::kBlocked;  // backpressure: the window closes behind us
  auto got = tcp_.recv(
      c.socket,
      MutableBytes{reinterpret_cast<std::uint8_t*>(c.input.data()) + c.input_length, room});
  if (!got) return got.error() == EAGAIN ? Step::kBlocked : Step::kFailed;
  if (*got == 0) {
    c.peer_eof = true;
  } else {
    c.input_length += *got;
  }
  return Step::kProgress;
}

void HttpFileServer::consume_input(Connection& c, std::size_t n) {
  std::memmove(c.input.data(), c.input.data() + n, c.input_length - n);
  c.input_length -= n;
}

void HttpFileServer::skip_body_bytes(Connection& c) {
  const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(c.body_to_skip, c.input_length));
  consume_input(c, n);
  c.body_to_skip -= n;
}

bool HttpFileServer::start_next_request(Connection& c) {
  if (c.body_to_skip > 0) skip_body_bytes(c);
  if (c.body_to_skip > 0 || c.input_length == 0) return false;
  c.request_minor = 1;
  c.head_request = false;
  switch (c.framer.scan(buffered(c))) {
    case http::HeadFramer::Scan::kIncomplete:
      if (c.peer_eof) c.input_length = 0;  // a truncated request: nothing to answer
      return false;
    case http::HeadFramer::Scan::kTooLarge:
      c.input_length = 0;
      begin_error(c, 431, false);
      return true;
    case http::HeadFramer::Scan::kComplete:
      break;
  }
  const std::size_t head_length = c.framer.head_length();
  const auto request = http::parse_request_head(buffered(c).substr(0, head_length));
  consume_input(c, head_length);
  c.framer.reset();
  if (!request) {
    begin_error(c, request.error(), false);
    return true;
  }
  c.request_minor = request->version_minor;
  c.head_request = request->method == "HEAD";
  c.body_to_skip = request->content_length;
  respond(c, *request);
  return true;
}

void HttpFileServer::respond(Connection& c, const http::Request& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    // RFC 9110 15.5.6: a 405 response lists the allowed methods.
    begin_error(c, 405, request.keep_alive, "Allow: GET, HEAD\r\n");
    return;
  }
  const auto file = http::resolve_static_file(root_, request.target);
  if (!file) {
    begin_error(c, file.error(), request.keep_alive && !closes_connection(file.error()));
    return;
  }
  if (!c.head_request) {
    c.file.reset(std::fopen(file->path.c_str(), "rb"));
    if (!c.file) {
      begin_error(c, errno == EACCES ? 403 : 404, request.keep_alive);
      return;
    }
    c.body_remaining = file->size;
    if (c.chunk.empty()) c.chunk.resize(options_.chunk_bytes);
  }
  begin_response(c, 200, file->content_type, file->size, request.keep_alive);
}

void HttpFileServer::begin_error(Connection& c, int status, bool keep_alive,
                                 std::string_view extra_headers) {
  const std::string_view reason = http::reason_phrase(status);
  begin_response(c, status, "text/plain; charset=utf-8", reason.size() + 5, keep_alive,
                 extra_headers);
  if (!c.head_request) {
    // The body is "<code> <reason>\n", small enough to travel with the head.
    c.head += std::to_string(status);
    c.head += ' ';
    c.head += reason;
    c.head += '\n';
  }
}

void HttpFileServer::begin_response(Connection& c, int status, std::string_view content_type,
                                    std::uint64_t content_length, bool keep_alive,
                                    std::string_view extra_headers) {
  // HTTP/1.1 whatever the request's minor version: RFC 9110 6.2 has a server send the highest
  // minor version it conforms to.
  c.head.clear();
  c.head += "HTTP/1.1 ";
  c.head += std::to_string(status);
  c.head += ' ';
  c.head += http::reason_phrase(status);
  c.head += "\r\n";
  if (options_.unix_time_at_zero) {
    // RFC 9110 6.6.1: the time the response was generated, as IMF-fixdate.
    const Duration unix_time = *options_.unix_time_at_zero + (now_ - kEpoch);
    c.head += "Date: ";
    c.head += http::imf_fixdate(std::chrono::floor<std::chrono::seconds>(unix_time).count());
    c.head += "\r\n";
  }
  c.head += "Server: synack\r\nContent-Type: ";
  c.head += content_type;
  c.head += "\r\nContent-Length: ";
  c.head += std::to_string(content_length);
  c.head += "\r\n";
  c.head += extra_headers;
  if (!keep_alive) {
    c.head += "Connection: close\r\n";
  } else if (c.request_minor == 0) {
    c.head += "Connection: keep-alive\r\n";  // RFC 9112 9.3: HTTP/1.0 persistence is opt-in
  }
  c.head += "\r\n";
  c.head_sent = 0;
  c.responding = true;
  c.close_after_response = !keep_alive;
  ++stats_.requests;
  count_status(status);
}

void HttpFileServer::count_status(int status) {
  if (status >= 200 && status < 300) ++stats_.responses_2xx;
  if (status >= 400 && status < 500) ++stats_.responses_4xx;
  if (status >= 500) ++stats_.responses_5xx;
}

HttpFileServer::Step HttpFileServer::write_response(Connection& c) {
  while (true) {
    Bytes pending;
    if (c.head_sent < c.head.size()) {
      pending = Bytes{reinterpret_cast<const std::uint8_t*>(c.head.data()) + c.head_sent,
                      c.head.size() - c.head_sent};
    } else if (c.chunk_begin < c.chunk_end) {
      pending = Bytes{c.chunk.data() + c.chunk_begin, c.chunk_end - c.chunk_begin};
    } else if (c.body_remaining > 0) {
      const auto want =
          static_cast<std::size_t>(std::min<std::uint64_t>(c.body_remaining, c.chunk.size()));
      const std::size_t n = std::fread(c.chunk.data(), 1, want, c.file.get());
      // A file that shrank under us cannot honour its Content-Length: the connection must
      // end without a complete body so the client sees the truncation.
      if (n == 0) return Step::kFailed;
      c.chunk_begin = 0;
      c.chunk_end = n;
      c.body_remaining -= n;
      continue;
    } else {
      c.file.reset();
      c.responding = false;
      return Step::kDone;
    }
    auto sent = tcp_.send(c.socket, pending);
    if (!sent) return sent.error() == EAGAIN ? Step::kBlocked : Step::kFailed;
    if (c.head_sent < c.head.size()) {
      c.head_sent += *sent;
    } else {
      c.chunk_begin += *sent;
      stats_.body_bytes_sent += *sent;
    }
  }
}

bool HttpFileServer::linger(Connection& c, Instant now) {
  while (true) {
    auto got = tcp_.recv(
        c.socket, MutableBytes{reinterpret_cast<std::uint8_t*>(scratch_.data()), scratch_.size()});
    if (got && *got > 0) continue;
    if (!got && got.error() == EAGAIN && now < c.linger_until) return true;
    break;  // the client's FIN, an error, or the linger time is up
  }
  tcp_.close(c.socket);
  ++stats_.connections_closed;
  return false;
}

}  // namespace synack::apps
