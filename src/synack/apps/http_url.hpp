#pragma once
// The few URLs `synack get` takes: "http://HOST[:PORT][/PATH]" with HOST an IPv4 literal (the
// stack has no resolver). RFC 3986 section 3 gives the syntax, RFC 9110 4.2.1 the default port.
#include <cstdint>
#include <string>
#include <string_view>

#include "synack/core/error.hpp"
#include "synack/wire/address.hpp"

namespace synack::apps {

struct HttpUrl {
  Ipv4Address address;
  std::uint16_t port = 80;
  std::string host;   // as written, e.g. "10.0.0.2"
  std::string path;   // origin-form request target, at least "/"
  Endpoint endpoint;  // address and port together, for connect
  // The Host field value: the port only when it is not the default (RFC 9110 7.2).
  std::string host_header() const;
};

Result<HttpUrl> parse_http_url(std::string_view url);

}  // namespace synack::apps
