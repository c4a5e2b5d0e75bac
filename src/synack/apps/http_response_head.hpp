#pragma once
// An HTTP/1.x response head as a client sees it (RFC 9112 sections 4 and 6), parsed from bytes
// framed by HeadFramer, with what the client needs to find the body's end.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synack/core/error.hpp"

namespace synack::apps::http {

struct ResponseHead {
  int version_minor = 1;
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> fields;
  std::optional<std::uint64_t> content_length;
  bool chunked = false;  // Transfer-Encoding ends in "chunked"
  bool connection_close = false;

  // The first value of a field, case-insensitive name; nullopt if absent.
  std::optional<std::string_view> field(std::string_view name) const;
};

// Errors are short descriptions ("malformed status line", ...).
Result<ResponseHead> parse_response_head(std::string_view head);

}  // namespace synack::apps::http
