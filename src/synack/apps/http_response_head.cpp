#include "synack/apps/http_response_head.hpp"

#include <cerrno>

#include "synack/apps/http_syntax.hpp"

namespace synack::apps::http {

std::optional<std::string_view> ResponseHead::field(std::string_view name) const {
  for (const auto& [n, v] : fields) {
    if (iequals(n, name)) return std::string_view{v};
  }
  return std::nullopt;
}

namespace {

// status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 4).
Result<ResponseHead> parse_status_line(std::string_view line) {
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ') {
    return Unexpected{Error{EPROTO, "malformed status line"}};
  }
  const char minor = line[7];
  const std::string_view code = line.substr(9, 3);
  const auto status = parse_decimal(code);
  if (minor < '0' || minor > '9' || !status || *status < 100 || *status > 599 ||
      (line.size() > 12 && line[12] != ' ')) {
    return Unexpected{Error{EPROTO, "malformed status line"}};
  }
  const std::string_view reason = line.size() > 13 ? line.substr(13) : std::string_view{};
  if (!is_valid_field_value(reason)) return Unexpected{Error{EPROTO, "malformed status line"}};
  ResponseHead h;
  h.version_minor = minor - '0';
  h.status = static_cast<int>(*status);
  h.reason = std::string(reason);
  return h;
}

// The last transfer coding must be chunked for the body to be self-delimiting (RFC 9112 6.3
// item 4); any other coding is one this client cannot decode.
bool ends_in_chunked(std::string_view list) {
  const std::size_t comma = list.rfind(',');
  const std::string_view last = comma == std::string_view::npos ? list : list.substr(comma + 1);
  return iequals(trim_ows(last), "chunked");
}

}  // namespace

Result<ResponseHead> parse_response_head(std::string_view head) {
  LineReader lines(head);
  const auto status_line = lines.next();
  if (!status_line) return Unexpected{Error{EPROTO, "empty response head"}};
  auto parsed = parse_status_line(*status_line);
  if (!parsed) return parsed;
  ResponseHead& h = *parsed;
  bool transfer_encoding = false;
  while (auto line = lines.next()) {
    if (line->empty()) break;
    const auto field = parse_field_line(*line);
    if (!field) return Unexpected{Error{EPROTO, "malformed header field"}};
    if (iequals(field->name, "Content-Length")) {
      const auto n = parse_decimal(field->value);
      if (!n || (h.content_length && *h.content_length != *n)) {
        return Unexpected{Error{EPROTO, "invalid Content-Length"}};
      }
      h.content_length = n;
    } else if (iequals(field->name, "Transfer-Encoding")) {
      transfer_encoding = true;
      h.chunked = ends_in_chunked(field->value);
      if (!h.chunked) return Unexpected{Error{EPROTO, "unsupported transfer coding"}};
    } else if (iequals(field->name, "Connection")) {
      h.connection_close |= list_has_token(field->value, "close");
    }
    h.fields.emplace_back(std::string(field->name), std::string(field->value));
  }
  // RFC 9112 6.3 item 3: Transfer-Encoding overrides Content-Length.
  if (transfer_encoding) h.content_length.reset();
  return parsed;
}

}  // namespace synack::apps::http
