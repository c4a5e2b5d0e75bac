#include "synack/apps/http_url.hpp"

#include <cerrno>

#include "synack/apps/http_syntax.hpp"

namespace synack::apps {

std::string HttpUrl::host_header() const {
  if (port == 80) return host;
  std::string out = host;
  out += ':';
  out += std::to_string(port);
  return out;
}

namespace {
// Not an http:// URL synack can fetch: EINVAL with what is wrong with it.
Unexpected<Error> fail(std::string why) {
  return Unexpected{Error{EINVAL, std::move(why)}};
}
bool is_valid_path(std::string_view path) {
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
  }
  return true;
}
}  // namespace

Result<HttpUrl> parse_http_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.size() < kScheme.size() || !http::iequals(url.substr(0, kScheme.size()), kScheme)) {
    return fail("URL must start with http://");
  }
  url.remove_prefix(kScheme.size());
  const std::size_t path_start = url.find_first_of("/?#");
  const std::string_view authority = url.substr(0, path_start);
  std::string_view path =
      path_start == std::string_view::npos ? std::string_view{} : url.substr(path_start);
  path = path.substr(0, path.find('#'));  // the fragment stays with the client (RFC 3986 3.5)
  if (authority.find('@') != std::string_view::npos) return fail("user info is not supported");

  HttpUrl out;
  const std::size_t colon = authority.find(':');
  out.host = std::string(authority.substr(0, colon));
  if (colon != std::string_view::npos) {
    const auto port = http::parse_decimal(authority.substr(colon + 1));
    if (!port || *port == 0 || *port > 65535) return fail("invalid port");
    out.port = static_cast<std::uint16_t>(*port);
  }
  const auto address = Ipv4Address::parse(out.host);
  if (!address) return fail("host must be an IPv4 address");
  out.address = *address;
  if (!is_valid_path(path)) return fail("invalid characters in path");
  out.path.reserve(path.size() + 1);
  if (path.empty() || path.front() != '/') out.path.push_back('/');
  out.path.append(path.data(), path.size());
  out.endpoint = Endpoint{IpAddress::v4(out.address), out.port};
  return out;
}

}  // namespace synack::apps
