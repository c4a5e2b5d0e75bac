#include "synack/apps/http_get_client.hpp"

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace synack::apps {

std::string HttpGetResult::describe() const {
  if (!complete) return error.empty() ? std::string("not finished") : error;
  return "HTTP " + std::to_string(status) + " " + reason + ", " + std::to_string(body_bytes) +
         " body bytes";
}

HttpGetClient::HttpGetClient(TcpLayer& tcp, Instant now, Endpoint server, std::string host,
                             std::string path, BodySink on_body, ProgressFn on_progress,
                             HttpGetOptions options)
    : tcp_(tcp),
      on_body_(std::move(on_body)),
      on_progress_(std::move(on_progress)),
      receive_buffer_(std::max<std::size_t>(options.receive_chunk, 1)),
      framer_(options.max_head_bytes) {
  request_ = "GET " + path + " HTTP/1.1\r\nHost: " + host +
             "\r\nUser-Agent: synack\r\nAccept: */*\r\nConnection: close\r\n\r\n";
  head_buffer_.reserve(options.max_head_bytes + options.receive_chunk);
  auto socket = tcp_.connect(now, server);
  if (!socket) {
    fail_with_errno(socket.error().code);
    return;
  }
  socket_ = *socket;
}

HttpGetClient::~HttpGetClient() {
  if (!finished_ && socket_ != 0) tcp_.close(socket_);
}

void HttpGetClient::poll(Instant /*now*/) {
  while (!finished_) {
    // The request is small; before ESTABLISHED the layer queues it (RFC 9293 3.10.2).
    if (request_sent_ < request_.size()) {
      const auto* p = reinterpret_cast<const std::uint8_t*>(request_.data()) + request_sent_;
      auto sent = tcp_.send(socket_, Bytes{p, request_.size() - request_sent_});
      if (sent) {
        request_sent_ += *sent;
      } else if (sent.error() != EAGAIN) {
        fail_with_errno(sent.error().code);
        return;
      }
    }
    auto got = tcp_.recv(socket_, MutableBytes{receive_buffer_.data(), receive_buffer_.size()});
    if (!got) {
      if (got.error() != EAGAIN) fail_with_errno(got.error().code);
      return;
    }
    if (*got == 0) {
      on_end_of_stream();
      return;
    }
    if (!on_received(Bytes{receive_buffer_.data(), *got})) return;
  }
}

bool HttpGetClient::on_received(Bytes data) {
  return in_body_ ? on_body_bytes(data) : on_head_bytes(data);
}

bool HttpGetClient::on_head_bytes(Bytes data) {
  head_buffer_.append(reinterpret_cast<const char*>(data.data()), data.size());
  while (true) {
    const auto scan = framer_.scan(head_buffer_);
    if (scan == http::HeadFramer::Scan::kIncomplete) return true;
    if (scan == http::HeadFramer::Scan::kTooLarge) {
      fail_with_protocol_error("response head too large");
      return false;
    }
    const std::size_t head_length = framer_.head_length();
    auto head = http::parse_response_head(std::string_view(head_buffer_).substr(0, head_length));
    if (!head) {
      fail_with_protocol_error(head.error().context);
      return false;
    }
    framer_.reset();
    if (head->status >= 100 && head->status < 200) {
      // An interim response (RFC 9110 15.2): the final one follows.
      head_buffer_.erase(0, head_length);
      continue;
    }
    result_.status = head->status;
    result_.reason = std::move(head->reason);
    result_.fields = std::move(head->fields);
    body_ = http::BodyDecoder::for_response(*head);
    in_body_ = true;
    // Body bytes that came with the head: copied out first, as the head buffer is reused.
    std::string rest = head_buffer_.substr(head_length);
    head_buffer_.clear();
    if (on_progress_) on_progress_(0, body_.expected_total());
    return on_body_bytes(Bytes{reinterpret_cast<const std::uint8_t*>(rest.data()), rest.size()});
  }
}

bool HttpGetClient::on_body_bytes(Bytes data) {
  std::uint64_t before = body_.body_bytes();
  auto used = body_.feed(data, [this](Bytes chunk) {
    if (on_body_) on_body_(chunk);
  });
  if (!used) {
    fail_with_protocol_error(used.error().context);
    return false;
  }
  if (on_progress_ && body_.body_bytes() != before) {
    on_progress_(body_.body_bytes(), body_.expected_total());
  }
  if (body_.complete()) {
    succeed();
    return false;
  }
  return true;
}

void HttpGetClient::on_end_of_stream() {
  if (!in_body_) {
    fail_with_protocol_error("connection closed before the response head");
    return;
  }
  if (const Status complete = body_.finish_at_eof(); !complete) {
    fail_with_protocol_error(complete.error().context);
    return;
  }
  succeed();
}

void HttpGetClient::succeed() {
  result_.complete = true;
  finish();
}

void HttpGetClient::fail_with_errno(int error) {
  result_.error_code = error;
  result_.error = std::generic_category().message(error);
  finish();
}

void HttpGetClient::fail_with_protocol_error(std::string what) {
  result_.error = std::move(what);
  finish();
}

void HttpGetClient::finish() {
  result_.body_bytes = body_.body_bytes();
  finished_ = true;
  if (socket_ != 0) tcp_.close(socket_);
}

}  // namespace synack::apps
