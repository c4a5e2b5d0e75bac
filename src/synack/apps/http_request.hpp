#pragma once
// An HTTP/1.x request head, parsed from bytes framed by HeadFramer (RFC 9112 sections 3 and 5).
// A malformed head yields the status code the server should answer with, never a crash.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "synack/core/expected.hpp"

namespace synack::apps::http {

struct Request {
  std::string method;
  std::string target;     // origin-form: "/path?query"
  int version_minor = 1;  // HTTP/1.<minor>
  // Whether the connection stays open after the response (RFC 9112 9.3): HTTP/1.1 unless
  // "Connection: close", HTTP/1.0 only with "Connection: keep-alive".
  bool keep_alive = true;
  std::uint64_t content_length = 0;  // body bytes that follow the head
};

// Parses a complete head. Errors are response status codes: 400 for bad syntax, 501 for a
// Transfer-Encoding this server does not implement, 505 for an HTTP major version other than 1.
Expected<Request, int> parse_request_head(std::string_view head);

}  // namespace synack::apps::http
